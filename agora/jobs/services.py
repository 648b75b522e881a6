"""Jobs: enqueue in the caller's transaction, claim under a lease, retry with back-off, sweep what a dead worker left.

Huey carries job ids from the web to the workers but does not acknowledge them: a worker killed mid-task
loses the message. So the job row is the truth. A worker claims a queued row atomically (a duplicate
hand-over is harmless), and the sweeper puts a running row whose worker died, or whose lease ran out,
back in the queue (or marks it failed once its attempts are spent), and hands over again queued rows the
broker may have lost.
"""
from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from agora.core.errors import Conflict, NotFound
from agora.core.hooks import hooks
from agora.core.time import utcnow
from agora.core.transactions import transaction, transactional
from agora.extensions import db
from agora.jobs.models import Job

log = logging.getLogger("agora.jobs")
PUSH = "agora_jobs_push"
REPUSH_AFTER = timedelta(minutes=5)  # a queued row not claimed by then may have been lost by the broker
KEEP_DONE = timedelta(days=7)
MAX_DELAY = timedelta(hours=6)


@dataclass(frozen=True)
class Task:
    """What a job name runs: `func(**args)`, tried `max_attempts` times, waiting `retry_delay` x4 between tries."""

    func: Callable[..., None]
    max_attempts: int = 5
    retry_delay: float = 30.0  # seconds before the 2nd attempt; each later wait is 4 times longer
    timeout: float = 300.0  # seconds a worker holds its claim; past it the sweeper takes it back


@dataclass(frozen=True)
class Periodic:
    """Enqueue the job `task` on a cron-like schedule (UTC): `minute` and `hour` as in crontab."""

    task: str
    minute: str = "*"
    hour: str = "*"


class TargetGone(Exception):
    """Raised by a task whose target (a post, a person, a notification) no longer exists: the job ends quietly."""


def tasks(app=None) -> dict[str, Task]:
    """Every job name the features declare through the "jobs.tasks" hook."""
    found: dict[str, Task] = {}
    for declare in hooks("jobs.tasks", app):
        found.update(declare())
    return found


def periodic(app=None) -> list[Periodic]:
    """Every schedule the features declare through the "jobs.periodic" hook."""
    return [entry for declare in hooks("jobs.periodic", app) for entry in declare()]


def worker_id() -> str:
    """This process, as a job's `locked_by` records it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(name: str, key: str | None = None, delay: float = 0, **args) -> Job:
    """Queue `name(**args)` in the caller's transaction; it reaches a worker after the commit.

    With `key`, a job of that key already recorded (queued, running or finished) is returned instead.
    """
    task = tasks().get(name)
    if task is None:
        raise LookupError(f"unknown job {name!r}")
    if key is not None:
        existing = db.session.scalar(select(Job).where(Job.key == key))
        if existing is not None:
            return existing
    now = utcnow()
    values = dict(name=name, key=key, args=json.dumps(args, sort_keys=True), max_attempts=task.max_attempts,
                  run_at=now + timedelta(seconds=delay), pushed_at=now, created_at=now, state="queued", attempts=0,
                  detail="")
    if key is None:
        job = Job(**values)
        db.session.add(job)
        db.session.flush()
    else:
        # The same key may be enqueued meanwhile by another process: the database keeps one.
        insert = (pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(Job)
        inserted = db.session.execute(
            insert.values(**values).on_conflict_do_nothing(index_elements=["key"])).rowcount
        job = db.session.scalar(select(Job).where(Job.key == key))
        if not inserted:
            return job
    db.session.info.setdefault(PUSH, []).append((job.id, delay))
    return job


def run_job(job_id: int, worker: str | None = None) -> str | None:
    """Claim and run one job; returns its new state, or None when it was not ours to run."""
    worker = worker or worker_id()
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    task = tasks().get(job.name)
    now = utcnow()
    lease = timedelta(seconds=task.timeout if task else 60)
    with transaction():  # the claim is committed before the task runs: other workers see it at once
        claimed = db.session.execute(
            update(Job).where(Job.id == job_id, Job.state == "queued", Job.run_at <= now + timedelta(seconds=1))
            .values(state="running", attempts=Job.attempts + 1, locked_by=worker, lease_until=now + lease)
            .execution_options(synchronize_session=False)
        ).rowcount
    if not claimed:
        return None  # claimed elsewhere, a duplicate hand-over, or a retry not due yet
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    if task is None:
        return _finish(job, worker, "failed", f"no task is declared under the name {job.name!r}")
    gone = None
    try:
        with transaction():  # the task's writes, or none of them when it fails
            try:
                task.func(**json.loads(job.args or "{}"))
            except TargetGone as exc:
                gone = exc  # an end, not a failure: what the task wrote stands (an address marked failing)
    except Exception as exc:  # noqa: BLE001 - any failure of a task is recorded and retried, never lost
        log.exception("job %s (%s) failed on attempt %s", job.id, job.name, job.attempts)
        detail = f"{type(exc).__name__}: {exc}"
        if job.attempts >= job.max_attempts:
            return _finish(job, worker, "failed", detail)
        return _requeue(job, worker, backoff(task, job.attempts), detail)
    if gone is not None:
        return _finish(job, worker, "done", f"ended quietly: {gone}" if str(gone) else "ended quietly: target gone")
    return _finish(job, worker, "done", "")


def backoff(task: Task, attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try: retry_delay, then 4x longer each time, at most 6 h."""
    return min(task.retry_delay * 4 ** max(attempts - 1, 0), MAX_DELAY.total_seconds())


