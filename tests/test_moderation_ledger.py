"""The ledger (append-only through every interface), appeals to someone other than the actor, the admin audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from agora.extensions import db
from tests.moderation_world import app_config, world  # noqa: F401 - fixtures


def _act(client, w, who, post_id, action="hide", target="posts", **body):
    response = client.post(f"/api/v1/moderation/{target}/{post_id}/{action}", json={"reason": "Off topic", **body},
                           headers=w.headers(who))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_space_ledger_readable_by_space_readers_only(client, world):
    w = world
    post = w.post("author")
    line = _act(client, w, "mod", post.id, rule="spam")
    page = w.browser("member").get("/spaces/team/moderation")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Off topic" in html and "Mod" in html and f"/posts/{post.id}" in html
    assert w.browser("outsider").get("/spaces/team/moderation").status_code == 404
    assert client.get("/api/v1/spaces/team/moderation-log", headers=w.headers("outsider")).status_code == 404
    assert client.get("/api/v1/spaces/nowhere/moderation-log", headers=w.headers("member")).status_code == 404
    data = client.get("/api/v1/spaces/team/moderation-log", headers=w.headers("member")).get_json()
    [item] = data["items"]
    assert item["id"] == line["id"] and item["rule"] == "spam" and item["actor"]["handle"] == "mod"
    assert item["target"]["url"] == f"/posts/{post.id}" and item["appeal"] is None
    assert w.browser("outsider").get(f"/moderation/actions/{line['id']}").status_code == 404
    assert client.get(f"/api/v1/moderation/{line['id']}", headers=w.headers("outsider")).status_code == 404


def test_ledger_is_keyset_paginated_newest_first(client, world):
    w = world
    post = w.post("author")
    ids = []
    for _ in range(3):
        ids.append(_act(client, w, "mod", post.id, "pin", reason="")["id"])
        ids.append(_act(client, w, "mod", post.id, "unpin", reason="")["id"])
    first = client.get("/api/v1/spaces/team/moderation-log?limit=4", headers=w.headers("member")).get_json()
    assert [i["id"] for i in first["items"]] == ids[::-1][:4] and first["next_cursor"]
    rest = client.get(f"/api/v1/spaces/team/moderation-log?limit=4&cursor={first['next_cursor']}",
                      headers=w.headers("member")).get_json()
    assert [i["id"] for i in rest["items"]] == ids[::-1][4:] and rest["next_cursor"] is None
    assert client.get("/api/v1/spaces/team/moderation-log?cursor=garbage",
                      headers=w.headers("member")).status_code == 400
    html = w.browser("member").get("/spaces/team/moderation").get_data(as_text=True)
    assert html.count("ledger-line") == 6


def test_person_wall_ledger(client, world):
    w = world
    post = w.post("author", wall="member")
    _act(client, w, "hr", post.id)
    html = w.browser("outsider").get("/moderation/log").get_data(as_text=True)
    assert "Off topic" in html
    items = client.get("/api/v1/moderation/log", headers=w.headers("outsider")).get_json()["items"]
    assert len(items) == 1 and items[0]["space"] is None


def test_ledger_refuses_changes_through_the_orm(client, world):
    from agora.audit.models import AuditEntry
    from agora.audit.services import record_audit
    from agora.core.append_only import AppendOnlyError
    from agora.moderation.models import ModerationAction

    w = world
    post = w.post("author")
    _act(client, w, "mod", post.id)
    record_audit("login", subject="x")
    for model in (ModerationAction, AuditEntry):
        row = db.session.query(model).first()
        if model is ModerationAction:
            row.reason = "rewritten"
        else:
            row.detail = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AppendOnlyError):
            db.session.delete(db.session.query(model).first())
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("table", ["moderation_actions", "audit_log"])
def test_ledger_refuses_changes_through_raw_sql(client, world, table):
    from agora.audit.services import record_audit

    w = world
    post = w.post("author")
    _act(client, w, "mod", post.id)
    record_audit("login", subject="x")
    column = "reason" if table == "moderation_actions" else "detail"
    for sql in (f"UPDATE {table} SET {column} = 'rewritten'", f"DELETE FROM {table}",
                f"UPDATE {table} SET actor_id = NULL"):
        with pytest.raises(DBAPIError):
            with db.engine.begin() as connection:
                connection.execute(text(sql))
    with db.engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1
        assert "rewritten" not in str(connection.execute(text(f"SELECT {column} FROM {table}")).scalar())


def test_no_interface_changes_the_ledger(app, client, world):
    from agora.moderation.models import ModerationAction

    w = world
    post = w.post("author")
    line = _act(client, w, "mod", post.id)
    for method in ("put", "patch", "delete"):
        for url in (f"/api/v1/moderation/{line['id']}", f"/moderation/actions/{line['id']}",
                    "/api/v1/spaces/team/moderation-log", "/spaces/team/moderation"):
            response = getattr(client, method)(url, headers=w.headers("admin"))
            assert response.status_code in (404, 405), (method, url)
            browser = getattr(w.browser("admin"), method)(url)
            assert browser.status_code in (404, 405), (method, url)
    db.session.expire_all()
    assert db.session.query(ModerationAction).one().reason == "Off topic"


def test_appeal_goes_to_another_moderator_who_grants_it(client, world):
    from agora.moderation.models import Appeal, ModerationAction
    from agora.walls.models import Post

    w = world
    post = w.post("author", body="My honest opinion")
    line = _act(client, w, "mod", post.id)
    # Only the person concerned may appeal.
    assert client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "Please"},
                       headers=w.headers("member")).status_code == 403
    assert client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": " "},
                       headers=w.headers("author")).status_code == 400
    page = w.browser("author").post(f"/moderation/actions/{line['id']}/appeal", data={"text": "It was on topic"})
    assert page.status_code == 302
    again = client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "Again"}, headers=w.headers("author"))
    assert again.status_code == 409
    appeal = db.session.query(Appeal).one()
    assert appeal.assigned_to_id == w.mod2.id
    kinds = [n["kind"] for n in client.get("/api/v1/notifications", headers=w.headers("mod2")).get_json()["results"]]
    assert "appeal_assigned" in kinds
    queue = w.browser("mod2").get("/moderation/queue").get_data(as_text=True)
    assert "Appeal by Author" in queue
    # The author sees who will decide.
    assert f"Assigned to {w.mod2.name}." in w.browser("author").get(f"/moderation/actions/{line['id']}").get_data(as_text=True)
    # The moderator who acted never decides, by page or API; nor does the author.
    for who in ("mod", "author", "member"):
        response = client.post(f"/api/v1/moderation/appeals/{appeal.id}/decision",
                               json={"decision": "grant", "reason": "x"}, headers=w.headers(who))
        assert response.status_code == 403, who
    assert w.browser("mod").post(f"/moderation/appeals/{appeal.id}/decide",
                                 data={"decision": "grant", "reason": "x"}).status_code == 403
    assert "Record the decision" not in w.browser("mod").get(f"/moderation/actions/{line['id']}").get_data(as_text=True)
    bad = client.post(f"/api/v1/moderation/appeals/{appeal.id}/decision", json={"decision": "maybe", "reason": "x"},
                      headers=w.headers("mod2"))
    assert bad.status_code == 400
    response = w.browser("mod2").post(f"/moderation/appeals/{appeal.id}/decide",
                                      data={"decision": "grant", "reason": "Fair criticism"})
    assert response.status_code == 302
    assert w.fresh(Post, post.id).hidden_at is None
    outcome = db.session.query(ModerationAction).filter_by(action="appeal_granted").one()
    assert outcome.appeal_of_id == line["id"] and outcome.actor_id == w.mod2.id and outcome.reason == "Fair criticism"
    assert "My honest opinion" in w.browser("member").get(f"/posts/{post.id}").get_data(as_text=True)
    assert f"Granted (decided by {w.mod2.name})" in w.browser("author").get(f"/moderation/actions/{line['id']}").get_data(as_text=True)
    notes = client.get("/api/v1/notifications", headers=w.headers("author")).get_json()["results"]
    assert any(n["kind"] == "appeal_outcome" and "Fair criticism" in n["excerpt"] for n in notes)
    items = client.get("/api/v1/spaces/team/moderation-log", headers=w.headers("member")).get_json()["items"]
    assert items[0]["action"] == "appeal_granted" and items[1]["appeal"]["status"] == "granted"
    assert client.post(f"/api/v1/moderation/appeals/{appeal.id}/decision", json={"decision": "refuse", "reason": "x"},
                       headers=w.headers("admin")).status_code == 409


def test_granted_appeal_lifts_a_suspension(client, world):
    w = world
    post = w.post("author")
    line = _act(client, w, "mod2", post.id, "suspend", days=5)
    h = w.headers("author")
    assert client.post("/api/v1/spaces/team/posts", json={"body": "x"}, headers=h).status_code == 403
    appeal = client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "Mistake"}, headers=h).get_json()
    assert appeal["assigned_to"]["handle"] == "mod"
    response = client.post(f"/api/v1/moderation/appeals/{appeal['id']}/decision",
                           json={"decision": "grant", "reason": "Wrong person"}, headers=w.headers("mod"))
    assert response.status_code == 201 and response.get_json()["appeal_of_id"] == line["id"]
    assert client.post("/api/v1/spaces/team/posts", json={"body": "x"}, headers=h).status_code == 201


def test_refused_appeal_and_fallbacks_to_hr_then_admin(client, world):
    from agora.moderation.models import Appeal
    from agora.spaces.models import Membership

    w = world
    db.session.query(Membership).filter_by(user_id=w.mod2.id, space_id=w.spaces["team"].id).delete()
    db.session.commit()
    post = w.post("author")
    line = _act(client, w, "mod", post.id)
    appeal = client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "Why"},
                         headers=w.headers("author")).get_json()
    assert appeal["assigned_to"]["handle"] == "hr"  # no other moderator of "team"; HR moderates it
    response = client.post(f"/api/v1/moderation/appeals/{appeal['id']}/decision",
                           json={"decision": "refuse", "reason": "Rules are clear"}, headers=w.headers("hr"))
    assert response.status_code == 201 and response.get_json()["action"] == "appeal_refused"
    # In "side" mod is the only moderator and HR does not moderate it: an admin decides.
    side_post = w.post("author", space="side")
    line = _act(client, w, "mod", side_post.id, "warn")
    appeal = client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "Why"},
                         headers=w.headers("author")).get_json()
    assert appeal["assigned_to"]["handle"] == "admin"
    # In "other" the admin acted and nobody else may decide: unassigned, and still not the actor's to decide.
    other_post = w.post("author", space="other")
    line = _act(client, w, "admin", other_post.id, "warn")
    appeal = client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "Why"},
                         headers=w.headers("author")).get_json()
    assert appeal["assigned_to"] is None
    for who in ("admin", "hr", "mod"):
        assert client.post(f"/api/v1/moderation/appeals/{appeal['id']}/decision",
                           json={"decision": "grant", "reason": "x"}, headers=w.headers(who)).status_code == 403
    assert db.session.query(Appeal).filter_by(status="pending").count() == 2


def test_only_adverse_actions_can_be_appealed(client, world):
    w = world
    post = w.post("author")
    line = _act(client, w, "mod", post.id, "pin", reason="")
    response = client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "?"}, headers=w.headers("author"))
    assert response.status_code == 400
    assert client.post("/api/v1/moderation/9999/appeal", json={"text": "?"},
                       headers=w.headers("author")).status_code == 404


def test_audit_log_records_logins_roles_config_and_is_for_admins(app, client, world):
    from agora.admin.services import apply_config
    from agora.audit.models import AuditEntry

    w = world
    w.browser("member")
    bad = app.test_client()
    bad.environ_base["wsgi.url_scheme"] = "https"
    assert bad.post("/login", data={"email": "member@example.com", "password": "wrong password!"}).status_code == 400
    result = app.test_cli_runner().invoke(args=["users", "create", "boss@example.com", "--name", "Boss", "--admin",
                                                "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    apply_config(app)
    events = [(e.event, e.subject) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert ("login", "member@example.com") in events and ("login_failed", "member@example.com") in events
    assert ("role_change", "boss@example.com") in events and events[-1][0] == "config_apply"
    page = w.browser("admin").get("/admin/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Failed login" in html and "boss@example.com" in html
    for who in ("hr", "mod", "member"):
        assert w.browser(who).get("/admin/audit").status_code == 404


def test_ledger_page_runs_a_constant_number_of_queries(client, world, count_queries):
    w = world
    browser = w.browser("member")

    def add_lines():
        post = w.post("author")
        comment = w.comment("member", post, "c")
        line = _act(client, w, "mod2", post.id, "warn")
        _act(client, w, "mod", comment.id, "hide", target="comments")
        client.post(f"/api/v1/moderation/{line['id']}/appeal", json={"text": "no"}, headers=w.headers("author"))

    add_lines()
    with count_queries() as few:
        assert browser.get("/spaces/team/moderation").status_code == 200
    for _ in range(4):
        add_lines()
    with count_queries() as many:
        html = browser.get("/spaces/team/moderation").get_data(as_text=True)
    assert html.count("ledger-line") == 10
    assert many.count == few.count
