"""The hand-over to the broker: jobs queued in a transaction reach it after the commit, never after a rollback."""
from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from agora.jobs.services import PUSH


def install() -> None:
    """Hand queued ids to the broker after each commit (idempotent)."""
    if not event.contains(FlaskSession, "after_commit", _after_commit):
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_rollback", _after_rollback)


def _after_commit(session) -> None:
    waiting = session.info.pop(PUSH, None)
    if waiting:
        from agora.jobs.engine import push  # Huey is imported only once there is work for it

        for job_id, delay in waiting:
            push(current_app._get_current_object(), job_id, delay)


def _after_rollback(session) -> None:
    session.info.pop(PUSH, None)