@transactional
def _finish(job: Job, worker: str, state: str, detail: str) -> str:
    db.session.execute(
        update(Job).where(Job.id == job.id, Job.state == "running", Job.locked_by == worker)
        .values(state=state, detail=detail[:2000], finished_at=utcnow(), lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return state


@transactional
def _requeue(job: Job, worker: str, delay: float, detail: str) -> str:
    now = utcnow()
    db.session.execute(
        update(Job).where(Job.id == job.id, Job.state == "running", Job.locked_by == worker)
        .values(state="queued", detail=detail[:2000], run_at=now + timedelta(seconds=delay), pushed_at=now,
                locked_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.info.setdefault(PUSH, []).append((job.id, delay))
    return "queued"


@transactional
def sweep(now=None) -> dict[str, int]:
    """Take back what dead workers held, hand over again what the broker may have lost, forget old finished work."""
    now = now or utcnow()
    host = socket.gethostname()
    requeued = failed = 0
    for job in db.session.scalars(select(Job).where(Job.state == "running")).all():
        expired = job.lease_until is not None and job.lease_until < now
        if not (expired or _died_here(job.locked_by, host)):
            continue
        detail = f"the worker {job.locked_by} stopped during attempt {job.attempts}"
        if job.attempts >= job.max_attempts:
            job.state, job.finished_at, failed = "failed", now, failed + 1
        else:
            job.state, job.run_at, job.pushed_at, requeued = "queued", now, now, requeued + 1
            db.session.info.setdefault(PUSH, []).append((job.id, 0))
        job.detail, job.locked_by, job.lease_until = detail, None, None
        log.warning("job %s (%s): %s; %s", job.id, job.name, detail, job.state)
    lost = db.session.scalars(
        select(Job).where(Job.state == "queued", Job.run_at <= now, Job.pushed_at < now - REPUSH_AFTER)
    ).all()
    for job in lost:
        job.pushed_at = now
        db.session.info.setdefault(PUSH, []).append((job.id, 0))
    forgotten = db.session.execute(
        delete(Job).where(Job.state == "done", Job.finished_at < now - KEEP_DONE)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"requeued": requeued, "failed": failed, "handed_again": len(lost), "forgotten": forgotten or 0}


def _died_here(locked_by: str | None, host: str) -> bool:
    # A worker on this host that no longer exists cannot finish: no need to wait for its lease.
    if not locked_by or ":" not in locked_by:
        return False
    where, _, pid = locked_by.rpartition(":")
    if where != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def status(now=None, limit: int = 20) -> dict:
    """Counts of queued, scheduled, running and failed work, with the running and latest failed jobs."""
    now = now or utcnow()
    counts = dict(db.session.execute(
        select(Job.state, func.count()).group_by(Job.state)).all())
    scheduled = db.session.scalar(
        select(func.count()).select_from(Job).where(Job.state == "queued", Job.run_at > now)) or 0
    return {
        "queued": counts.get("queued", 0) - scheduled,
        "scheduled": scheduled,
        "running": counts.get("running", 0),
        "failed": counts.get("failed", 0),
        "done": counts.get("done", 0),
        "running_jobs": db.session.scalars(select(Job).where(Job.state == "running").order_by(Job.id)).all(),
        "failed_jobs": db.session.scalars(
            select(Job).where(Job.state == "failed").order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit)
        ).all(),
        "scheduled_jobs": db.session.scalars(
            select(Job).where(Job.state == "queued", Job.run_at > now).order_by(Job.run_at).limit(limit)).all(),
    }


@transactional
def retry(job_id: int) -> Job:
    """Queue a failed job again with fresh attempts."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    if job.state != "failed":
        raise Conflict(f"job {job_id} is {job.state}, not failed")
    now = utcnow()
    job.state, job.attempts, job.run_at, job.pushed_at, job.finished_at = "queued", 0, now, now, None
    db.session.info.setdefault(PUSH, []).append((job.id, 0))
    return job
