"""Bulk work (demo data, imports): per-commit side work is deferred and caught up once at the end."""
from __future__ import annotations

from contextlib import contextmanager

from agora.core.hooks import hooks
from agora.extensions import db

FLAG = "agora.bulk"


@contextmanager
def bulk_work():
    """Within this block, features skip per-commit side work (e.g. search draining); "bulk.done" hooks run after."""
    info = db.session.info
    outer = info.get(FLAG, False)
    info[FLAG] = True
    try:
        yield
    finally:
        info[FLAG] = outer
    if not outer:
        for done in hooks("bulk.done"):
            done()


def in_bulk_work(session) -> bool:
    """True while a bulk_work() block runs on `session`."""
    return bool(session.info.get(FLAG))
