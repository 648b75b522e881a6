"""Fixtures: every test runs on SQLite and on a real PostgreSQL server started for the run."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import event, text

from tests.openapi_check import install as install_openapi_check
from tests.pg import PostgresServer

PASSWORD = "correct horse battery"


def pytest_addoption(parser):
    parser.addoption("--backend", action="append", choices=["sqlite", "postgresql"],
                     help="run only on these database backends (default: both)")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("backend") or ["sqlite", "postgresql"]
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def pg_server(request):
    """One PostgreSQL server per test process, stopped at the end of the run."""
    server = PostgresServer()
    if not server.available:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: PostgreSQL tests skipped")
    server.start()
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(scope="session")
def postgres(pg_server, tmp_path_factory):
    """The URL of a database on `pg_server` whose schema is created once."""
    server = pg_server
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = server.create_database(f"agora_test_{worker}")
    from agora import create_app
    from agora.extensions import db
    app = create_app(_base_config(url, tmp_path_factory.mktemp("pg-instance")))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def _base_config(db_url: str, instance) -> dict:
    return {
        "database": {"url": db_url},
        "site": {"secret_key": "test-secret"},
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,  # CSRF tests turn it back on through app_config
        "AGORA_APPLY_CONFIG_ON_START": False,
    }


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


@pytest.fixture
def app_config():
    """Extra TOML-shaped config or Flask keys for this test (override in a test module)."""
    return {}


@pytest.fixture
def app(backend, request, tmp_path, app_config):
    """A fresh application and empty database for one test."""
    from agora import create_app
    from agora.extensions import db

    if backend == "postgresql":
        url = request.getfixturevalue("postgres")
    else:
        url = f"sqlite:///{tmp_path / 'agora.db'}"
    application = create_app(_merge(_base_config(url, tmp_path / "instance"), app_config))

    def _fresh_g():
        # Test requests reuse the fixture's app context, so `g` (and Flask-Login's cached user)
        # would leak from one client's request into another's; production gives each request its own.
        from flask import g
        for name in list(vars(g)):
            delattr(g, name)

    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    install_openapi_check(application)  # every /api/v1 answer must match the API's description
    with application.app_context():
        if backend == "sqlite":
            db.create_all()
        yield application
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser-like client over HTTPS, so Secure cookies behave as in production."""
    c = app.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"
    return c


@pytest.fixture
def make_user(app):
    """Create an account with a profile: make_user("ana@example.com", name=..., department=...)."""
    from agora.accounts import services

    def make(email: str, name: str | None = None, password: str = PASSWORD, **profile):
        from agora.extensions import db
        from agora.profiles.models import Department

        user = services.create_user(email, name or email.split("@")[0].title(), password,
                                    is_admin=profile.pop("is_admin", False))
        department = profile.pop("department", None)
        if department:
            dept = db.session.scalar(db.select(Department).where(Department.name == department))
            if dept is None:
                dept = Department(name=department, slug=re.sub(r"[^a-z0-9]+", "-", department.lower()).strip("-"))
                db.session.add(dept)
            user.profile.department = dept
        for key, value in profile.items():
            setattr(user.profile, key, value)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Log `client` in as a user created by make_user (default password)."""

    def do(user_or_email, password: str = PASSWORD, c=None):
        c = c or client
        email = getattr(user_or_email, "email", user_or_email)
        response = c.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return c

    return do


class QueryCounter:
    """Counts SQL statements executed while active."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...; q.count`"""
    from agora.extensions import db

    return lambda: QueryCounter(db.engine)


# With `-n N`, keep each group of browser tests on one worker (one live server each): tests/browser/scheduling.py.
from tests.browser.scheduling import pytest_xdist_make_scheduler  # noqa: E402,F401
