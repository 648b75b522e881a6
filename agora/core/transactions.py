"""How a request's transaction begins and ends on the database.

Begins: on PostgreSQL, at the first statement that writes or locks, as Python's SQLite driver
already does. psycopg would otherwise send BEGIN before a page's first SELECT, and COMMIT after its
last: two of a page's dozen round trips to the server, for statements that each see the latest
committed data either way (READ COMMITTED). The connection runs in psycopg's autocommit mode, and
BEGIN is sent just before the first write, so a service's writes stay one transaction.

Ends: with COMMIT when it only read, so PostgreSQL keeps its prepared statements.
psycopg prepares a statement once a connection has run it a few times, sparing PostgreSQL the planning
(measured: about 1.9 ms of planning per space wall). But a ROLLBACK makes it forget them all, and
Flask-SQLAlchemy ends every request with one: pages were planned afresh every time. A request that
wrote nothing ends with COMMIT instead, which has the same effect on the data. One that wrote and
did not commit (a service refused halfway) is still rolled back.

Services: each public service that writes is one transaction, `transaction()` or `@transactional`.
The outermost commits once, at its end; a service called inside another joins it (so a space
created with its first moderator is one commit, and no service takes a `commit=` flag); an
exception rolls the whole transaction back before it propagates, so a refused service leaves
nothing written and the page that shows the refusal reads a clean session. A caller that wants to
go on after a failure inside it opens a savepoint (`db.session.begin_nested()`).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import Pool
from sqlalchemy.sql.expression import Select, SelectBase

WROTE = "agora_wrote"
DEPTH = "agora_service_depth"  # on the session's info: how many service transactions are open
LAZY = "agora_lazy_begin"  # on a pooled connection's info: its transactions begin at the first write
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.I)


@event.listens_for(Pool, "connect")
def _lazy_begin_on_postgresql(dbapi_connection, record) -> None:
    if type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.autocommit = True
        record.info[LAZY] = True


@event.listens_for(Pool, "checkout")
def _lazy_again(dbapi_connection, record, proxy) -> None:
    # A connection lent with isolation_level="AUTOCOMMIT" comes back reset to the default mode.
    if record.info.get(LAZY) and not dbapi_connection.autocommit and not _in_transaction(dbapi_connection):
        dbapi_connection.autocommit = True


def _in_transaction(dbapi_connection) -> bool:
    from psycopg.pq import TransactionStatus

    return dbapi_connection.info.transaction_status != TransactionStatus.IDLE


def begin_writing(conn) -> None:
    """Open the database transaction on `conn` (a SQLAlchemy Connection) now, if it is not open yet.

    For writes that bypass SQLAlchemy's execution (psycopg's COPY); statements through it do this alone.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if (conn.info.get(LAZY) and dbapi_connection.autocommit and not _in_transaction(dbapi_connection)
            and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT"):
        dbapi_connection.execute("BEGIN")


@event.listens_for(Engine, "begin")
def _fresh_transaction(conn) -> None:
    conn.info[WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    if not conn.info.get(WROTE) and not _is_read(statement, context):
        conn.info[WROTE] = True
        begin_writing(conn)


def _is_read(statement: str, context) -> bool:
    """Whether `statement` only reads: SELECT, UNION, CTE queries, without a row lock."""
    compiled = getattr(context, "compiled", None)
    if compiled is not None:
        query = compiled.statement
        if isinstance(query, Select) and query._for_update_arg is not None:
            return False
        return isinstance(query, SelectBase)
    # Raw SQL: only a plain SELECT counts as a read; anything else is taken for a write.
    return statement.lstrip()[:7].upper() == "SELECT " and not _LOCKING.search(statement)


def register_transaction_end(app, db) -> None:
    """End read-only request transactions with COMMIT (register after the session's own teardown)."""

    @app.teardown_appcontext
    def commit_what_only_read(exc) -> None:
        session = db.session()
        if (exc is not None or not session.in_transaction() or session.in_nested_transaction()
                or session.new or session.dirty or session.deleted):
            return
        expire = session.expire_on_commit
        try:
            if not session.connection().info.get(WROTE, True):
                # The session is discarded next: expiring every object it loaded (a post page's
                # hundreds) would be wasted work.
                session.expire_on_commit = False
                session.commit()
        except SQLAlchemyError:
            pass  # the connection is gone: the session's teardown discards it
        finally:
            session.expire_on_commit = expire


@contextmanager
def transaction() -> Iterator[None]:
    """One service's writes: committed once when the outermost ends (if it wrote), all rolled back if it raises."""
    from agora.extensions import db

    session = db.session()
    depth = session.info.get(DEPTH, 0)
    session.info[DEPTH] = depth + 1
    try:
        yield
        # A service that only read does not commit: that would expire every object the caller holds.
        if depth == 0 and _wrote(session):
            session.commit()
    except BaseException as exc:
        if depth == 0 and (isinstance(exc, SQLAlchemyError) or _wrote(session)):
            session.rollback()
        raise
    finally:
        session.info[DEPTH] = depth


def _wrote(session) -> bool:
    # Nothing to commit or undo after reads only (a ROLLBACK would cost PostgreSQL its prepared statements).
    if session.new or session.dirty or session.deleted:
        return True
    try:
        return session.in_transaction() and session.connection().info.get(WROTE, True)
    except SQLAlchemyError:  # a failed flush: only a rollback makes the session usable again
        return True


F = TypeVar("F", bound=Callable)


def transactional(service: F) -> F:
    """Run `service` as one transaction (see `transaction()`)."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        with transaction():
            return service(*args, **kwargs)

    return run  # type: ignore[return-value]
