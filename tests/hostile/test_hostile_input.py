"""Oversized, truncated, wrongly encoded and Unicode-tricky input on every form and API endpoint.

The rule: a clear 4xx (HTML page for forms, JSON under /api/), or the input accepted, stored exactly
as sent and shown escaped; never a 500. Routes are taken from the URL map, so features added later
are covered without touching this file.
"""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.hostile.world import build_world, url_for_rule

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
# Text that software often mangles: bidi override, zero-width, stacked combining marks, 4-byte emoji,
# a lone combining mark at the start, a BOM, line and paragraph separators.
TRICKY = "\u202eevil\u202c \u200b\u200c\u200d\u2060 Z\u0351\u0352\u0353\u0354e\u0301\u0301 👩🏽‍💻🦄𝔘𝔫𝔦 \u0301 \ufeff \u2028\u2029 ok"
FIELDS = ("body", "name", "title", "description", "reason", "text", "q", "email", "password", "language",
          "kind", "target", "next", "parent_id", "bio", "skills", "languages", "ask_me_about", "location", "phone",
          "department", "manager", "current_password", "new_password", "confirm", "visibility", "slug", "decision")


@pytest.fixture
def world(app, make_user):
    return build_world(make_user)


def _routes(app, world):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/static") or rule.rule == "/logout":
            continue  # (logout reads no input, and the rest must run logged in)
        for method in sorted((rule.methods or set()) & METHODS):
            yield method, url_for_rule(app, rule, world), rule.rule.startswith("/api/")


def _check(answer, what: str, api: bool) -> str | None:
    if answer.status_code >= 500:
        return f"{what}: {answer.status_code}"
    if api and answer.status_code >= 400:
        body = answer.get_json(silent=True)
        if not (isinstance(body, dict) and "error" in body):
            return f"{what}: {answer.status_code} without a JSON error"
    return None


def _hostile_requests(path: str, api: bool):
    """(label, keyword arguments for client.open) for one route."""
    if api:
        yield "not JSON", dict(data='{"body": ', content_type="application/json")
        yield "JSON as text/plain", dict(data='{"body": "x", "kind": "like"}', content_type="text/plain")
        yield "JSON array", dict(json=["body", "x"])
        yield "JSON string", dict(json="body")
        yield "wrong types", dict(json={key: {"a": [1]} for key in FIELDS})
        yield "numbers", dict(json={key: 10 ** 30 for key in FIELDS})
        yield "NUL", dict(json={key: "a\x00b" for key in FIELDS})
        yield "tricky unicode", dict(json={key: TRICKY for key in FIELDS})
        yield "lone surrogate", dict(data='{"body": "\\ud800", "name": "\\udfff"}', content_type="application/json")
        yield "deep nesting", dict(data="[" * 50000 + "]" * 50000, content_type="application/json")
        yield "invalid UTF-8 JSON", dict(data=b'{"body": "\xff\xfe\xc3\x28"}', content_type="application/json")
        yield "cursor garbage", dict(query_string={"cursor": "!!\x00\xff", "limit": "-5", "q": "\x00"})
        yield "limit huge", dict(query_string={"cursor": "eyJ4IjoxfQ", "limit": "99999999999999999999999"})
    else:
        yield "invalid UTF-8 form", dict(data=b"body=\xff\xfe&name=\xc3\x28&q=%ff%fe&next=%c0%af",
                                         content_type="application/x-www-form-urlencoded")
        yield "NUL everywhere", dict(data={key: "a\x00b" for key in FIELDS})
        yield "tricky unicode", dict(data={key: TRICKY for key in FIELDS})
        yield "truncated multipart", dict(
            data=b'--XyZ\r\nContent-Disposition: form-data; name="body"\r\n\r\nhello\r\n--XyZ\r\nContent-Disp',
            content_type="multipart/form-data; boundary=XyZ")
        yield "multipart without boundary", dict(data=b"body=x", content_type="multipart/form-data")
        yield "JSON to a form", dict(json={"body": "x"})
        yield "query garbage", dict(query_string={"cursor": "!!\x00", "q": "\x00\ufffe", "next": "//evil.example",
                                                  "unread": "\xff", "go": "x", "since": "not a date"})
        yield "parent id garbage", dict(data={"body": "x", "parent_id": "1e309", "kind": "x" * 10000})


def test_no_route_answers_500_to_hostile_input(app, client, login, world):
    login(world["ana"])
    token = {"Authorization": f"Bearer {world['secret']}"}
    problems, sent = [], 0
    for method, path, api in _routes(app, world):
        for label, options in _hostile_requests(path, api):
            options = dict(options)
            if api:
                options["headers"] = token
            answer = client.open(path, method=method, **options)
            sent += 1
            problem = _check(answer, f"{method} {path} [{label}]", api)
            if problem:
                problems.append(problem)
    assert sent > 400
    assert problems == [], "\n".join(problems)
    assert client.get("/settings").status_code == 200, "still logged in after all that"


def test_oversized_bodies_get_413_pages(app, client, login, world):
    login(world["bob"])
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = client.post(f"/people/{world['bob'].handle}/wall", data=b"body=" + b"x" * (limit + 10),
                      content_type="application/x-www-form-urlencoded")
    assert big.status_code == 413 and "<html" in big.get_data(as_text=True)
    # A form field past the in-memory limit, in a body under the upload limit.
    field = client.post(f"/posts/{world['post'].id}/comments",
                        data={"body": "y" * (app.config["MAX_FORM_MEMORY_SIZE"] + 10)})
    assert field.status_code in (400, 413)
    api = client.post(f"/api/v1/posts/{world['post'].id}/comments", data=b"x" * (limit + 10),
                      content_type="application/json", headers={"Authorization": f"Bearer {world['secret']}"})
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "too_large"


