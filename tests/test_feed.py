"""The home feed: routes in, order, de-duplication, keyset pagination, new posts, constant queries."""
import re

import pytest

from agora.extensions import db


@pytest.fixture
def people(make_user):
    return [make_user(f"{n}@example.com", name=n.title()) for n in ("ana", "bob", "chloe", "dan")]


def ids_on(page_html):
    return [int(i) for i in re.findall(r'id="post-(\d+)"', page_html)]


def every_page(client, url):
    """Post ids on `url` and every page after it, following the "next" links."""
    seen = []
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += ids_on(page)
        match = re.search(r'href="([^"]*\?cursor=[^"]+)" rel="next"', page)
        url = match.group(1).replace("&amp;", "&") if match else None
    return seen


def test_feed_collects_every_route_once_newest_first(client, login, people):
    from agora.follows.services import follow
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    ana, bob, chloe, dan = people
    general = create_space("general", "General")
    other = create_space("other", "Other")
    follow(ana, "person", "bob")
    follow(ana, "space", "general")
    follow(ana, "hashtag", "Café")
    mine = create_post(ana, person=ana, body="my own")
    on_my_wall = create_post(dan, person=ana, body="hello ana")
    by_bob = create_post(bob, person=bob, body="bob speaks")
    # Reaches ana by three routes: followed author, followed space, followed hashtag.
    everywhere = create_post(bob, space=general, body="bob in general about #cafe")
    in_space = create_post(chloe, space=general, body="chloe in general")
    tagged = create_post(dan, person=dan, body="dan on #CAFÉ")
    unrelated = create_post(chloe, person=chloe, body="nothing for ana")
    elsewhere = create_post(dan, space=other, body="other space")
    login(ana)
    page = client.get("/").get_data(as_text=True)
    shown = ids_on(page)
    assert shown == [tagged.id, in_space.id, everywhere.id, by_bob.id, on_my_wall.id, mine.id]
    assert unrelated.id not in shown and elsewhere.id not in shown


def test_pinned_announcements_lead_the_first_page(client, login, people):
    from agora.walls.models import Post
    from agora.walls.services import create_post

    ana, bob = people[:2]
    announcement = Post(author_id=bob.id, wall_user_id=bob.id, kind="announcement", pinned=True,
                        body_source="All hands", body_html="<p>All hands</p>")
    db.session.add(announcement)
    db.session.commit()
    newer = create_post(ana, person=ana, body="newer than the announcement")
    login(ana)
    shown = ids_on(client.get("/").get_data(as_text=True))
    assert shown == [announcement.id, newer.id]


def test_keyset_pages_have_no_gaps_or_duplicates(client, login, people, app):
    from agora.walls.services import create_post

    ana = people[0]
    made = [create_post(ana, person=ana, body=f"post {i}").id for i in range(45)]
    login(ana)
    assert every_page(client, "/") == sorted(made, reverse=True)


def test_invalid_cursor_is_a_friendly_400(client, login, people):
    login(people[0])
    response = client.get("/?cursor=not-a-cursor")
    assert response.status_code == 400 and "Bad request" in response.get_data(as_text=True)


def test_new_posts_count_with_and_without_javascript(client, login, people):
    from agora.walls.services import create_post

    ana, bob = people[:2]
    create_post(ana, person=ana, body="first")
    login(ana)
    page = client.get("/").get_data(as_text=True)
    since = re.search(r'data-since="([^"]+)"', page).group(1)
    assert client.get(f"/feed/new-count?since={since}").get_json() == {"count": 0}
    create_post(bob, person=ana, body="second")
    create_post(ana, person=ana, body="third")
    assert client.get(f"/feed/new-count?since={since}").get_json() == {"count": 2}
    assert "2 new posts" in client.get(f"/?since={since}").get_data(as_text=True)


