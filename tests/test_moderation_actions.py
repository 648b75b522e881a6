"""Moderator actions: who may take each one, what readers, authors and moderators then see, suspensions, erasure."""
from __future__ import annotations

from datetime import timedelta

import pytest

from agora.extensions import db
from tests.moderation_world import app_config, world  # noqa: F401 - fixtures

# Who may act on a post in "team" (closed; HR moderates it) and in "other" (open; only admins moderate it).
TEAM = {"mod": 201, "mod2": 201, "hr": 201, "admin": 201, "member": 403, "author": 403, "outsider": 404}
OTHER = {"admin": 201, "hr": 403, "mod": 403, "member": 403, "outsider": 403}


def _prepare(w, post, action, space):
    """Put the post in the state the action needs (set directly: only the action under test goes through HTTP)."""
    from agora.core.time import utcnow
    from agora.moderation.models import Report

    post = w.fresh(type(post), post.id)
    post.hidden_at, post.hidden_reason = (utcnow(), "earlier") if action == "restore" else (None, None)
    post.comments_locked = action == "unlock"
    post.pinned = action == "unpin"
    post.space_id = w.spaces[space].id
    if action == "dismiss":
        db.session.add(Report(target_type="post", target_id=post.id, space_id=post.space_id,
                              reporter_id=w.member.id, category="spam", text="ads"))
    db.session.commit()


@pytest.mark.parametrize("action", ["hide", "restore", "lock", "unlock", "pin", "unpin", "warn", "suspend",
                                    "dismiss", "move"])
def test_every_role_for_every_action(client, world, action):
    from agora.moderation.models import ModerationAction

    w = world
    body = {"reason": "Off topic", "days": 2}
    for space, expected in (("team", TEAM), ("other", OTHER)):
        post = w.post("author", space=space if space == "team" else "other")
        for who, status in expected.items():
            _prepare(w, post, action, space)
            before = db.session.query(ModerationAction).count()
            destination = "side" if space == "team" else "team"
            wanted = status
            if action == "move" and status == 201 and who in ("hr", "mod2"):
                # Moving needs moderating both spaces: HR moderates only "team"; mod2 does not moderate "side".
                wanted = 400
            response = client.post(f"/api/v1/moderation/posts/{post.id}/{action}",
                                   json={**body, "space": destination}, headers=w.headers(who))
            assert response.status_code == wanted, (action, space, who, response.get_json())
            after = db.session.query(ModerationAction).count()
            assert after == before + (1 if wanted == 201 else 0), "exactly one ledger line per action"
            if wanted == 201:
                line = response.get_json()
                assert line["action"] == action and line["actor"]["handle"] == who
                assert line["subject"]["handle"] == "author"


def test_comment_actions_and_refused_post_only_actions(client, world):
    w = world
    post = w.post("member")
    comment = w.comment("author", post, "Rude words")
    url = f"/api/v1/moderation/comments/{comment.id}"
    assert client.post(f"{url}/hide", json={"reason": "Rude"}, headers=w.headers("member")).status_code == 403
    assert client.post(f"{url}/hide", json={"reason": "Rude"}, headers=w.headers("outsider")).status_code == 404
    response = client.post(f"{url}/hide", json={"reason": "Rude"}, headers=w.headers("mod"))
    assert response.status_code == 201 and response.get_json()["subject"]["handle"] == "author"
    assert client.post(f"{url}/pin", json={}, headers=w.headers("mod")).status_code == 404
    assert client.post(f"{url}/delete", json={}, headers=w.headers("admin")).status_code == 404
    assert client.post(f"/api/v1/moderation/posts/{post.id}/delete", json={},
                       headers=w.headers("admin")).status_code == 404


