"""The broker: a Huey instance per app, on a SQLite file of the instance folder or on Redis, and the worker loop."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey, crontab

log = logging.getLogger("agora.jobs")
EXTENSION = "agora.jobs.broker"


def broker(app: Flask):
    """The app's Huey instance, built on first use with the run task and every declared schedule."""
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = _build(app)
    return app.extensions[EXTENSION]


def _build(app: Flask):
    backend = app.config["AGORA"]["jobs"]["backend"]
    # Results are never read: the job row says how a task ended.
    if backend == "sqlite":
        huey = SqliteHuey("agora", filename=str(Path(app.instance_path) / "jobs.db"), results=False)
    else:
        huey = RedisHuey("agora", url=backend, results=False)

    @huey.task(name="agora.run")
    def run(job_id: int) -> None:
        from agora.jobs.services import run_job

        with app.app_context():
            run_job(job_id)

    @huey.periodic_task(crontab(minute="*"), name="agora.sweep")
    def sweep_every_minute() -> None:
        from agora.jobs.services import sweep

        with app.app_context():
            found = sweep()
        if any(found.values()):
            log.info("sweep: %s", found)

    from agora.jobs.services import periodic

    with app.app_context():
        schedules = periodic(app)
    for entry in schedules:
        _schedule(huey, app, entry)
    huey.agora_run = run
    return huey


def _schedule(huey, app: Flask, entry) -> None:
    def enqueue_now() -> None:
        from agora.core.time import utcnow
        from agora.core.transactions import transaction
        from agora.jobs.services import enqueue

        with app.app_context():
            slot = utcnow().strftime("%Y-%m-%dT%H:%M")
            # Keyed by the minute: schedulers on several hosts enqueue it once.
            with transaction():
                enqueue(entry.task, key=f"{entry.task}@{slot}")

    huey.periodic_task(crontab(minute=entry.minute, hour=entry.hour), name=f"schedule:{entry.task}")(enqueue_now)


def push(app: Flask, job_id: int, delay: float = 0) -> None:
    """Hand a job id to the broker; if it is unreachable the row stays queued and the sweeper hands it later."""
    try:
        run = broker(app).agora_run
        if delay > 0:
            run.schedule(args=(job_id,), delay=delay)
        else:
            run(job_id)
    except Exception:  # noqa: BLE001 - the broker being down must never fail the request that queued work
        log.exception("could not hand job %s to the broker; the sweeper will", job_id)


def run_worker(app: Flask, workers: int | None = None) -> None:
    """Run a worker until SIGINT or SIGTERM: claims queued jobs, runs the schedules, sweeps every minute."""
    from agora.jobs.services import sweep

    huey = broker(app)
    with app.app_context():
        found = sweep()  # what a worker of this host left when it died
    log.info("worker starting: %s; sweep %s", app.config["AGORA"]["jobs"]["backend"], found)
    consumer = huey.create_consumer(workers=workers or app.config["AGORA"]["jobs"]["workers"],
                                    worker_type="thread", periodic=True, check_worker_health=True,
                                    initial_delay=0.1, max_delay=1.0)
    consumer.run()
