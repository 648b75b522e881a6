"""Joining, leaving, requests, invitations, removals and moderators, over HTTP as people use them."""
import pytest

from agora.extensions import db


@pytest.fixture
def app_config():
    return {"hr": {"emails": ["hr@example.com"], "moderates": ["*"]}}


@pytest.fixture
def login(login, client):
    """Switch the browser to another person (log out first)."""
    def do(user, c=None):
        (c or client).post("/logout")
        return login(user, c=c)
    return do


@pytest.fixture
def people(make_user):
    return {name: make_user(f"{name}@example.com", name=name.title())
            for name in ("mod", "ana", "bob", "hr")}


def _space(slug, visibility, moderator=None):
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space

    space = create_space(slug, slug.title(), f"About {slug}", visibility)
    if moderator is not None:
        db.session.add(Membership(space_id=space.id, user_id=moderator.id, role="moderator"))
        db.session.commit()
    return space


def _member(space, user):
    from agora.spaces.models import Membership

    return db.session.scalar(db.select(Membership).where(Membership.space_id == space.id,
                                                         Membership.user_id == user.id))


def _kinds(user):
    from agora.notifications.models import Notification

    return [n.kind for n in db.session.scalars(db.select(Notification).where(Notification.recipient_id == user.id)
                                                .order_by(Notification.id))]


def test_join_and_leave_an_open_space(client, login, people):
    space = _space("cafe", "open")
    login(people["ana"])
    page = client.get("/spaces").get_data(as_text=True)
    assert "/spaces/cafe/join" in page and "Open" in page
    assert client.post("/spaces/cafe/join").status_code == 302
    assert _member(space, people["ana"]).source == "manual"
    page = client.get("/spaces").get_data(as_text=True)
    assert page.index("Your spaces") < page.index('href="/spaces/cafe"') < page.index("Other spaces")
    assert client.post("/spaces/cafe/join", follow_redirects=True).status_code == 200  # already in: a flash
    assert client.post("/spaces/cafe/leave").status_code == 302
    db.session.expire_all()
    assert _member(space, people["ana"]) is None
    follow = client.post("/spaces/cafe/leave", follow_redirects=True)
    assert follow.status_code == 200 and "not a member" in follow.get_data(as_text=True)


def test_closed_space_request_is_seen_and_approved_by_moderators_and_hr(client, login, people):
    space = _space("board", "closed", moderator=people["mod"])
    login(people["ana"])
    preview = client.get("/spaces/board")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "About board" in html and "Mod" in html and 'id="request"' in html
    assert "posts-heading" not in html
    assert client.post("/spaces/board/join").status_code == 403  # not open: ask instead
    assert _member(space, people["ana"]) is None
    assert client.post("/spaces/board/request", data={"message": "I run the budget"}).status_code == 302
    assert "Request sent" in client.get("/spaces/board").get_data(as_text=True)
    assert client.get("/spaces/board/members").status_code == 404  # still not a reader
    assert _kinds(people["mod"]) == ["space_request"] and _kinds(people["hr"]) == ["space_request"]

    login(people["mod"])
    members = client.get("/spaces/board/members").get_data(as_text=True)
    assert "I run the budget" in members and "Requests to join" in members
    from agora.spaces.models import JoinRequest
    request = db.session.scalar(db.select(JoinRequest))
    # The moderator's notification is listed (the hook vouches for it) and leads to the members page.
    assert "Board: I run the budget" in client.get("/notifications").get_data(as_text=True)
    assert client.post(f"/spaces/board/requests/{request.id}/approve").status_code == 302
    db.session.expire_all()
    assert _member(space, people["ana"]) is not None and request.status == "approved"
    assert _kinds(people["ana"]) == ["space_approved"]
    login(people["ana"])
    assert "posts-heading" in client.get("/spaces/board").get_data(as_text=True)


def test_refused_request_tells_the_person_and_others_cannot_decide(client, login, people):
    space = _space("board", "closed", moderator=people["mod"])
    login(people["ana"])
    client.post("/spaces/board/request", data={"message": ""})
    from agora.spaces.models import JoinRequest
    request = db.session.scalar(db.select(JoinRequest))
    login(people["bob"])
    assert client.post(f"/spaces/board/requests/{request.id}/approve").status_code == 404  # bob cannot read it
    space.visibility = "open"
    db.session.commit()
    assert client.post(f"/spaces/board/requests/{request.id}/approve").status_code == 403
    space.visibility = "closed"
    db.session.commit()
    login(people["mod"])
    client.post(f"/spaces/board/requests/{request.id}/refuse")
    db.session.expire_all()
    assert request.status == "refused" and _member(space, people["ana"]) is None
    assert _kinds(people["ana"]) == ["space_refused"]
    # Deciding twice is a clear message, not an error page.
    again = client.post(f"/spaces/board/requests/{request.id}/approve", follow_redirects=True)
    assert again.status_code == 200 and "already been answered" in again.get_data(as_text=True)