def test_a_post_longer_than_allowed_is_refused_with_a_field_error_and_keeps_the_text(app, client, login, world):
    login(world["bob"])
    too_long = "word " * (app.config["AGORA"]["content"]["max_post_length"] // 5 + 10)
    answer = client.post(f"/people/{world['ana'].handle}/wall", data={"body": too_long, "kind": "status"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "word word word" in page  # what was typed is given back, not lost


def test_tricky_unicode_is_stored_intact_and_shown_escaped(app, client, login, world):
    from agora.extensions import db
    from agora.walls.models import Comment, Post

    login(world["bob"])
    body = f"<b>{TRICKY}</b> & <script>alert(1)</script>"
    assert client.post(f"/people/{world['ana'].handle}/wall", data={"body": body, "kind": "status"}).status_code == 302
    post = db.session.scalar(select(Post).where(Post.author_id == world["bob"].id).order_by(Post.id.desc()))
    assert post.body_source == body
    assert client.post(f"/posts/{post.id}/comments", data={"body": TRICKY}).status_code == 302
    comment = db.session.scalar(select(Comment).where(Comment.post_id == post.id))
    assert comment.body_source == TRICKY
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "👩🏽‍💻🦄𝔘𝔫𝔦" in page and "\u202eevil\u202c" in page and "Z\u0351\u0352\u0353\u0354" in page
    assert "<script>alert(1)" not in page
    api = client.get(f"/api/v1/posts/{post.id}", headers={"Authorization": f"Bearer {world['secret']}"})
    assert TRICKY in json.dumps(api.get_json(), ensure_ascii=False)


def test_tricky_unicode_in_profile_fields_is_stored_intact(app, client, login, world):
    from agora.extensions import db
    from agora.profiles.models import Profile

    login(world["bob"])
    fields = {"bio": TRICKY, "ask_me_about": TRICKY[:300], "location": "Montréal \u200b\u202e", "languages": "Français",
              "skills": "C\u0301afe\u0301, 👩🏽‍💻", "phone": "+33 1 23 45 67 89"}
    answer = client.post(f"/people/{world['bob'].handle}/edit", data=fields)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    db.session.expire_all()
    profile = db.session.get(Profile, world["bob"].id)
    assert profile.bio_source == TRICKY
    # One-line fields keep every character; only runs of white space (line separators too) become one space.
    assert profile.ask_me_about == re.sub(r"\s+", " ", TRICKY).strip()
    assert "👩🏽‍💻🦄𝔘𝔫𝔦" in profile.ask_me_about and "\u202eevil\u202c" in profile.ask_me_about
    assert profile.location == "Montréal \u200b\u202e"
    page = client.get(f"/people/{world['bob'].handle}").get_data(as_text=True)
    assert "👩🏽‍💻" in page and "Montréal" in page


@pytest.mark.parametrize("where", ["post", "comment", "profile", "org", "token", "api post", "api comment"])
def test_nul_is_refused_with_a_clear_error_and_nothing_is_stored(app, client, login, world, where):
    from agora.extensions import db
    from agora.walls.models import Comment, Post

    login(world["ana"])
    counts = (db.session.query(Post).count(), db.session.query(Comment).count())
    bob, post = world["bob"].handle, world["post"].id
    token = {"Authorization": f"Bearer {world['secret']}"}
    answer = {
        "post": lambda: client.post(f"/people/{bob}/wall", data={"body": "a\x00b", "kind": "status"}),
        "comment": lambda: client.post(f"/posts/{post}/comments", data={"body": "a\x00b"}),
        "profile": lambda: client.post(f"/people/{world['ana'].handle}/edit", data={"bio": "a\x00b", "location": "x\x00"}),
        "org": lambda: client.post(f"/people/{bob}/org", data={"title": "a\x00b", "department": "d\x00"}),
        "token": lambda: client.post("/settings/tokens", data={"name": "a\x00b"}),
        "api post": lambda: client.post(f"/api/v1/people/{bob}/posts", json={"body": "a\x00b"}, headers=token),
        "api comment": lambda: client.post(f"/api/v1/posts/{post}/comments", json={"body": "a\x00b"}, headers=token),
    }[where]()
    assert 400 <= answer.status_code < 500, answer.status_code
    db.session.expire_all()
    assert (db.session.query(Post).count(), db.session.query(Comment).count()) == counts
    from agora.profiles.models import Profile
    assert "\x00" not in (db.session.get(Profile, world["ana"].id).bio_source or "")
    assert "\x00" not in (db.session.get(Profile, world["bob"].id).title or "")


def test_bad_login_input_gets_the_form_back(app, client, world):
    for data in ({"email": "ana@example.com\x00", "password": PASSWORD}, {"email": "\u202e@example.com", "password": "x"},
                 {"email": "a" * 5000 + "@example.com", "password": "x" * 5000}):
        answer = client.post("/login", data=data)
        assert answer.status_code == 400 and "<form" in answer.get_data(as_text=True)
    assert client.get("/settings").status_code == 302


def test_nul_in_directory_filters_finds_nobody_instead_of_failing(app, client, login, world):
    login(world["ana"])
    nul = {"q": "Bo\x00", "department": "\x00", "location": "Paris\x00", "skill": "\x00x"}
    assert client.get("/people", query_string=nul).status_code == 200
    assert client.get("/people/suggest", query_string={"q": "Bo\x00b"}).status_code == 200
    api = client.get("/api/v1/people", query_string=nul, headers={"Authorization": f"Bearer {world['secret']}"})
    assert api.status_code < 500
