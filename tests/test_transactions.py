"""How requests end their transaction: read-only ones COMMIT (PostgreSQL keeps its prepared statements),
any that wrote without committing are rolled back, so a service refusing halfway leaves nothing behind.

These use a second app without the fixture's long-lived context, so each request tears its context down.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from agora.extensions import db
from tests.conftest import PASSWORD


def server_in_transaction() -> bool:
    """Whether the database server holds a transaction open for this request's connection."""
    raw = db.session.connection().connection.dbapi_connection
    if hasattr(raw, "in_transaction"):  # sqlite3
        return raw.in_transaction
    from psycopg.pq import TransactionStatus

    return raw.info.transaction_status != TransactionStatus.IDLE


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

    @other.get("/_test/read-then-write")
    def read_then_write():
        db.session.scalar(select(func.count()).select_from(Department))
        seen = [server_in_transaction()]
        db.session.add(Department(name="Written", slug="written"))
        db.session.flush()
        seen.append(server_in_transaction())
        return seen

    @other.get("/_test/lock")
    def lock():
        db.session.scalars(select(Department).with_for_update()).all()
        return [server_in_transaction()]

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


def test_reads_open_no_transaction_on_the_server_and_the_first_write_does(fresh):
    """Pages that only read cost no BEGIN and COMMIT round trips; a service's writes stay one transaction."""
    from agora.profiles.models import Department

    client, ends = fresh
    assert client.get("/_test/read-then-write").get_json() == [False, True]
    assert ends[-1] == "rollback"  # the view wrote and never committed
    assert db.session.scalar(select(func.count()).select_from(Department).where(Department.slug == "written")) == 0


def test_a_row_lock_opens_the_transaction_it_needs(fresh, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no row locks")
    client, _ends = fresh
    assert client.get("/_test/lock").get_json() == [True]


def test_a_connection_lent_in_autocommit_mode_runs_vacuum_and_comes_back_lazy(fresh, backend):
    if backend != "postgresql":
        pytest.skip("VACUUM outside a transaction is PostgreSQL's")
    client, _ends = fresh
    app = client.application
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM departments")  # refused inside a transaction block
    assert client.get("/_test/read-then-write").get_json() == [False, True]


# --- the rule services follow: one transaction each, committed once, nothing left when refused -----

def test_logging_in_commits_once(fresh, make_user):
    """The session row and the audit line are one transaction: one COMMIT that wrote, not two."""
    from agora.accounts.models import UserSession
    from agora.audit.models import AuditEntry
    from agora.core.transactions import WROTE

    client, _ends = fresh
    ana = make_user("ana@example.com")
    with client.application.app_context():
        engine = db.engine
    wrote = []
    listener = lambda conn: wrote.append(conn.info.get(WROTE))  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        response = client.post("/login", data={"email": ana.email, "password": PASSWORD})
    finally:
        event.remove(engine, "commit", listener)
    assert response.status_code == 302
    assert wrote.count(True) == 1, wrote
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == ana.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.event == "login")) == 1


def test_a_membership_change_reaches_the_policy_in_the_same_request(app, make_user):
    """The per-request SpaceAccess drops itself when memberships or suspensions are written: no hand call."""
    from datetime import timedelta

    from agora.core.policy import can
    from agora.core.time import utcnow
    from agora.core.transactions import transaction
    from agora.spaces import membership
    from agora.spaces.models import Membership, Suspension
    from agora.spaces.services import create_space

    ana = make_user("ana@example.com")
    space = create_space("velo", "Vélo", "", "open")
    with app.test_request_context("/"):
        assert not can(ana, "space.leave", space)  # cached: ana is not a member
        membership.join(ana, space)
        assert can(ana, "space.leave", space)
        assert can(ana, "post.create_on_space", space)
        with transaction():
            db.session.add(Suspension(space_id=space.id, user_id=ana.id, until=utcnow() + timedelta(days=2),
                                      reason="test"))
        assert not can(ana, "post.create_on_space", space)
        membership.leave(ana, space)
        assert not can(ana, "space.leave", space)
        with transaction():
            db.session.add(Membership(space_id=space.id, user_id=ana.id, role="member", source="manual"))
        assert can(ana, "space.leave", space)
        with transaction():  # a bulk statement, as a department move sends
            db.session.execute(db.delete(Membership).where(Membership.user_id == ana.id))
        assert not can(ana, "space.leave", space)


def test_a_refused_service_leaves_nothing_written(app, make_user):
    """create_post flushes the post (and its search outbox row) before an attachment is refused: all goes."""
    from agora.core.errors import ValidationError
    from agora.search.models import SearchOutbox
    from agora.walls.models import Hashtag, Post
    from agora.walls.services import Upload, create_post

    ana, bob = make_user("ana@example.com"), make_user("bob@example.com")

    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))

    before = (count(Post), count(SearchOutbox), count(Hashtag))
    with pytest.raises(ValidationError):
        create_post(ana, person=bob, body="Hello @bob #refused",
                    uploads=[Upload("virus.exe", b"MZ\x90\x00 not allowed", "application/x-msdownload")])
    assert not (db.session.new or db.session.dirty or db.session.deleted)
    assert (count(Post), count(SearchOutbox), count(Hashtag)) == before
    # The session is clean and usable: the next service commits only its own work.
    create_post(ana, person=bob, body="Hello again")
    assert count(Post) == before[0] + 1
