"""How a request's transaction ends: with COMMIT when it only read, so PostgreSQL keeps its prepared statements.

psycopg prepares a statement once a connection has run it a few times, sparing PostgreSQL the planning
(measured: about 1.9 ms of planning per space wall). But a ROLLBACK makes it forget them all, and
Flask-SQLAlchemy ends every request with one: pages were planned afresh every time. A request that
wrote nothing ends with COMMIT instead, which has the same effect on the data. One that wrote and
did not commit (a service refused halfway) is still rolled back.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import SelectBase

WROTE = "agora_wrote"


@event.listens_for(Engine, "begin")
def _fresh_transaction(conn) -> None:
    conn.info[WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    if not conn.info.get(WROTE) and not _is_read(statement, context):
        conn.info[WROTE] = True


def _is_read(statement: str, context) -> bool:
    compiled = getattr(context, "compiled", None)
    if compiled is not None:
        return isinstance(compiled.statement, SelectBase)  # SELECT, UNION, CTE queries
    # Raw SQL: only a plain SELECT counts as a read; anything else is taken for a write.
    return statement.lstrip()[:7].upper() == "SELECT "


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
