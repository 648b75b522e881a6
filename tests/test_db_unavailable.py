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


def test_a_connection_closed_by_the_database_does_not_turn_a_served_page_into_a_500(tmp_path, monkeypatch):
    """PostgreSQL restarting between the answer and the end of the request: ROLLBACK fails at teardown."""
    from flask_sqlalchemy.session import Session

    from agora import create_app
    from agora.accounts.services import create_user
    from agora.extensions import db
    from tests.conftest import PASSWORD, _base_config

    # A fresh app without the fixture's long-lived context, so each request tears its context down.
    app = create_app(_base_config(f"sqlite:///{tmp_path / 'agora.db'}", tmp_path / "instance"))
    with app.app_context():
        db.create_all()
        create_user("ana@example.com", "Ana", PASSWORD)
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    assert client.post("/login", data={"email": "ana@example.com", "password": PASSWORD}).status_code == 302

    real_close, armed = Session.close, {"left": 1}

    def close_on_a_dead_connection(self):
        if armed["left"]:
            armed["left"] -= 1
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))
        return real_close(self)

    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    page = client.get("/people")
    assert page.status_code == 200 and armed["left"] == 0
    assert client.get("/people").status_code == 200  # the next request gets a working session
    with app.app_context():
        db.engine.dispose()


def test_sqlite_busy_is_503_but_a_faulty_statement_stays_a_500(app, client, make_user, login, monkeypatch):
    import sqlite3

    login(make_user("ana@example.com"))

    def locked(*args, **kwargs):
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    def faulty(*args, **kwargs):
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: nowhere"))

    monkeypatch.setattr("agora.feed.services.home_feed", locked)
    assert client.get("/").status_code == 503
    monkeypatch.setattr("agora.feed.services.home_feed", faulty)
    assert client.get("/").status_code == 500  # a bug, logged as one, not an outage
