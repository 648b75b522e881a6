"""Email through a real SMTP server: notifications in the recipient's language with both parts, one-click
unsubscribe without cookies, per-kind choices, the permission policy at send time, refusals, `flask mail test`."""
from __future__ import annotations

import re

import pytest

from agora.extensions import db
from tests.mail_helpers import BASE_URL, app_config, parts, run_jobs, smtp, smtp_server  # noqa: F401


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lima")


@pytest.fixture
def bob(make_user):
    return make_user("bob@example.com", name="Bob Martin")


def _mention(author, person, text="the quarterly figures", space=None):
    from agora.walls.services import create_post

    return create_post(author, space=space, person=None if space else author, body=f"@{person.handle} {text}")


def _set_language(user, language):
    user.language = language
    db.session.commit()


@pytest.mark.parametrize("language, subject, open_it", [
    ("en", "Bob Martin mentioned you", "Open it:"),
    ("fr", "Bob Martin vous a mentionné", "L'ouvrir :"),
])
def test_a_mention_is_emailed_in_the_recipients_language_with_both_parts_and_a_link(app, smtp, ana, bob, language,
                                                                                     subject, open_it):
    _set_language(ana, language)
    post = _mention(bob, ana)
    assert smtp.messages == []  # nothing is sent inside the request
    assert run_jobs() == ["done"]
    [message] = smtp.messages
    assert message["To"] == "Ana Lima <ana@example.com>"
    assert message["From"] == "Agora <agora@agora.example>"
    assert message["Subject"] == subject
    assert message["Content-Language"] == language
    text, html = parts(message)
    link = f"{BASE_URL}/posts/{post.id}"
    assert "the quarterly figures" in text and f"{open_it} {link}" in text
    assert f'href="{link}"' in html and "the quarterly figures" in html
    assert f'<html lang="{language}">' in html
    assert "<img" not in html and "<script" not in html and "style" not in html
    unsubscribe = re.fullmatch(rf"<{re.escape(BASE_URL)}(/email/unsubscribe/[\w.-]+)>", message["List-Unsubscribe"])
    assert unsubscribe and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(0)[1:-1] in text and unsubscribe.group(0)[1:-1] in html


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_the_one_click_unsubscribe_works_without_cookies_or_csrf_token_and_only_with_our_token(csrf_on, smtp, ana, bob):
    from agora.notifications.services import email_mode

    _mention(bob, ana)
    run_jobs()
    path = smtp.messages[0]["List-Unsubscribe"][1:-1].removeprefix(BASE_URL)
    stranger = csrf_on.test_client()  # a mail client: no session, no form token
    assert stranger.post(path[:-3] + "abc", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert email_mode(ana.id, "mention") == "immediately"
    page = stranger.get(path)
    assert page.status_code == 200 and "Someone mentions me" in page.get_data(as_text=True)
    assert email_mode(ana.id, "mention") == "immediately"  # opening the link changes nothing
    answer = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "no longer receive" in answer.get_data(as_text=True)
    assert email_mode(ana.id, "mention") == "never"
    _mention(bob, ana, "again")
    assert run_jobs() == [] and len(smtp.messages) == 1
    # Other forms of the site still need their token.
    assert stranger.post("/login", data={"email": "ana@example.com", "password": "x"}).status_code == 400


def test_each_kind_follows_its_mode_digest_kinds_are_not_sent_at_once(app, smtp, ana, bob):
    from agora.notifications.services import set_all_preferences
    from agora.walls.services import create_post

    create_post(bob, person=ana, body="Welcome on board")  # wall_post: in the digest by default
    assert run_jobs() == [] and smtp.messages == []
    set_all_preferences(ana, {"kinds": {"wall_post": {"email": "immediately"}, "mention": {"email": "never"}}})
    create_post(bob, person=ana, body="Second welcome")
    _mention(bob, ana)
    assert run_jobs() == ["done"]
    assert [m["Subject"] for m in smtp.messages] == ["Bob Martin posted on your wall"]


def test_mail_switched_off_queues_nothing(app, smtp, ana, bob):
    app.config["AGORA"]["mail"]["enabled"] = False
    try:
        _mention(bob, ana)
        assert run_jobs() == [] and smtp.messages == []
    finally:
        app.config["AGORA"]["mail"]["enabled"] = True


# --- the policy at send time, as the access matrix asks it ---------------------------------------------

@pytest.mark.parametrize("visibility", ["open", "closed", "secret"])
@pytest.mark.parametrize("change", ["stays", "leaves", "removed", "deactivated", "post_deleted"])
def test_a_queued_email_is_sent_only_if_the_policy_still_lets_the_recipient_see_it(app, smtp, make_user, visibility,
                                                                                   change):
    from agora.core.policy import can, forget_space_access
    from agora.spaces import membership
    from agora.spaces.services import create_space
    from agora.walls.models import Post
    from agora.walls.services import delete_post

    moderator, reader = make_user("mod@example.com", name="Mo Derator"), make_user("rita@example.com", name="Rita")
    space = create_space(f"team-{visibility}", "Team", visibility=visibility)
    db.session.add_all([membership.Membership(space_id=space.id, user_id=moderator.id, role="moderator"),
                        membership.Membership(space_id=space.id, user_id=reader.id, role="member")])
    db.session.commit()
    post = _mention(moderator, reader, "the confidential plan", space=space)
    from agora.jobs.models import Job
    assert db.session.query(Job).count() == 1  # queued while Rita could read it
    if change == "leaves":
        membership.leave(reader, space)
    elif change == "removed":
        membership.remove_member(moderator, space, reader)
    elif change == "deactivated":
        from agora.accounts.services import deactivate
        deactivate(reader)
    elif change == "post_deleted":
        delete_post(moderator, post)
    db.session.expire_all()
    forget_space_access()
    current = db.session.get(Post, post.id)
    expected = current is not None and current.deleted_at is None and reader.active and can(reader, "post.view", current)
    assert run_jobs() == ["done"]  # ends quietly either way
    received = [m for m in smtp.messages if "the confidential plan" in parts(m)[0]]
    assert bool(received) == expected, f"{change} in a {visibility} space"
    assert expected == (change == "stays" or (visibility == "open" and change in ("leaves", "removed")))


# --- refusals ----------------------------------------------------------------------------------------------

def test_a_permanent_refusal_marks_the_address_failing_until_its_owner_confirms_it(app, client, login, smtp, make_user,
                                                                                  bob):
    from agora.jobs.models import Job
    from agora.notifications.services import email_settings

    bounce = make_user("bounce@example.com", name="Bea Ounce")
    _mention(bob, bounce)
    assert run_jobs() == ["done"] and smtp.messages == []
    job = db.session.scalars(db.select(Job)).one()
    assert "refused bounce@example.com permanently: 550" in job.detail
    settings = email_settings(bounce.id)
    assert settings.failing_since is not None and settings.failing_reason.startswith("550 5.1.1")
    _mention(bob, bounce, "second")
    assert run_jobs() == ["done"]
    assert "marked failing" in db.session.scalars(db.select(Job).order_by(Job.id.desc())).first().detail
    login(bounce)
    page = client.get("/notifications/email").get_data(as_text=True)
    assert "refused your address" in page and "550 5.1.1" in page
    assert client.post("/notifications/email/confirm").status_code == 302
    db.session.expire_all()
    assert email_settings(bounce.id).failing_since is None


def test_a_temporary_refusal_is_logged_with_the_recipient_and_retried_later(app, smtp, make_user, bob, caplog):
    from agora.jobs.models import Job

    busy = make_user("busy@example.com", name="Bu Sy")
    _mention(bob, busy)
    with caplog.at_level("WARNING", logger="agora.mail"):
        assert run_jobs() == ["queued"]
    assert "mail to busy@example.com refused: 451" in caplog.text
    job = db.session.scalars(db.select(Job)).one()
    assert job.attempts == 1 and "451" in job.detail and job.run_at > job.created_at


# --- flask mail test, the settings page and the API ------------------------------------------------------

def test_flask_mail_test_sends_and_reports_the_servers_answer(app, smtp):
    result = app.test_cli_runner().invoke(args=["mail", "test", "admin@example.com"])
    assert result.exit_code == 0, result.output
    assert "The server answered: 250 2.0.0 Ok: queued as TEST1" in result.output
    assert smtp.messages[0]["Subject"] == "Agora: a test message"
    refused = app.test_cli_runner().invoke(args=["mail", "test", "bounce@example.com"])
    assert refused.exit_code == 1 and "refused the message: 550" in refused.output


def test_the_email_settings_page_saves_each_kind_and_the_digest(app, client, login, ana):
    from agora.notifications.services import all_preferences

    login(ana)
    page = client.get("/notifications/email")
    assert page.status_code == 200 and 'name="email_mention"' in page.get_data(as_text=True)
    answer = client.post("/notifications/email", data={
        "email_mention": "digest", "email_moderation": "never", "email_comment": "immediately",
        "email_reply": "digest", "email_wall_post": "digest", "email_appeal_outcome": "digest",
        "digest_frequency": "weekly", "digest_hour": "7", "timezone": "America/Montreal"})
    assert answer.status_code == 302
    found = all_preferences(ana)
    assert found["kinds"]["mention"]["email"] == "digest" and found["kinds"]["comment"]["email"] == "immediately"
    assert found["digest"] == {"frequency": "weekly", "hour": 7}
    bad = client.post("/notifications/email", data={"email_mention": "hourly", "digest_frequency": "daily",
                                                    "digest_hour": "25"})
    assert bad.status_code == 400


def test_the_api_reads_and_writes_the_preferences_in_the_documented_shape(app, ana):
    from agora.accounts.services import create_token
    from agora.notifications.services import KINDS

    token = create_token(ana, "prefs")[1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    got = client.get("/api/v1/me/notification-preferences", headers=headers).get_json()
    assert set(got) == {"kinds", "digest"} and set(got["kinds"]) == set(KINDS)
    assert got["kinds"]["mention"] == {"in_app": True, "email": "immediately"}
    assert got["kinds"]["comment"] == {"in_app": True, "email": "digest"}
    assert got["kinds"]["reaction"] == {"in_app": True, "email": "never"}
    assert got["digest"] == {"frequency": "daily", "hour": 8}
    got["kinds"]["mention"] = {"in_app": False, "email": "digest"}
    got["digest"] = {"frequency": "weekly", "hour": 18}
    put = client.put("/api/v1/me/notification-preferences", json=got, headers=headers)
    assert put.status_code == 200 and put.get_json() == got
    assert client.get("/api/v1/me/notification-preferences", headers=headers).get_json() == got
    for bad in ({"kinds": {"mention": {"email": "hourly"}}}, {"kinds": {"reaction": {"email": "immediately"}}},
                {"kinds": {"telepathy": {"in_app": True}}}, {"digest": {"hour": 24}}, {"digest": {"hour": True}},
                {"digest": {"frequency": "monthly"}}, {"kinds": []}):
        answer = client.put("/api/v1/me/notification-preferences", json=bad, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid", bad
    assert client.get("/api/v1/me/notification-preferences", headers=headers).get_json() == got


def test_the_digest_hour_may_be_written_19_0(app, ana):
    # Found by the API fuzzer: a whole number with a fraction is an integer to JSON Schema (and the description).
    from agora.accounts.services import create_token

    headers = {"Authorization": f"Bearer {create_token(ana, 'prefs')[1]}"}
    answer = app.test_client().put("/api/v1/me/notification-preferences", json={"digest": {"hour": 19.0}},
                                   headers=headers)
    assert answer.status_code == 200 and answer.get_json()["digest"]["hour"] == 19
