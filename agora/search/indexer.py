"""The indexer: drains the outbox into the index after commits, and rebuilds the index from the database.

Rows leave the outbox only after the index commit that applied them, so a process dying in between
replays them on the next drain. Drains never wait for the index: if another process is writing,
the rows stay for that process, which looks again once it lets go of the index (and, should it
die first, for the next commit, the next search, or `flask search drain`). While a rebuild runs,
drains keep the live index current and mark rows applied instead of deleting them; the rebuild
replays every row into the new index before swapping it in.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from agora.extensions import db
from agora.search.backend import SearchBackend
from agora.search.models import SearchOutbox
from agora.search.sources import registry

log = logging.getLogger(__name__)
BATCH = 500
AFTER_COMMIT_BUDGET = 1.0   # seconds a request spends draining after its own commit, at most
# Below this many documents a missing index is rebuilt on the spot; above, in a background thread.
INLINE_REBUILD_MAX = 2000


class RebuildRunning(Exception):
    """Another process is rebuilding the index."""


def backend(app: Flask) -> SearchBackend:
    return app.extensions["agora.search"]


def drain(app: Flask, *, budget: float | None = None, blocking: bool = False) -> int:
    """Apply waiting outbox rows to the live index; returns how many rows were applied."""
    found = backend(app)
    if found.current_name() is None:
        return 0  # nothing to apply to: the rebuild that creates the index replays the rows
    handled, started = 0, time.monotonic()
    while True:
        applied, finished = _drain_locked(app, found, started, budget, blocking)
        handled += applied
        # A writer that committed while this drain held the lock found it taken and left its rows
        # here: look once more after letting go, or they wait for the next write or search.
        if not finished or (budget is not None and time.monotonic() - started > budget):
            return handled
        with Session(db.engine) as session:
            if not _rows_waiting(session):
                return handled


def _rows_waiting(session) -> bool:
    return session.scalar(select(SearchOutbox.id).where(SearchOutbox.applied.is_(False)).limit(1)) is not None


def _drain_locked(app: Flask, found: SearchBackend, started: float, budget: float | None,
                  blocking: bool) -> tuple[int, bool]:
    """One hold of the write lock: rows applied, and whether it got the lock and emptied the outbox."""
    handled = 0
    reg = registry(app)
    with found.write_lock(blocking) as acquired:
        if not acquired:
            return 0, False
        rebuilding = found.rebuild_running()
        with Session(db.engine) as session:
            while True:
                rows = session.execute(select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
                                       .where(SearchOutbox.applied.is_(False))
                                       .order_by(SearchOutbox.id).limit(BATCH)).all()
                if not rows:
                    return handled, True
                docs = reg.load(session, {(r.doc_type, r.doc_id) for r in rows})
                session.rollback()  # end the read transaction before the (slower) index commit
                if not found.apply(docs):
                    return handled, False
                ids = [r.id for r in rows]
                if rebuilding:
                    session.execute(update(SearchOutbox).where(SearchOutbox.id.in_(ids)).values(applied=True))
                else:
                    session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids)))
                session.commit()
                handled += len(ids)
                if len(rows) < BATCH:
                    return handled, True
                if budget is not None and time.monotonic() - started > budget:
                    return handled, False


def drain_after_commit(app: Flask) -> None:
    """The after-commit drain: after the response when in a request, short, never blocking, never raising."""
    if has_request_context() and app.config.get("SEARCH_DRAIN_AFTER_RESPONSE", True):
        # The author gets the page without waiting for the index commit; the server drains once
        # the response is sent. If it never gets there (killed), the next search or drain replays.
        g.agora_drain_after_response = True
        return
    drain_now(app)


def drain_later(response):
    """The `after_request` half of `drain_after_commit`: drain once `response` is sent."""
    if g.pop("agora_drain_after_response", False):
        app = current_app._get_current_object()

        def drain_in_context():
            with app.app_context():
                drain_now(app)

        response.call_on_close(drain_in_context)
    return response


def drain_now(app: Flask) -> None:
    """Drain for at most AFTER_COMMIT_BUDGET, never raising."""
    try:
        if backend(app).current_name() is None:
            ensure_index(app)
        drain(app, budget=AFTER_COMMIT_BUDGET)
    except Exception:  # search must never break the write that triggered it
        log.exception("search: drain after commit failed; the outbox keeps the rows")


def backlog(session) -> tuple[int, float | None]:
    """Rows waiting, and the age in seconds of the oldest."""
    count, oldest = session.execute(select(func.count(SearchOutbox.id), func.min(SearchOutbox.created_at))
                                    .where(SearchOutbox.applied.is_(False))).one()
    if not count:
        return 0, None
    from agora.core.time import utcnow

    return count, max(0.0, (utcnow() - oldest).total_seconds())


def catch_up(app: Flask) -> None:
    """Drain rows another process left behind (it was busy, or died): one small query when there are none."""
    if _rows_waiting(db.session):
        try:
            drain(app, budget=AFTER_COMMIT_BUDGET)
        except Exception:
            log.exception("search: catch-up drain failed")


def rebuild(app: Flask, progress=None, procs: int = 1, on_total=None) -> int:
    """Build a new index from the database, replay the outbox into it and swap it in; returns documents."""
    found = backend(app)
    reg = registry(app)
    with found.rebuild_lock() as acquired:
        if not acquired:
            raise RebuildRunning()
        with found.write_lock(blocking=True):
            pass  # drains that started before us finish; later ones see the rebuild and keep their rows
        with Session(db.engine) as session:
            total = reg.total(session)
            if on_total is not None:
                on_total(total)
            name = found.build(reg.everything(session), progress=progress, procs=procs)
        with found.write_lock(blocking=True), Session(db.engine) as session:
            replayed: list[int] = []
            last = 0
            while True:
                rows = session.execute(select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
                                       .where(SearchOutbox.id > last).order_by(SearchOutbox.id).limit(BATCH)).all()
                if not rows:
                    break
                found.apply(reg.load(session, {(r.doc_type, r.doc_id) for r in rows}), target=name)
                replayed += [r.id for r in rows]
                last = rows[-1].id
            found.swap(name)
            for start in range(0, len(replayed), BATCH):
                session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(replayed[start:start + BATCH])))
            session.commit()
    return total


def ensure_index(app: Flask) -> None:
    """Start rebuilding a missing or unreadable index: here if small, else in a background thread."""
    found = backend(app)
    if found.rebuild_running():
        return
    limit = app.config.get("SEARCH_INLINE_REBUILD_MAX", INLINE_REBUILD_MAX)
    with Session(db.engine) as session:
        total = registry(app).total(session)
    if total <= limit:
        try:
            rebuild(app)
        except RebuildRunning:
            pass
        return
    if found.rebuild_thread is not None and found.rebuild_thread.is_alive():
        return

    def run():
        with app.app_context():
            try:
                rebuild(app)
            except RebuildRunning:
                pass
            except Exception:
                log.exception("search: background rebuild failed")

    found.rebuild_thread = threading.Thread(target=run, name="search-rebuild", daemon=True)
    found.rebuild_thread.start()