def test_bad_input_is_a_clear_4xx(client, world):
    w = world
    post = w.post("author")
    url = f"/api/v1/moderation/posts/{post.id}"
    h = w.headers("mod")
    response = client.post(f"{url}/hide", json={"reason": "  "}, headers=h)
    assert response.status_code == 400 and "reason" in response.get_json()["error"]["fields"]
    assert client.post(f"{url}/hide", data="nope", headers=h).status_code == 400
    assert client.post(f"{url}/hide", json={"reason": 5}, headers=h).status_code == 400
    response = client.post(f"{url}/suspend", json={"reason": "x", "days": 31}, headers=h)
    assert response.status_code == 400 and "days" in response.get_json()["error"]["fields"]
    assert client.post(f"{url}/suspend", json={"reason": "x", "days": "two"}, headers=h).status_code == 400
    assert client.post(f"{url}/move", json={"reason": "x", "space": "nowhere"}, headers=h).status_code == 400
    assert client.post(f"{url}/move", json={"reason": "x", "space": "team"}, headers=h).status_code == 400
    assert client.post(f"{url}/restore", json={}, headers=h).status_code == 409
    assert client.post(f"{url}/dismiss", json={}, headers=h).status_code == 409
    assert client.post("/api/v1/moderation/posts/99999/hide", json={"reason": "x"}, headers=h).status_code == 404
    assert client.post(f"{url}/hide", json={"reason": "x"}).status_code == 401
    wall_post = w.post("author", wall="member")
    response = client.post(f"/api/v1/moderation/posts/{wall_post.id}/suspend", json={"reason": "x", "days": 2},
                           headers=w.headers("hr"))
    assert response.status_code == 400


def test_hidden_post_as_seen_by_reader_author_and_moderator(client, world):
    w = world
    post = w.post("author", body="Secret plans of @member #news")
    w.browser("member")
    response = client.post(f"/api/v1/moderation/posts/{post.id}/hide", json={"reason": "Leaks a customer name"},
                           headers=w.headers("mod"))
    assert response.status_code == 201
    for page in (f"/posts/{post.id}", "/", "/spaces/team", "/tags/news"):
        reader = w.browser("member").get(page).get_data(as_text=True)
        assert "Secret plans" not in reader and "Hidden by moderation on" in reader, page
        assert "Leaks a customer name" in reader
        for who in ("author", "mod"):
            html = w.browser(who).get(page).get_data(as_text=True)
            assert "Secret plans" in html and "Only the author and the moderators see the original" in html, (who, page)
    api = client.get(f"/api/v1/posts/{post.id}", headers=w.headers("member")).get_json()
    assert api["body"] == "" and api["html"] == "" and api["hidden"]["reason"] == "Leaks a customer name"
    feed = client.get("/api/v1/feed", headers=w.headers("member")).get_json()
    assert [p for p in feed["items"] if p["id"] == post.id][0]["body"] == ""
    assert client.get(f"/api/v1/posts/{post.id}", headers=w.headers("author")).get_json()["body"].startswith("Secret")
    assert client.get(f"/api/v1/posts/{post.id}", headers=w.headers("mod")).get_json()["body"].startswith("Secret")
    # The mention notification no longer quotes the hidden text.
    notes = w.browser("member").get("/notifications").get_data(as_text=True)
    assert "Secret plans" not in notes and "Hidden by moderation" in notes
    # Restoring brings everything back.
    assert client.post(f"/api/v1/moderation/posts/{post.id}/restore", json={},
                       headers=w.headers("hr")).status_code == 201
    assert "Secret plans" in w.browser("member").get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Secret plans" in w.browser("member").get("/notifications").get_data(as_text=True)
    assert client.get(f"/api/v1/posts/{post.id}", headers=w.headers("member")).get_json()["hidden"] is None


