"""`flask jobs worker | status | retry | sweep`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from agora.core.errors import DomainError

jobs_cli = AppGroup("jobs", help="Work that runs later: workers, queue status, retries.")


@jobs_cli.command("worker")
@click.option("--workers", type=int, default=0, help="Threads running tasks (default: [jobs] workers).")
@click.option("--nice", type=click.IntRange(0, 19), default=10, show_default=True,
              help="Lower the worker's CPU priority by this much, so pages stay fast while it works.")
def worker_command(workers, nice):
    """Run a job worker until Ctrl-C or SIGTERM (one or more per host)."""
    import logging
    import os

    from agora.jobs.engine import run_worker

    # Jobs can wait a second; a page cannot. Beside the web server on the same cores, the digest for
    # everyone at full priority tripled the feed's p95 (bench/results/2026-12-07-digest-full.md).
    os.nice(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(current_app._get_current_object(), workers or None)


@jobs_cli.command("status")
def status_command():
    """Queued, scheduled, running and failed jobs."""
    from agora.jobs.engine import broker
    from agora.jobs.services import status

    found = status()
    for label in ("queued", "scheduled", "running", "failed"):
        click.echo(f"{label.capitalize() + ':':<11}{found[label]}")
    try:
        waiting = broker(current_app._get_current_object()).pending_count()
        click.echo(f"{'Broker:':<11}{waiting} waiting for a worker ({current_app.config['AGORA']['jobs']['backend']})")
    except Exception as exc:  # noqa: BLE001 - the status command reports an unreachable broker, never crashes
        click.echo(f"{'Broker:':<11}unreachable ({exc})")
    for job in found["running_jobs"]:
        click.echo(f"running  #{job.id} {job.name} attempt {job.attempts}/{job.max_attempts} on {job.locked_by}")
    for job in found["scheduled_jobs"]:
        click.echo(f"scheduled #{job.id} {job.name} at {job.run_at:%Y-%m-%d %H:%M:%S} UTC "
                   f"(attempt {job.attempts + 1}/{job.max_attempts})")
    for job in found["failed_jobs"]:
        first_line = (job.detail or "").splitlines()[0] if job.detail else ""
        click.echo(f"failed   #{job.id} {job.name} after {job.attempts} attempts: {first_line}"
                   f"  (flask jobs retry {job.id})")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
def retry_command(job_id):
    """Queue a failed job again."""
    from agora.jobs.services import retry

    try:
        job = retry(job_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Job #{job.id} ({job.name}) queued again.")


@jobs_cli.command("sweep")
def sweep_command():
    """Take back jobs of dead workers and hand lost ones again now (workers do it every minute)."""
    from agora.jobs.services import sweep

    found = sweep()
    click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in found.items()))
