"""Each visibility level across every channel, and leaving or removal taking effect at once everywhere."""
import pytest

from agora.extensions import db

MARKER = "Quarterly-figures-7731"


@pytest.fixture
def login(login, client):
    """Switch the browser to another person (log out first)."""
    def do(user, c=None):
        (c or client).post("/logout")
        return login(user, c=c)
    return do


@pytest.fixture
def world(make_user):
    """A moderator who writes, a member reader (ana) and a colleague outside the space (bob)."""
    from agora.accounts.services import create_token

    people = {name: make_user(f"{name}@example.com", name=name.title()) for name in ("mod", "ana", "bob")}
    tokens = {name: {"Authorization": f"Bearer {create_token(user, 'test')[1]}"} for name, user in people.items()}
    return people, tokens


def _setup(world, visibility):
    from agora.follows.services import follow
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    people, _tokens = world
    space = create_space("room", "Room", "What the room is about", visibility)
    db.session.add(Membership(space_id=space.id, user_id=people["mod"].id, role="moderator"))
    db.session.add(Membership(space_id=space.id, user_id=people["ana"].id))
    db.session.commit()
    for name in ("ana", "bob"):  # both follow the tag, so only readability decides what their feed shows
        follow(people[name], "hashtag", "figures")
    post = create_post(people["mod"], space=space, body=f"{MARKER} for @ana and @bob #figures")
    return space, post


def channels(client, headers, post) -> dict[str, bool]:
    """Where `post` shows for the logged-in client (pages) and the token (API)."""
    def has(url):
        response = client.get(url)
        return response.status_code == 200 and MARKER in response.get_data(as_text=True)

    api_post = client.get(f"/api/v1/posts/{post.id}", headers=headers)
    api_feed = client.get("/api/v1/feed", headers=headers).get_json()
    api_space = client.get("/api/v1/spaces/room", headers=headers)
    return {
        "wall": has("/spaces/room"),
        "post page": has(f"/posts/{post.id}"),
        "feed": has("/"),
        "tag page": has("/tags/figures"),
        "notifications": has("/notifications"),
        "profile": has("/people/mod"),
        "api post": api_post.status_code == 200,
        "api feed": post.id in [p["id"] for p in api_feed["items"]],
        "api space": api_space.status_code == 200 and post.id in [p["id"] for p in api_space.get_json().get("posts", [])],
    }


ALL = {"wall", "post page", "feed", "tag page", "notifications", "profile", "api post", "api feed", "api space"}


def _shown(result):
    return {name for name, shown in result.items() if shown}


@pytest.mark.parametrize("visibility", ["open", "closed", "secret"])
def test_each_visibility_for_member_and_non_member(client, login, world, visibility):
    people, tokens = world
    _space, post = _setup(world, visibility)
    login(people["ana"])
    assert _shown(channels(client, tokens["ana"], post)) == ALL
    login(people["bob"])
    # Non-members are never notified about what they may not read (mentions included).
    expected = ALL if visibility == "open" else set()
    assert _shown(channels(client, tokens["bob"], post)) == expected
    space_page = client.get("/spaces/room")
    if visibility == "closed":
        html = space_page.get_data(as_text=True)
        assert space_page.status_code == 200 and "What the room is about" in html and MARKER not in html
    elif visibility == "secret":
        assert space_page.status_code == 404
        assert client.get("/api/v1/spaces/room", headers=tokens["bob"]).status_code == 404


@pytest.mark.parametrize("visibility", ["closed", "secret"])
@pytest.mark.parametrize("how", ["leave", "removed", "api leave"])
def test_leaving_or_removal_takes_effect_at_once_everywhere(client, login, world, visibility, how):
    people, tokens = world
    _space, post = _setup(world, visibility)
    login(people["ana"])
    assert _shown(channels(client, tokens["ana"], post)) == ALL
    if how == "leave":
        assert client.post("/spaces/room/leave").status_code == 302
    elif how == "api leave":
        assert client.post("/api/v1/spaces/room/leave", headers=tokens["ana"]).status_code == 200
    else:
        login(people["mod"])
        assert client.post("/spaces/room/members/ana/remove").status_code == 302
        login(people["ana"])
    assert _shown(channels(client, tokens["ana"], post)) == set()
    listed = 'href="/spaces/room"' in client.get("/spaces").get_data(as_text=True)
    assert listed is (visibility == "closed")  # a secret space is forgotten; a closed one is still known
    assert client.get("/spaces/room").status_code == (404 if visibility == "secret" else 200)


