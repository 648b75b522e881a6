"""In-app notifications: notify(), the bell, the list, read marks, preferences, visibility and the API."""
import re

import pytest

from agora.extensions import db


@pytest.fixture(autouse=True)
def made_up_targets(app):
    """Most tests notify about targets that do not exist: set the features' visibility hooks aside."""
    return app.extensions.get("agora.hooks", {}).pop("notifications.visible", [])


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lima")


@pytest.fixture
def bob(make_user):
    return make_user("bob@example.com", name="Bob Martin")


def _notify(recipient, kind="mention", actor=None, target=("post", 1), url="/posts/1", excerpt="Hello there",
            group_key=None, commit=True):
    from agora.notifications.services import notify

    notify(recipient.id, kind, actor_id=actor.id if actor else None, target_type=target[0], target_id=target[1],
           url=url, excerpt=excerpt, group_key=group_key)
    if commit:
        db.session.commit()


def _rows(user):
    from agora.notifications.models import Notification

    return db.session.scalars(db.select(Notification).where(Notification.recipient_id == user.id)
                              .order_by(Notification.id)).all()


def _bell(html: str) -> str | None:
    match = re.search(r'id="notifications-unread">(\d+)<', html)
    return match.group(1) if match else None


# --- notify() -------------------------------------------------------------------------------------

def test_notify_adds_to_the_session_without_committing(app, ana, bob):
    _notify(ana, actor=bob, commit=False)
    db.session.rollback()
    assert _rows(ana) == []


def test_self_notifications_are_ignored(app, ana):
    _notify(ana, actor=ana)
    assert _rows(ana) == []


def test_deactivated_recipient_gets_nothing(app, ana, bob):
    from agora.accounts.services import deactivate

    deactivate(ana)
    db.session.commit()
    _notify(ana, actor=bob)
    assert _rows(ana) == []


def test_unknown_kind_is_a_programming_error(app, ana, bob):
    with pytest.raises(LookupError):
        _notify(ana, kind="telepathy", actor=bob)


def test_reactions_are_grouped_while_unread(app, ana, bob, make_user):
    cy = make_user("cy@example.com", name="Cy Dorn")
    key = "reaction:post:1"
    _notify(ana, "reaction", actor=bob, group_key=key)
    _notify(ana, "reaction", actor=cy, group_key=key)
    _notify(ana, "reaction", actor=bob, group_key=key)  # the same person again counts once
    rows = _rows(ana)
    assert len(rows) == 1 and rows[0].actor_count == 2 and rows[0].actor_id == bob.id

    rows[0].read_at = rows[0].updated_at
    db.session.commit()
    _notify(ana, "reaction", actor=cy, group_key=key)
    assert [r.actor_count for r in _rows(ana)] == [2, 1]


# --- pages ----------------------------------------------------------------------------------------

def test_bell_shows_the_unread_count(app, client, login, ana, bob):
    login(ana)
    html = client.get("/notifications").get_data(as_text=True)
    assert 'href="/notifications"' in html and _bell(html) is None
    _notify(ana, actor=bob)
    _notify(ana, "comment", actor=bob, target=("post", 2))
    html = client.get("/notifications").get_data(as_text=True)
    assert _bell(html) == "2"
    assert '<span class="visually-hidden"> unread</span>' in html


def test_list_describes_each_notification_in_the_readers_language(app, client, login, ana, bob, make_user):
    others = [make_user(f"p{i}@example.com", name=f"Person {i}") for i in range(3)]
    _notify(ana, "mention", actor=bob, excerpt="Ask @ana about it")
    _notify(ana, "wall_post", actor=bob, target=("post", 2))
    _notify(ana, "reply", actor=bob, target=("comment", 3))
    for person in others:
        _notify(ana, "reaction", actor=person, target=("post", 4), group_key="reaction:post:4")
    _notify(ana, "reaction", actor=bob, target=("comment", 3), group_key="reaction:comment:3")
    login(ana)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Bob Martin mentioned you" in html and "Ask @ana about it" in html
    assert "Bob Martin posted on your wall" in html
    assert "Bob Martin replied to your comment" in html
    assert "Person 2 and 2 others reacted to your post" in html
    assert "Bob Martin reacted to your comment" in html

    client.post("/language", data={"language": "fr", "next": "/notifications"})
    assert client.get("/notifications").status_code == 200


def test_opening_a_notification_marks_it_read_and_goes_to_its_target(app, client, login, ana, bob):
    _notify(ana, actor=bob, url="/posts/7")
    (n,) = _rows(ana)
    login(ana)
    response = client.post(f"/notifications/{n.id}/read?go=1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/posts/7")
    db.session.expire_all()
    assert _rows(ana)[0].read_at is not None
    assert _bell(client.get("/notifications").get_data(as_text=True)) is None


