"""A database that goes away answers a clear 503 with Retry-After (HTML for pages, JSON on the API), not a 500.

The live version (PostgreSQL stopped under gunicorn, then started again) is in tests/load/test_load.py.
"""
from __future__ import annotations

import pytest
from sqlalchemy.exc import InterfaceError, OperationalError


def _gone(*args, **kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def _interface(*args, **kwargs):
    raise InterfaceError("SELECT 1", {}, Exception("connection already closed"))


@pytest.mark.parametrize("failure", [_gone, _interface])
def test_lost_database_answers_503_page_and_json(app, client, make_user, login, monkeypatch, failure):
    from agora.accounts.services import create_token

    ana = make_user("ana@example.com")
    token = create_token(ana, "t")[1]
    login(ana)
    monkeypatch.setattr("agora.feed.services.home_feed", failure)
    monkeypatch.setattr("agora.feed.api.home_feed", failure)

    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert page.mimetype == "text/html" and "Temporarily unavailable" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)

    api = client.get("/api/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "unavailable"

    monkeypatch.undo()  # the database is back: the next request is served normally
    assert client.get("/").status_code == 200


def test_503_page_even_when_the_reader_cannot_be_loaded(app, client, make_user, login, monkeypatch):
    """The database fails while loading the signed-in reader: the language cannot be chosen, still a 503."""
    from agora.extensions import login_manager

    login(make_user("ana@example.com"))
    monkeypatch.setattr(login_manager, "_user_callback", _gone)
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Temporarily unavailable" in page.get_data(as_text=True)
    api = client.get("/api/v1/feed", headers={"Authorization": "Bearer whatever"})
    assert api.status_code in (401, 503)
