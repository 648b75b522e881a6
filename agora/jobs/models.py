"""The authoritative record of queued work: a job row lives in Agora's database, the broker only carries its id."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.time import utcnow
from agora.extensions import db

STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One piece of work: queued until a worker claims it, running under a lease, then done or failed."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_at", "state", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    args: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    # Work that must happen once per thing (an email per notification, a digest per day) is keyed.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the broker was last handed the id; the sweeper hands it again if that was long ago.
    pushed_at: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(120))  # "host:pid" of the worker running it
    lease_until: Mapped[datetime | None]
    detail: Mapped[str] = mapped_column(Text, default="")  # the last error, or why it ended quietly
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