def test_leaving_an_open_space_keeps_what_every_colleague_reads(client, login, world):
    people, tokens = world
    _space, post = _setup(world, "open")
    login(people["ana"])
    client.post("/spaces/room/leave")
    shown = _shown(channels(client, tokens["ana"], post))
    assert shown == ALL  # the tag she follows still brings it to her feed


def test_joining_gives_access_at_once_and_shared_copies_do_not_leak(client, login, world):
    from agora.walls.services import share_post

    people, tokens = world
    _space, post = _setup(world, "closed")
    share = share_post(people["ana"], post, body="see this", person=people["ana"])
    login(people["bob"])
    page = client.get(f"/posts/{share.id}")
    assert MARKER not in page.get_data(as_text=True)
    login(people["mod"])
    client.post("/spaces/room/members", data={"person": "bob"})
    from agora.spaces.models import JoinRequest
    invitation = db.session.scalar(db.select(JoinRequest))
    login(people["bob"])
    client.post(f"/spaces/invitations/{invitation.id}/accept")
    assert {"wall", "post page", "tag page", "api post", "api space"} <= _shown(channels(client, tokens["bob"], post))


def test_space_list_and_page_run_a_constant_number_of_queries(client, login, world, count_queries, make_user):
    from agora.core.transactions import transaction
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space, find_space
    from agora.walls.services import create_post

    people, _tokens = world
    login(people["ana"])

    def add(n, start):
        for i in range(start, start + n):
            with transaction():
                space = create_space(f"s{i}", f"Space {i}", "", ("open", "closed", "secret")[i % 3])
                db.session.add(Membership(space_id=space.id, user_id=people["ana"].id, role="member"))
                for j in range(3):
                    user = make_user(f"p{i}-{j}@example.com")
                    db.session.add(Membership(space_id=space.id, user_id=user.id,
                                              role="moderator" if j == 0 else "member"))
            create_post(people["ana"], space=space, body=f"hello {i}")

    add(2, 0)
    with count_queries() as few:
        assert client.get("/spaces").status_code == 200
    with count_queries() as page_few:
        assert client.get("/spaces/s0").status_code == 200
    with count_queries() as members_few:
        assert client.get("/spaces/s0/members").status_code == 200
    add(8, 2)
    for i in range(10):
        user = make_user(f"extra{i}@example.com")
        db.session.add(Membership(space_id=find_space("s0").id, user_id=user.id))
    db.session.commit()
    for i in range(5):
        create_post(people["ana"], space=find_space("s0"), body=f"more {i}")
    with count_queries() as many:
        listing = client.get("/spaces")
    assert listing.get_data(as_text=True).count('class="card space-card"') == 10
    with count_queries() as page_many:
        assert client.get("/spaces/s0").status_code == 200
    with count_queries() as members_many:
        assert "extra9" in client.get("/spaces/s0/members").get_data(as_text=True).lower()
    assert few.count == many.count, many.statements
    assert page_few.count == page_many.count, page_many.statements
    assert members_few.count == members_many.count, members_many.statements


def test_readers_find_the_moderation_record_and_members_from_the_space_page(client, login, world):
    people, _tokens = world
    _setup(world, "closed")
    login(people["ana"])
    page = client.get("/spaces/room").get_data(as_text=True)
    assert 'href="/spaces/room/members"' in page and 'href="/spaces/room/moderation"' in page
    members = client.get("/spaces/room/members").get_data(as_text=True)
    assert "Mod" in members and "Moderator" in members and "Requests to join" not in members
    login(people["bob"])
    preview = client.get("/spaces/room").get_data(as_text=True)
    assert 'href="/spaces/room/moderation"' not in preview and 'href="/spaces/room/members"' not in preview
