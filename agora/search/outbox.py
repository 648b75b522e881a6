"""Session listeners: every flush that touches a watched row writes outbox rows in the same transaction.

The listeners hang on Flask-SQLAlchemy's Session class once per process and look up the current
app's sources when they run. Keys are computed for changed and deleted rows before the flush (so
that a watcher can still read what is about to change, such as a post's comments) and for new rows
after it (once they have ids). After the outermost commit, a short drain is attempted.
"""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert, update

from agora.core.bulk import in_bulk_work
from agora.core.time import utcnow
from agora.search.models import SearchOutbox, SearchState
from agora.search.sources import registry

log = logging.getLogger(__name__)
_installed = False
PENDING, NEW, WRITTEN, DRAIN, SCOPES = ("search.pending", "search.new", "search.written", "search.drain",
                                        "search.scopes")


def install() -> None:
    """Listen to every Flask-SQLAlchemy session (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(FlaskSession, "before_flush", _before_flush)
    event.listen(FlaskSession, "after_flush", _after_flush)
    event.listen(FlaskSession, "after_commit", _after_commit)
    event.listen(FlaskSession, "after_rollback", _forget)
    _installed = True


def _registry():
    if not has_app_context() or "agora.search" not in current_app.extensions:
        return None
    return registry()


def _before_flush(session, flush_context, instances) -> None:
    reg = _registry()
    if reg is None or not reg.watchers:
        return
    pending = session.info.setdefault(PENDING, set())
    for change, objects in (("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            if not reg.watching(obj):
                continue
            if change == "dirty" and not session.is_modified(obj, include_collections=True):
                continue
            keys, scopes = reg.keys_for(session, obj, change)
            pending.update(keys)
            if scopes:
                session.info[SCOPES] = True
    session.info.setdefault(NEW, []).extend(obj for obj in session.new if reg.watching(obj))


def _after_flush(session, flush_context) -> None:
    reg = _registry()
    if reg is None:
        return
    keys = session.info.pop(PENDING, set())
    for obj in session.info.pop(NEW, []):
        found, scopes = reg.keys_for(session, obj, "new")
        keys |= found
        if scopes:
            session.info[SCOPES] = True
    written = session.info.setdefault(WRITTEN, set())
    keys = {key for key in keys if key[1] is not None} - written
    connection = session.connection()
    if keys:
        now = utcnow()
        connection.execute(insert(SearchOutbox.__table__),
                           [{"doc_type": t, "doc_id": i, "created_at": now, "applied": False} for t, i in sorted(keys)])
        written |= keys
        session.info[DRAIN] = True
    if session.info.pop(SCOPES, False):
        bump_scopes(connection)


def bump_scopes(connection) -> None:
    """Move the "scopes" counter, so every process rebuilds its cached space filters."""
    table = SearchState.__table__
    result = connection.execute(update(table).where(table.c.key == "scopes").values(value=table.c.value + 1))
    if result.rowcount:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    statement = upsert(table).values(key="scopes", value=1)
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.key],
                                                       set_={"value": table.c.value + 1}))


def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction still holds the write lock; drain after it commits
    for key in (PENDING, NEW, WRITTEN, SCOPES):
        session.info.pop(key, None)
    if in_bulk_work(session):
        return  # the rows wait in the outbox; bulk work drains them once when it ends ("bulk.done")
    if not session.info.pop(DRAIN, False) or _registry() is None:
        return
    from agora.search.indexer import drain_after_commit

    drain_after_commit(current_app._get_current_object())


def _forget(session) -> None:
    # Rows written inside a rolled-back savepoint are gone: forget them so later flushes write them again.
    session.info.pop(WRITTEN, None)
    if session.in_nested_transaction():
        return  # the outer transaction goes on, and so do its pending keys and the drain after it
    for key in (PENDING, NEW, DRAIN, SCOPES):
        session.info.pop(key, None)