def test_request_message_too_long_keeps_the_text(client, login, people):
    _space("board", "closed", moderator=people["mod"])
    login(people["ana"])
    response = client.post("/spaces/board/request", data={"message": "x" * 1001 + "KEEP"})
    assert response.status_code == 400 and "KEEP" in response.get_data(as_text=True)
    assert "At most 1000 characters" in response.get_data(as_text=True)


def test_secret_space_only_by_invitation(client, login, people):
    space = _space("vault", "secret", moderator=people["mod"])
    login(people["ana"])
    assert client.get("/spaces/vault").status_code == 404
    assert client.post("/spaces/vault/request", data={"message": "hi"}).status_code == 404
    assert client.post("/spaces/vault/join").status_code == 404
    assert "Vault" not in client.get("/spaces").get_data(as_text=True)

    login(people["mod"])
    assert client.post("/spaces/vault/members", data={"person": "nobody"}).status_code == 400
    assert client.post("/spaces/vault/members", data={"person": "@ana"}).status_code == 302
    again = client.post("/spaces/vault/members", data={"person": "ana@example.com"})
    assert again.status_code == 400 and "already invited" in again.get_data(as_text=True)
    assert _kinds(people["ana"]) == ["space_invite"]

    login(people["ana"])
    listing = client.get("/spaces").get_data(as_text=True)
    assert "Vault" in listing and "Invitations" in listing  # she learns of it through the invitation
    assert "Vault" in client.get("/notifications").get_data(as_text=True) or "vault" in listing
    from agora.spaces.models import JoinRequest
    invitation = db.session.scalar(db.select(JoinRequest))
    login(people["bob"])
    assert client.post(f"/spaces/invitations/{invitation.id}/accept").status_code == 404
    db.session.expire_all()
    assert _member(space, people["bob"]) is None  # not his invitation
    login(people["ana"])
    assert client.post(f"/spaces/invitations/{invitation.id}/accept").status_code == 302
    db.session.expire_all()
    assert _member(space, people["ana"]) is not None
    assert client.get("/spaces/vault").status_code == 200


def test_declined_invitation_and_members_cannot_invite_to_secret_spaces(client, login, people):
    space = _space("vault", "secret", moderator=people["mod"])
    from agora.spaces.models import Membership
    db.session.add(Membership(space_id=space.id, user_id=people["bob"].id))
    db.session.commit()
    login(people["bob"])
    assert client.post("/spaces/vault/members", data={"person": "ana"}).status_code == 403
    login(people["mod"])
    client.post("/spaces/vault/members", data={"person": "ana"})
    from agora.spaces.models import JoinRequest
    invitation = db.session.scalar(db.select(JoinRequest))
    login(people["ana"])
    client.post(f"/spaces/invitations/{invitation.id}/decline")
    db.session.expire_all()
    assert invitation.status == "refused" and _member(space, people["ana"]) is None
    assert client.get("/spaces/vault").status_code == 404


def test_members_invite_to_closed_spaces_and_a_moderator_invite_approves_a_request(client, login, people):
    space = _space("board", "closed", moderator=people["mod"])
    from agora.spaces.models import Membership
    db.session.add(Membership(space_id=space.id, user_id=people["bob"].id))
    db.session.commit()
    login(people["ana"])
    client.post("/spaces/board/request", data={"message": "please"})
    login(people["bob"])
    pending = client.post("/spaces/board/members", data={"person": "ana"})
    assert pending.status_code == 400 and "asked to join" in pending.get_data(as_text=True)
    login(people["mod"])
    assert client.post("/spaces/board/members", data={"person": "ana"}).status_code == 302
    db.session.expire_all()
    assert _member(space, people["ana"]) is not None


def test_remove_member_and_name_moderators(client, login, people):
    space = _space("board", "closed", moderator=people["mod"])
    from agora.spaces.models import Membership
    for name in ("ana", "bob"):
        db.session.add(Membership(space_id=space.id, user_id=people[name].id))
    db.session.commit()
    login(people["ana"])
    assert client.post("/spaces/board/members/bob/remove").status_code == 403
    assert client.post("/spaces/board/members/bob/moderator").status_code == 403
    login(people["mod"])
    members = client.get("/spaces/board/members").get_data(as_text=True)
    assert "/spaces/board/members/bob/remove" in members and "Moderator" in members
    assert client.post("/spaces/board/members/ana/moderator").status_code == 302
    db.session.expire_all()
    assert _member(space, people["ana"]).role == "moderator"
    login(people["ana"])  # the new moderator acts at once
    assert client.post("/spaces/board/members/bob/remove").status_code == 302
    db.session.expire_all()
    assert _member(space, people["bob"]) is None and _kinds(people["bob"]) == ["space_removed"]
    login(people["bob"])
    assert client.get("/spaces/board/members").status_code == 404
    assert "Board" in client.get("/notifications").get_data(as_text=True)
    login(people["mod"])
    assert client.post("/spaces/board/members/ana/member").status_code == 302
    db.session.expire_all()
    assert _member(space, people["ana"]).role == "member"
    assert client.post("/spaces/board/members/nobody/remove").status_code == 404