def test_new_posts_count_counts_each_route_once(client, login, people):
    """Posts reaching the reader through a followed space and hashtag count, once each, however many routes."""
    from agora.follows.services import follow
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    ana, bob = people[:2]
    space = create_space("atelier", "Atelier")
    follow(ana, "space", "atelier")
    follow(ana, "hashtag", "budget")
    create_post(ana, person=ana, body="first")
    login(ana)
    since = re.search(r'data-since="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    create_post(bob, space=space, body="in the space")
    create_post(bob, person=bob, body="the #budget")
    create_post(bob, space=space, body="the #budget in the space")  # two routes, one post
    create_post(bob, person=bob, body="not for ana")
    assert client.get(f"/feed/new-count?since={since}").get_json() == {"count": 3}
    bad = client.get("/feed/new-count?since=garbage", headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid"


def test_feed_hides_posts_from_spaces_the_reader_cannot_read(client, login, people):
    from agora.follows.models import Follow
    from agora.spaces.models import Space
    from agora.walls.models import Post

    ana, bob = people[:2]
    closed = Space(slug="closed", name="Closed", visibility="closed")
    db.session.add(closed)
    db.session.flush()
    post = Post(author_id=bob.id, space_id=closed.id, body_source="secret", body_html="<p>secret</p>")
    db.session.add_all([post, Follow(user_id=ana.id, target_type="person", target_id=bob.id)])
    db.session.commit()
    login(ana)
    assert post.id not in ids_on(client.get("/").get_data(as_text=True))


def test_feed_runs_a_constant_number_of_queries(client, login, people, count_queries):
    from agora.follows.services import follow
    from agora.spaces.services import create_space
    from agora.walls import comments, reactions, services

    ana, bob, chloe, dan = people
    space = create_space("general", "General")
    follow(ana, "person", "bob")
    follow(ana, "space", "general")

    def add(n):
        for i in range(n):
            post = services.create_post(bob if i % 2 else chloe, **({"space": space} if i % 3 else {"person": bob}),
                                        body=f"post {i} #tag{i} @ana")
            comments.add_comment(dan, post, "a comment")
            reactions.set_reaction(dan, post, "like")
            reactions.set_reaction(ana, post, "curious")
            if i % 4 == 0:
                services.share_post(dan, post, person=dan, body="look")

    add(3)
    login(ana)
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    add(20)
    with count_queries() as many:
        assert client.get("/").status_code == 200
    assert len(ids_on(client.get("/").get_data(as_text=True))) == 20
    assert few.count == many.count, many.statements
    with count_queries() as wall:
        assert client.get("/spaces/general").status_code == 200
    with count_queries() as person_wall:
        assert client.get("/people/bob/wall").status_code == 200
    # A space's page also loads its pinned posts, moderators and the reader's membership.
    assert wall.count <= few.count + 3 and person_wall.count <= few.count + 2


def test_pages_merge_every_route_in_order_without_gaps(client, login, people, app):
    """Each route is its own limited index walk; the pages still list every post once, newest first."""
    from datetime import timedelta

    from agora.core.time import utcnow
    from agora.follows.services import follow
    from agora.spaces.membership import join
    from agora.spaces.models import Space
    from agora.spaces.services import create_space
    from agora.walls.models import Post
    from agora.walls.services import create_post

    ana, bob, chloe, dan = people
    member = create_space("member", "Member")
    followed = create_space("followed", "Followed")
    closed = create_space("closed", "Closed", visibility="closed")
    elsewhere = create_space("elsewhere", "Elsewhere")
    join(ana, member)
    follow(ana, "person", "bob")
    follow(ana, "space", "followed")
    follow(ana, "hashtag", "release")
    db.session.add(db.session.get(Space, closed.id))
    expected, hidden = [], []
    writers = [
        (lambda i: create_post(ana, person=ana, body=f"mine {i}"), True),
        (lambda i: create_post(dan, person=ana, body=f"to ana {i}"), True),
        (lambda i: create_post(bob, person=bob, body=f"bob {i}"), True),
        (lambda i: create_post(chloe, space=member, body=f"member {i}"), True),
        (lambda i: create_post(dan, space=followed, body=f"followed {i}"), True),
        (lambda i: create_post(chloe, person=chloe, body=f"tagged #release {i}"), True),
        (lambda i: create_post(bob, space=member, body=f"two routes #release {i}"), True),
        (lambda i: create_post(chloe, person=chloe, body=f"unrelated {i}"), False),
        (lambda i: create_post(dan, space=elsewhere, body=f"elsewhere #other {i}"), False),
    ]
    base = utcnow() - timedelta(days=2)
    for i in range(12):
        for n, (write, reaches) in enumerate(writers):
            post = write(i)
            # Interleaved times, with ties, so that routes alternate across page boundaries.
            post.created_at = base + timedelta(minutes=(i * len(writers) + n) // 2)
            (expected if reaches else hidden).append(post)
    # Bob writes in a closed space Ana cannot read: his followers do not see it.
    secret = Post(author_id=bob.id, space_id=closed.id, body_source="closed", body_html="<p>closed</p>",
                  created_at=base + timedelta(hours=5))
    db.session.add(secret)
    db.session.commit()
    login(ana)
    seen = every_page(client, "/")
    want = [p.id for p in sorted(expected, key=lambda p: (p.created_at, p.id), reverse=True)]
    assert seen == want
    assert secret.id not in seen and not set(seen) & {p.id for p in hidden}


def test_tag_page_pages_in_order(client, login, people):
    from agora.walls.services import create_post

    ana, bob = people[:2]
    made = [create_post(ana if i % 2 else bob, person=ana, body=f"#Lancement {i}").id for i in range(27)]
    create_post(bob, person=bob, body="#autre")
    login(ana)
    assert every_page(client, "/tags/lancement") == sorted(made, reverse=True)


@pytest.mark.parametrize("space_branches", [120, 1])
def test_readers_with_the_same_kind_of_routes_each_get_their_own_feed(client, login, people, monkeypatch,
                                                                      space_branches):
    """The feed's statement is built once per shape of routes and reused: each reader's own ids fill it."""
    from agora.feed import services as feed
    from agora.follows.services import follow
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    # 1: past one followed space, all of them go into one IN list instead of a branch each.
    monkeypatch.setattr(feed, "MAX_SPACE_BRANCHES", space_branches)
    ana, bob, chloe, dan = people
    spaces = {n: create_space(n, n.title()) for n in ("alpha", "beta", "gamma", "delta")}
    closed = {n: create_space(n, n.title(), visibility="closed") for n in ("ana-team", "bob-team")}
    db.session.add_all([Membership(space_id=closed[team].id, user_id=who.id, role="member")
                        for team, who in (("ana-team", ana), ("ana-team", chloe), ("bob-team", bob), ("bob-team", dan))])
    db.session.commit()
    routes = {ana: ("alpha", "beta", "chloe", "rouge"), bob: ("gamma", "delta", "dan", "vert")}
    for reader, (first, second, person, tag) in routes.items():
        follow(reader, "space", first)
        follow(reader, "space", second)
        follow(reader, "person", person)
        follow(reader, "hashtag", tag)
    posts = {
        ana: [create_post(chloe, space=spaces["alpha"], body="in alpha"),
              create_post(chloe, space=spaces["beta"], body="in beta"),
              create_post(chloe, person=chloe, body="chloe speaks"),
              create_post(bob, person=bob, body="about #rouge"),
              create_post(chloe, space=closed["ana-team"], body="ana's team")],
        bob: [create_post(dan, space=spaces["gamma"], body="in gamma"),
              create_post(dan, space=spaces["delta"], body="in delta"),
              create_post(dan, person=dan, body="dan speaks"),
              create_post(ana, person=ana, body="about #vert"),
              create_post(dan, space=closed["bob-team"], body="bob's team")],
    }
    for reader, other in ((ana, bob), (bob, ana)):
        login(reader)
        shown = set(ids_on(client.get("/").get_data(as_text=True)))
        assert {p.id for p in posts[reader]} <= shown
        # The other reader's routes do not leak in, nor their closed team's posts.
        assert not shown & {p.id for p in posts[other] if p.author_id != reader.id}
        client.post("/logout")