def test_hidden_comment_and_author_notified_with_reason_and_appeal_link(client, world):
    w = world
    post = w.post("member")
    comment = w.comment("author", post, "You are all idiots")
    page = w.browser("mod").post(f"/moderation/comments/{comment.id}",
                                 data={"action": "hide", "reason": "Insults", "rule": "harassment"})
    assert page.status_code == 302
    reader = w.browser("member").get(f"/posts/{post.id}").get_data(as_text=True)
    assert "You are all idiots" not in reader and "Insults" in reader
    assert "You are all idiots" in w.browser("author").get(f"/posts/{post.id}").get_data(as_text=True)
    api = client.get(f"/api/v1/posts/{post.id}", headers=w.headers("member")).get_json()
    assert api["comments"][0]["body"] == "" and api["comments"][0]["hidden"]["reason"] == "Insults"
    from agora.moderation.models import ModerationAction
    line = db.session.query(ModerationAction).one()
    assert line.rule == "harassment" and line.reason == "Insults"
    notes = client.get("/api/v1/notifications", headers=w.headers("author")).get_json()
    note = [n for n in notes["results"] if n["kind"] == "moderation"][0]
    assert "Insults" in note["excerpt"] and note["url"] == f"/moderation/actions/{line.id}"
    appeal_page = w.browser("author").get(note["url"]).get_data(as_text=True)
    assert "Appeal this decision" in appeal_page


def test_moderation_page_form_errors_keep_input(world):
    w = world
    post = w.post("author")
    response = w.browser("mod").post(f"/moderation/posts/{post.id}", data={"action": "hide", "reason": ""})
    assert response.status_code == 400 and "Give the reason" in response.get_data(as_text=True)
    response = w.browser("mod").post(f"/moderation/posts/{post.id}",
                                     data={"action": "suspend", "reason": "Spam again", "days": "400"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Spam again" in html and "from 1 to 30" in html
    assert w.browser("member").get(f"/moderation/posts/{post.id}").status_code == 403
    assert w.browser("outsider").get(f"/moderation/posts/{post.id}").status_code == 404
    assert "Moderate" in w.browser("mod").get(f"/posts/{post.id}").get_data(as_text=True)


def test_lock_pin_and_move(client, world):
    from agora.walls.models import Post

    w = world
    post = w.post("author")
    h = w.headers("mod")
    assert client.post(f"/api/v1/moderation/posts/{post.id}/lock", json={"reason": "Heated"}, headers=h).status_code == 201
    assert client.post(f"/api/v1/posts/{post.id}/comments", json={"body": "More!"},
                       headers=w.headers("member")).status_code == 403
    assert client.post(f"/api/v1/moderation/posts/{post.id}/pin", json={}, headers=h).status_code == 201
    assert w.fresh(Post, post.id).pinned
    response = client.post(f"/api/v1/moderation/posts/{post.id}/move", json={"reason": "Belongs in side",
                                                                             "space": "side"}, headers=h)
    assert response.status_code == 201 and response.get_json()["to_space"] == "side"
    assert w.fresh(Post, post.id).space_id == w.spaces["side"].id
    # The move shows in both spaces' ledgers.
    for slug in ("team", "side"):
        items = client.get(f"/api/v1/spaces/{slug}/moderation-log", headers=h).get_json()["items"]
        assert items[0]["action"] == "move", slug


def test_suspension_blocks_posting_and_commenting_until_it_ends(client, world):
    from agora.spaces.models import Suspension

    w = world
    post = w.post("author")
    other = w.post("member")
    response = client.post(f"/api/v1/moderation/posts/{post.id}/suspend", json={"reason": "Spam", "days": 3},
                           headers=w.headers("mod"))
    assert response.status_code == 201 and response.get_json()["detail"]["days"] == 3
    h = w.headers("author")
    assert client.post("/api/v1/spaces/team/posts", json={"body": "Back"}, headers=h).status_code == 403
    assert client.post(f"/api/v1/posts/{other.id}/comments", json={"body": "Hi"}, headers=h).status_code == 403
    assert w.browser("author").post("/spaces/team/wall", data={"body": "Back"}).status_code == 403
    # Elsewhere the author writes as before.
    assert client.post("/api/v1/spaces/side/posts", json={"body": "Hello side"}, headers=h).status_code == 201
    suspension = db.session.query(Suspension).one()
    suspension.until = suspension.until - timedelta(days=4)
    db.session.commit()
    assert client.post("/api/v1/spaces/team/posts", json={"body": "Back"}, headers=h).status_code == 201
    assert client.post(f"/api/v1/posts/{other.id}/comments", json={"body": "Hi"}, headers=h).status_code == 201


def test_warn_is_recorded_and_told(client, world):
    w = world
    post = w.post("author")
    response = client.post(f"/api/v1/moderation/posts/{post.id}/warn", json={"reason": "Mind the tone"},
                           headers=w.headers("mod"))
    assert response.status_code == 201
    kinds = [n["kind"] for n in client.get("/api/v1/notifications", headers=w.headers("author")).get_json()["results"]]
    assert "moderation" in kinds


def test_no_moderator_delete_anywhere(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(("moderation.", "moderation_api."))]
    assert rules
    for rule in rules:
        assert not {"DELETE", "PUT", "PATCH"} & set(rule.methods), rule.rule
        assert "delete" not in rule.rule


def test_erase_command(app, client, world):
    from agora.audit.models import AuditEntry
    from agora.moderation.models import ModerationAction
    from agora.walls.models import Post

    w = world
    post = w.post("author", body="Defamatory text #news")
    w.comment("member", post, "A reply that stays")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "erase", str(post.id)])
    assert result.exit_code != 0 and "reason" in result.output.lower()
    result = runner.invoke(args=["content", "erase", str(post.id), "--reason", "Court order 42"])
    assert result.exit_code == 0, result.output
    fresh = w.fresh(Post, post.id)
    assert fresh.body_source == "" and fresh.body_html == "" and fresh.hidden_at is not None
    line = db.session.query(ModerationAction).one()
    assert line.action == "erase" and line.actor_id is None and line.reason == "Court order 42"
    entry = db.session.query(AuditEntry).filter_by(event="erase").one()
    assert entry.subject == f"post {post.id}"
    for who in ("member", "author", "mod"):
        html = w.browser(who).get(f"/posts/{post.id}").get_data(as_text=True)
        assert "Defamatory" not in html and "A reply that stays" in html and "Court order 42" in html
    assert client.post(f"/api/v1/moderation/posts/{post.id}/restore", json={},
                       headers=w.headers("admin")).status_code == 409
    assert runner.invoke(args=["content", "erase", "99999", "--reason", "x"]).exit_code != 0
    result = runner.invoke(args=["content", "erase", "--help"])
    assert result.exit_code == 0 and "--comment" in result.output


