"""How requests end their transaction: read-only ones COMMIT (PostgreSQL keeps its prepared statements),
any that wrote without committing are rolled back, so a service refusing halfway leaves nothing behind.

These use a second app without the fixture's long-lived context, so each request tears its context down.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from agora.extensions import db


@pytest.fixture
def fresh(app, tmp_path):
    """An app on the same database whose requests each end their own transaction, plus the ends seen."""
    from agora import create_app
    from agora.profiles.models import Department
    from tests.conftest import _base_config

    other = create_app(_base_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "fresh"))
    ends = []

    @other.get("/_test/read")
    def read():
        return str(db.session.scalar(select(func.count()).select_from(Department)))

    @other.get("/_test/refuse-halfway")
    def refuse_halfway():
        db.session.add(Department(name="Half done", slug="half-done"))
        db.session.flush()  # written inside the transaction, then the service refuses: no commit
        return "refused", 422

    @other.get("/_test/prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    with other.app_context():
        engine = db.engine
    event.listen(engine, "commit", lambda conn: ends.append("commit"))
    event.listen(engine, "rollback", lambda conn: ends.append("rollback"))
    yield other.test_client(), ends
    with other.app_context():
        db.engine.dispose()


def test_a_request_that_wrote_without_committing_leaves_nothing_behind(fresh):
    from agora.profiles.models import Department

    client, ends = fresh
    assert client.get("/_test/refuse-halfway").status_code == 422
    assert ends[-1] == "rollback"
    assert db.session.scalar(select(func.count()).select_from(Department).where(Department.slug == "half-done")) == 0
    assert client.get("/_test/read").get_data(as_text=True) == "0"


def test_a_read_only_request_ends_with_commit(fresh):
    client, ends = fresh
    for _ in range(3):
        assert client.get("/_test/read").status_code == 200
    assert ends[-3:] == ["commit"] * 3


def test_postgresql_keeps_prepared_statements_between_read_requests(fresh, backend):
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    client, _ends = fresh
    for _ in range(8):  # psycopg prepares a statement from its fifth run on a connection
        client.get("/_test/read")
    assert int(client.get("/_test/prepared").get_data(as_text=True)) >= 1