def test_hr_moderating_every_space_approves_without_being_a_member(client, login, people):
    space = _space("board", "closed")
    login(people["ana"])
    client.post("/spaces/board/request", data={"message": "hello"})
    login(people["hr"])
    assert "hello" in client.get("/spaces/board/members").get_data(as_text=True)
    from agora.spaces.models import JoinRequest
    request = db.session.scalar(db.select(JoinRequest))
    client.post(f"/spaces/board/requests/{request.id}/approve")
    db.session.expire_all()
    assert _member(space, people["ana"]) is not None


@pytest.mark.parametrize("enabled", [False, True])
def test_creating_a_space_follows_the_config(app, client, login, people, make_user, enabled):
    app.config["AGORA"]["space_creation"]["enabled"] = enabled
    login(people["ana"])
    page = client.get("/spaces").get_data(as_text=True)
    assert ("/spaces/new" in page) is enabled
    response = client.post("/spaces/new", data={"slug": "book-club", "name": "Book club", "description": "Read",
                                                "visibility": "closed"})
    if not enabled:
        assert response.status_code == 403
        admin = make_user("boss@example.com", is_admin=True)
        login(admin)
        response = client.post("/spaces/new", data={"slug": "book-club", "name": "Book club",
                                                    "description": "Read", "visibility": "closed"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/spaces/book-club")
    from agora.spaces.models import Membership, Space
    space = db.session.scalar(db.select(Space).where(Space.slug == "book-club"))
    creator = db.session.scalar(db.select(Membership).where(Membership.space_id == space.id))
    assert space.visibility == "closed" and creator.role == "moderator" and space.created_by_id == creator.user_id


def test_create_form_errors_are_on_the_fields(app, client, login, people):
    app.config["AGORA"]["space_creation"]["enabled"] = True
    _space("taken", "open")
    login(people["ana"])
    bad = client.post("/spaces/new", data={"slug": "Not Valid!", "name": "", "description": "Keep me",
                                           "visibility": "public"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Keep me" in html and "A name is required" in html
    assert "Lowercase letters" in html and "Choose open, closed or secret" in html
    taken = client.post("/spaces/new", data={"slug": "taken", "name": "Again", "visibility": "open"})
    assert taken.status_code == 400 and "This space address is taken" in taken.get_data(as_text=True)
    reserved = client.post("/spaces/new", data={"slug": "new", "name": "New", "visibility": "open"})
    assert reserved.status_code == 400


def test_settings_for_moderators_but_config_spaces_belong_to_the_file(client, login, people):
    space = _space("board", "open", moderator=people["mod"])
    login(people["ana"])
    assert client.get("/spaces/board/settings").status_code == 403
    assert client.post("/spaces/board/settings", data={"name": "Mine", "visibility": "open"}).status_code == 403
    login(people["mod"])
    assert client.get("/spaces/board/settings").status_code == 200
    empty = client.post("/spaces/board/settings", data={"name": " ", "description": "kept", "visibility": "open"})
    assert empty.status_code == 400 and "kept" in empty.get_data(as_text=True)
    ok = client.post("/spaces/board/settings", data={"name": "Board room", "description": "d", "visibility": "closed"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert (space.name, space.visibility) == ("Board room", "closed")
    space.from_config = True
    db.session.commit()
    page = client.get("/spaces/board/settings").get_data(as_text=True)
    assert "configuration file" in page and 'name="name"' not in page
    refused = client.post("/spaces/board/settings", data={"name": "Hijack", "description": "d",
                                                           "visibility": "open"})
    assert refused.status_code == 400 and "configuration file" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert space.name == "Board room"


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_membership_buttons_need_the_csrf_token(csrf_app, client, people):
    import re

    from tests.conftest import PASSWORD

    space = _space("cafe", "open")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": token})
    client.post("/spaces/cafe/join")
    assert _member(space, people["ana"]) is None
    page = client.get("/spaces").get_data(as_text=True)
    token = re.search(r'action="/spaces/cafe/join" class="inline">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                      page).group(1)
    client.post("/spaces/cafe/join", data={"csrf_token": token})
    assert _member(space, people["ana"]) is not None