def test_author_cannot_rewrite_hidden_content_but_can_after_restore(client, world):
    w = world
    post = w.post("author", body="Original words")
    comment = w.comment("member", post, "A sharp reply")
    for kind, obj, who in (("posts", post, "author"), ("comments", comment, "member")):
        assert client.post(f"/api/v1/moderation/{kind}/{obj.id}/hide", json={"reason": "Off topic"},
                           headers=w.headers("mod")).status_code == 201
        page = w.browser(who)
        assert page.get(f"/{kind}/{obj.id}/edit").status_code == 403
        assert page.post(f"/{kind}/{obj.id}/edit", data={"body": "Rewritten"}).status_code == 403
        assert client.post(f"/api/v1/moderation/{kind}/{obj.id}/restore", json={},
                           headers=w.headers("mod")).status_code == 201
        assert page.get(f"/{kind}/{obj.id}/edit").status_code == 200
    assert "Rewritten" not in w.browser("member").get(f"/posts/{post.id}").get_data(as_text=True)


def test_pinned_post_leads_the_space_wall_until_unpinned(client, world):
    w = world
    old = w.post("author", body="Read me first: house rules")
    for n in range(3):
        w.post("member", body=f"Newer chatter {n}")
    assert client.post(f"/api/v1/moderation/posts/{old.id}/pin", json={}, headers=w.headers("mod")).status_code == 201
    html = w.browser("member").get("/spaces/team").get_data(as_text=True)
    assert "Pinned" in html and html.index("house rules") < html.index("Newer chatter 2")
    assert client.post(f"/api/v1/moderation/posts/{old.id}/unpin", json={},
                       headers=w.headers("mod")).status_code == 201
    html = w.browser("member").get("/spaces/team").get_data(as_text=True)
    assert html.index("house rules") > html.index("Newer chatter 2")
