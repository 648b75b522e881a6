"""`/help/api`: the API's description for people, linked from the settings, in their language, without scripts."""
from __future__ import annotations

import html
import re

import pytest

FR = {"Accept-Language": "fr"}


@pytest.fixture
def reader(app, make_user, login, client):
    login(make_user("ana@example.com", name="Ana Lima"))
    return client


def _doc(app):
    from agora.core.openapi import describe_in_english

    return describe_in_english(app)


def test_the_settings_page_links_to_it_where_tokens_are_made(reader):
    page = reader.get("/settings").get_data(as_text=True)
    tokens = page[page.index('id="tokens-heading"'):]
    assert 'href="/help/api"' in tokens.split("</section>")[0]


def test_it_needs_a_login(client, app):
    answer = client.get("/help/api")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_it_shows_every_endpoint_with_its_parameters_body_and_answers(app, reader):
    answer = reader.get("/help/api")
    assert answer.status_code == 200
    page = html.unescape(answer.get_data(as_text=True))
    doc = _doc(app)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            anchor = f'id="op-{op["operationId"]}"'
            assert anchor in page, f"{method} {path} is missing"
            section = page[page.index(anchor):].split("</article>")[0]
            assert f"{method.upper()} {path}" in section and op["summary"] in section
            for param in op.get("parameters", []):
                assert f"<code>{param['name']}</code>" in section, f"{method} {path}: {param['name']}"
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            for name in body.get("properties", {}):
                assert f"<code>{name}</code>" in section, f"{method} {path}: body field {name}"
            for status, answer in op["responses"].items():
                shown = f'<a href="#error-{status}">{status}</a>' if "$ref" in answer else f"<dt>{status}</dt>"
                assert shown in section, f"{method} {path}: answer {status}"
    for name in doc["components"]["schemas"]:
        assert f'id="shape-{name}"' in page
    # Fields of a shape, nested ones by their dotted name, linked shapes by anchor.
    post = page[page.index('id="shape-Post"'):].split("</article>")[0]
    assert "<code>wall</code>" in post and "<code>attachments[].filename</code>" in post
    assert '<a href="#shape-Person">Person</a>' in post
    assert "Authorization: Bearer agora_" in page and 'href="/settings#tokens-heading"' in page


def test_it_is_in_the_readers_language(app, reader):
    from agora.accounts.models import User
    from agora.accounts.services import set_language
    from agora.extensions import db

    set_language(db.session.scalar(db.select(User)), "fr")
    page = html.unescape(reader.get("/help/api").get_data(as_text=True))
    assert '<html lang="fr">' in page
    assert "Authentification" in page and "Réponses" in page
    assert "Le compte du titulaire du jeton" in page  # the summary of GET /api/v1/me
    assert "The token owner's account" not in page


def test_it_needs_no_script_and_no_inline_style(reader):
    answer = reader.get("/help/api")
    page = answer.get_data(as_text=True)
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None  # only the site's deferred files, no inline code
    assert re.search(r"\sstyle=|<style", page) is None
    assert re.search(r"\son[a-z]+=", page) is None
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page  # nothing from a CDN


def test_its_tables_and_headings_are_labelled(reader):
    page = reader.get("/help/api").get_data(as_text=True)
    tables = re.findall(r"<table.*?</table>", page, re.S)
    assert len(tables) > 30
    assert all("<caption" in table for table in tables)
    assert all('scope="' in th for table in tables for th in re.findall(r"<th[\s>][^>]*>?", table))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids repeat"
    for target in set(re.findall(r'href="#([^"]+)"', page)):
        assert target in ids, f"a link to #{target} goes nowhere"
    levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), "a heading level is skipped"
