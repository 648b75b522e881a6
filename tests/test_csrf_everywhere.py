"""Every state-changing route, found in the URL map: a logged-in browser request without a CSRF token is
refused with 400 and changes nothing; the API needs a Bearer token and ignores cookies; rate limits
answer 429 with Retry-After.

Routes added later (spaces, moderation, search...) are covered as soon as they exist.
"""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.hostile.world import build_world
from tests.hostile.world import url_for_rule as _url

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# RFC 8058's one-click unsubscribe: a mail client POSTs without cookies or form token; the signed token in the
# URL alone names the person and the list (tests/test_mail.py shows it works only with our token).
CSRF_EXEMPT = {"/email/unsubscribe/<token>"}
CSRF_ON = {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def app_config():
    return CSRF_ON


@pytest.fixture
def world(app, make_user):
    return build_world(make_user)


def _state() -> str:
    """A digest of every table but the bookkeeping of who was seen when."""
    from agora.extensions import db

    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in ("user_sessions",):
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{sorted(map(repr, rows))}".encode())
    return digest.hexdigest()


def _write_rules(app, api: bool):
    return [(rule, method) for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) & WRITES)
            if rule.rule.startswith("/api/") == api and not rule.rule.startswith("/static")
            and rule.rule not in CSRF_EXEMPT]


def _form_for(path: str) -> dict:
    # Plausible fields, so a route that forgot CSRF would act on them.
    return {"body": "Sneaky text", "name": "sneaky", "language": "fr", "kind": "like", "reason": "sneaky",
            "email": "ana@example.com", "password": PASSWORD, "title": "Sneaky", "description": "Sneaky",
            "visibility": "open", "target": "person:ana", "next": "/"}


def test_every_browser_write_needs_the_csrf_token(app, client, world):
    from tests.test_security import _csrf_token  # the token of a page, as the browser has it

    response = client.post("/login", data={"email": "ana@example.com", "password": PASSWORD,
                                           "csrf_token": _csrf_token(client, "/login")})
    assert response.status_code == 302
    routes = _write_rules(app, api=False)
    assert len(routes) >= 30, "the URL map lost its write routes?"
    before = _state()
    refused = []
    for rule, method in routes:
        path = _url(app, rule, world)
        for data in (_form_for(path), {**_form_for(path), "csrf_token": "forged"}):
            answer = client.open(path, method=method, data=data)
            if answer.status_code != 400:
                refused.append(f"{method} {path}: {answer.status_code}")
    assert refused == [], "answered without a valid CSRF token:\n" + "\n".join(refused)
    assert _state() == before, "a refused request changed the database"
    assert client.get("/settings").status_code == 200  # still logged in: logout without a token did nothing


def test_the_language_switch_and_login_need_the_token_too_when_logged_out(app, client, world):
    for path, data in (("/login", {"email": "ana@example.com", "password": PASSWORD}),
                       ("/language", {"language": "fr"})):
        assert client.post(path, data=data).status_code == 400, path
    assert "lang" not in {c.key for c in client._cookies.values()}


def test_the_api_needs_a_bearer_token_and_ignores_cookies(app, client, world):
    from tests.test_security import _csrf_token

    client.post("/login", data={"email": "ana@example.com", "password": PASSWORD,
                                "csrf_token": _csrf_token(client, "/login")})
    assert client.get("/settings").status_code == 200  # the cookie session works for pages
    before = _state()
    routes = [(rule, method) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    assert len(routes) >= 10
    wrong = []
    for rule, method in routes:
        path = _url(app, rule, world)
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": f"Basic {world['secret']}"}):
            answer = client.open(path, method=method, json={"body": "Sneaky"}, headers=headers)
            if answer.status_code != 401 or answer.get_json()["error"]["code"] != "unauthorized":
                wrong.append(f"{method} {path} {headers}: {answer.status_code}")
    assert wrong == [], "\n".join(wrong)
    assert _state() == before


def test_the_api_with_a_token_needs_no_csrf_token(app, client, world):
    answer = client.post(f"/api/v1/posts/{world['post'].id}/comments", json={"body": "From a script"},
                         headers={"Authorization": f"Bearer {world['secret']}"})
    assert answer.status_code == 201, answer.get_json()


@pytest.mark.parametrize("app_config", [{**CSRF_ON, "RATELIMIT_ENABLED": True, "limits": {"api": "3 per minute"}}])
def test_the_api_is_rate_limited_with_retry_after(app, client, world):
    headers = {"Authorization": f"Bearer {world['secret']}"}
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    blocked = client.get("/api/v1/me", headers=headers)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert blocked.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "limits": {"login": "2 per minute"}}])
def test_login_is_rate_limited_per_address_whoever_is_tried(app, client, world):
    client.post("/login", data={"email": "ana@example.com", "password": "wrong password"})
    client.post("/login", data={"email": "bob@example.com", "password": "wrong password"})
    blocked = client.post("/login", data={"email": "bob@example.com", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "limits": {"writes": "3 per minute"}}])
def test_writes_are_rate_limited_per_person_with_retry_after(app, client, login, world):
    from agora.extensions import db
    from agora.walls.models import Post

    login(world["bob"])
    wall = f"/people/{world['ana'].handle}/wall"
    for i in range(3):
        assert client.post(wall, data={"body": f"Post {i}", "kind": "status"}).status_code == 302
    blocked = client.post(wall, data={"body": "One too many", "kind": "status"})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert db.session.scalar(select(Post).where(Post.body_source == "One too many")) is None
    # The limit is shared by every kind of write, and reading is not limited.
    assert client.post(f"/posts/{world['post'].id}/comments", data={"body": "Hi"}).status_code == 429
    assert client.get(wall).status_code == 200
    # Another person has their own allowance.
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    login(world["ana"], c=other)
    assert other.post(wall, data={"body": "Mine", "kind": "status"}).status_code == 302