def test_mark_one_read_without_going_returns_to_the_list(app, client, login, ana, bob):
    _notify(ana, actor=bob)
    _notify(ana, actor=bob, target=("post", 2))
    first, second = _rows(ana)
    login(ana)
    response = client.post(f"/notifications/{first.id}/read")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    assert _bell(client.get("/notifications").get_data(as_text=True)) == "1"


def test_mark_all_read(app, client, login, ana, bob):
    for i in range(3):
        _notify(ana, actor=bob, target=("post", i))
    login(ana)
    response = client.post("/notifications/read-all", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "3 notifications marked as read." in html and _bell(html) is None
    db.session.expire_all()
    assert all(r.read_at is not None for r in _rows(ana))


def test_someone_elses_notification_is_404(app, client, login, ana, bob):
    _notify(ana, actor=bob)
    (n,) = _rows(ana)
    login(bob)
    assert client.post(f"/notifications/{n.id}/read?go=1").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    db.session.expire_all()
    assert _rows(ana)[0].read_at is None


def test_pages_need_a_login(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/notifications/read-all").status_code in (302, 401)


def test_read_marks_need_a_csrf_token(app_csrf, ana, bob, login):
    client = app_csrf.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    # Logging in itself needs a token with CSRF on: read it from the login form.
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    token = token.group(1) or token.group(2)
    response = client.post("/login", data={"email": ana.email, "password": "correct horse battery",
                                            "csrf_token": token})
    assert response.status_code == 302
    _notify(ana, actor=bob)
    (n,) = _rows(ana)
    assert client.post(f"/notifications/{n.id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert _rows(ana)[0].read_at is None


@pytest.fixture
def app_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_preferences_switch_a_kind_off(app, client, login, ana, bob):
    login(ana)
    html = client.get("/notifications/preferences").get_data(as_text=True)
    from agora.notifications.services import KINDS
    assert html.count('type="checkbox"') == len(KINDS) and "checked" in html
    # Unticked boxes are not sent: everything but mentions stays on.
    response = client.post("/notifications/preferences",
                           data={kind: "y" for kind in KINDS if kind != "mention"})
    assert response.status_code == 302
    _notify(ana, "mention", actor=bob)
    _notify(ana, "comment", actor=bob)
    assert [r.kind for r in _rows(ana)] == ["comment"]

    from agora.notifications.models import NotificationPreference
    assert db.session.scalars(db.select(NotificationPreference.kind)).all() == ["mention"]

    client.post("/notifications/preferences",
                data={kind: "y" for kind in KINDS})
    assert db.session.scalars(db.select(NotificationPreference)).all() == []
    _notify(ana, "mention", actor=bob)
    assert [r.kind for r in _rows(ana)] == ["comment", "mention"]


def test_set_preferences_refuses_unknown_kinds(app, ana):
    from agora.core.errors import ValidationError
    from agora.notifications.services import get_preferences, set_preferences

    with pytest.raises(ValidationError):
        set_preferences(ana, {"telepathy": False})
    assert all(get_preferences(ana).values())


# --- pagination, query counts, visibility -----------------------------------------------------------

def test_keyset_pagination_has_no_gaps_or_duplicates(app, client, login, ana, bob):
    from agora.notifications.services import list_notifications

    for i in range(7):
        _notify(ana, actor=bob, target=("post", i), excerpt=f"item {i}")
    seen, cursor = [], None
    while True:
        page = list_notifications(ana, cursor=cursor, limit=3)
        seen += [n.excerpt for n in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [f"item {i}" for i in reversed(range(7))]

    login(ana)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Older notifications" not in html
    for i in range(7, 35):
        _notify(ana, actor=bob, target=("post", i), excerpt=f"item {i}")
    html = client.get("/notifications").get_data(as_text=True)
    older = re.search(r'href="(/notifications\?cursor=[^"]+)" rel="next"', html).group(1)
    html = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert "item 4" in html and "item 34" not in html
    assert client.get("/notifications?cursor=garbage").status_code == 400


def test_list_page_runs_a_constant_number_of_queries(app, client, login, ana, make_user, count_queries):
    actors = [make_user(f"a{i}@example.com") for i in range(25)]
    login(ana)

    def measure(n):
        for actor in actors[:n]:
            _notify(ana, actor=actor, target=("post", actor.id))
        with count_queries() as q:
            assert client.get("/notifications").status_code == 200
        return q.count

    small = measure(5)
    assert measure(25) == small


def test_notifications_of_targets_the_reader_may_no_longer_see_are_hidden(app, client, login, ana, bob):
    from agora.core.hooks import add_hook

    calls = []

    def posts_hook(user, pairs):
        calls.append(list(pairs))
        return {(kind, id_) for kind, id_ in pairs if kind == "post" and id_ != 2}

    _notify(ana, actor=bob, target=("post", 1), excerpt="visible one")
    _notify(ana, actor=bob, target=("post", 2), excerpt="secret one")
    _notify(ana, actor=bob, target=("poll", 3), excerpt="nobody vouches")
    login(ana)
    assert "secret one" in client.get("/notifications").get_data(as_text=True)  # no hook: all shown

    add_hook(app, "notifications.visible", posts_hook)
    html = client.get("/notifications").get_data(as_text=True)
    assert "visible one" in html and "secret one" not in html and "nobody vouches" not in html
    assert len(calls) == 1 and sorted(calls[0]) == [("poll", 3), ("post", 1), ("post", 2)]

    add_hook(app, "notifications.visible", lambda user, pairs: {p for p in pairs if p[0] == "poll"})
    html = client.get("/notifications").get_data(as_text=True)
    assert "nobody vouches" in html and "secret one" not in html


# --- API ------------------------------------------------------------------------------------------

@pytest.fixture
def token(app, ana):
    from agora.accounts.services import create_token

    _token, secret = create_token(ana, "script")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_api_needs_a_token(client):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_api_lists_and_marks_read(app, client, ana, bob, token, make_user):
    cy = make_user("cy@example.com", name="Cy Dorn")
    _notify(ana, "comment", actor=bob, target=("post", 1), url="/posts/1", excerpt="Nice")
    _notify(ana, "reaction", actor=bob, target=("post", 1), group_key="r:post:1")
    _notify(ana, "reaction", actor=cy, target=("post", 1), group_key="r:post:1")
    body = client.get("/api/v1/notifications", headers=token).get_json()
    assert body["unread"] == 2 and body["next_cursor"] is None
    reaction, comment = body["results"]
    assert reaction["kind"] == "reaction" and reaction["actor"] == {"handle": cy.handle, "name": "Cy Dorn"}
    assert reaction["actor_count"] == 2 and reaction["read"] is False
    assert comment["url"] == "/posts/1" and comment["excerpt"] == "Nice" and comment["created_at"].endswith("Z")

    response = client.post(f"/api/v1/notifications/{comment['id']}/read", headers=token)
    assert response.status_code == 200 and response.get_json()["read"] is True
    unread = client.get("/api/v1/notifications?unread=1", headers=token).get_json()
    assert unread["unread"] == 1 and [r["id"] for r in unread["results"]] == [reaction["id"]]

    response = client.post("/api/v1/notifications/read-all", headers=token)
    assert response.get_json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications?cursor=bad", headers=token).status_code == 400


def test_api_hides_other_peoples_notifications(app, client, ana, bob, token):
    _notify(bob, actor=ana)
    (n,) = _rows(bob)
    response = client.post(f"/api/v1/notifications/{n.id}/read", headers=token)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/notifications", headers=token).get_json()["results"] == []


# --- end to end with the walls ----------------------------------------------------------------------

def test_a_comment_on_my_post_notifies_me_and_opens_the_post(app, client, login, ana, bob, made_up_targets):
    if "walls" not in app.blueprints:
        pytest.skip("the walls feature is not registered yet")
    from agora.core.hooks import add_hook

    assert made_up_targets, "the walls should say which notifications stay visible"
    for hook in made_up_targets:
        add_hook(app, "notifications.visible", hook)
    from agora.walls.comments import add_comment, delete_comment
    from agora.walls.services import create_post

    post = create_post(ana, person=ana, body="Our quarterly review is online")
    comment = add_comment(bob, post, "Great work, thanks!")
    login(ana)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Bob Martin commented on your post" in html and "Great work, thanks!" in html
    assert _bell(html) == "1"
    (n,) = _rows(ana)
    response = client.post(f"/notifications/{n.id}/read?go=1")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200

    delete_comment(bob, comment)  # gone for its readers, so gone from the list too
    assert "Great work" not in client.get("/notifications").get_data(as_text=True)


def test_list_stays_constant_with_the_walls_visibility_checks(app, client, login, ana, bob, make_user,
                                                              made_up_targets, count_queries):
    if "walls" not in app.blueprints:
        pytest.skip("the walls feature is not registered yet")
    from agora.core.hooks import add_hook
    from agora.walls.comments import add_comment
    from agora.walls.reactions import set_reaction
    from agora.walls.services import create_post

    for hook in made_up_targets:
        add_hook(app, "notifications.visible", hook)
    cy = make_user("cy@example.com", name="Cy Dorn")
    login(ana)
    counts = []
    for n in (2, 10):
        for i in range(n):
            post = create_post(ana, person=ana, body=f"post {i}")
            add_comment(bob, post, "Nice")
            set_reaction(bob, post, "like")
            set_reaction(cy, post, "like")
            create_post(bob, person=ana, body=f"on your wall {i}")
        with count_queries() as q:
            html = client.get("/notifications").get_data(as_text=True)
        counts.append(q.count)
    assert "Cy Dorn and 1 other reacted to your post" in html and "Bob Martin posted on your wall" in html
    assert counts[0] == counts[1]
