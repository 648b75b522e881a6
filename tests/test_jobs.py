"""The job engine: a real worker process SIGKILLed mid-task loses nothing, on SQLite storage and on Redis.

Failures are retried with back-off and then shown as failed; a task whose target vanished ends quietly.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from agora.config import PROJECT_ROOT
from tests.jobs_tasks import declare
from tests.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_url():
    server = RedisServer()
    if not server.binary:
        pytest.skip("redis-server not found (Debian package redis-server): Redis job tests skipped")
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def jobs_app(request, tmp_path):
    """An app on a SQLite database whose jobs go through the embedded queue or Redis, with its config as JSON."""
    from agora import create_app
    from agora.extensions import db

    backend = "sqlite" if request.param == "sqlite" else request.getfixturevalue("redis_url")
    config = {"database": {"url": f"sqlite:///{tmp_path / 'agora.db'}"}, "site": {"secret_key": "test-secret"},
              "jobs": {"backend": backend, "workers": 2}, "INSTANCE_PATH": str(tmp_path / "instance"),
              "AGORA_APPLY_CONFIG_ON_START": False}
    app = create_app(config)
    declare(app, tmp_path / "log")
    with app.app_context():
        db.create_all()
        if backend != "sqlite":
            from agora.jobs.engine import broker
            broker(app).flush()
        yield app, json.dumps(config), tmp_path
        db.session.remove()
        db.engine.dispose()


def _worker(config: str, tmp: Path) -> subprocess.Popen:
    # A worker needs no `flask db` commands: skipping Alembic saves about a second of start-up.
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "AGORA_SERVE_ONLY": "1"}
    return subprocess.Popen([sys.executable, "-m", "tests.jobs_worker", config, str(tmp / "log")], cwd=PROJECT_ROOT,
                            env=env, stdout=open(tmp / "worker.log", "ab"), stderr=subprocess.STDOUT)


def _wait(predicate, timeout: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _lines(tmp: Path) -> list[str]:
    path = tmp / "log"
    return path.read_text().splitlines() if path.exists() else []


def _job(job_id):
    from agora.extensions import db
    from agora.jobs.models import Job

    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_killed_worker_loses_no_task_failures_retry_then_show_and_gone_targets_end_quietly(jobs_app):
    from agora.extensions import db
    from agora.jobs.services import enqueue

    app, config, tmp = jobs_app
    slow = enqueue("test.slow", key="slow-1")
    db.session.commit()
    first = _worker(config, tmp)
    try:
        _wait(lambda: any(line.startswith("start slow") for line in _lines(tmp)), what="the slow task to start")
        assert _job(slow.id).state == "running"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    flaky, gone, later = enqueue("test.flaky"), enqueue("test.gone", post_id=7), enqueue("test.record", text="later")
    db.session.commit()
    (tmp / "release").touch()
    second = _worker(config, tmp)
    try:
        _wait(lambda: all(_job(j.id).state in ("done", "failed") for j in (slow, flaky, gone, later)),
              what="every job to end")
        slow_job, flaky_job, gone_job = _job(slow.id), _job(flaky.id), _job(gone.id)
        # The killed attempt ran again to its end in the new worker.
        assert (slow_job.state, slow_job.attempts) == ("done", 2)
        assert [line for line in _lines(tmp) if "slow" in line][-1] == "done slow"
        assert sum(line.startswith("start slow") for line in _lines(tmp)) == 2
        # Retried with back-off, then visible as failed with the error.
        assert (flaky_job.state, flaky_job.attempts) == ("failed", 3)
        assert "RuntimeError: the server said no" in flaky_job.detail
        assert _lines(tmp).count("start flaky") == 3
        # A vanished target: no retry, no failure.
        assert (gone_job.state, gone_job.attempts) == ("done", 1)
        assert "post 7 was deleted" in gone_job.detail
        assert "done record later" in _lines(tmp)

        status = app.test_cli_runner().invoke(args=["jobs", "status"])
        assert status.exit_code == 0, status.output
        assert "Failed:    1" in status.output
        assert f"#{flaky.id} test.flaky after 3 attempts: RuntimeError: the server said no" in status.output

        retried = app.test_cli_runner().invoke(args=["jobs", "retry", str(flaky.id)])
        assert retried.exit_code == 0, retried.output
        _wait(lambda: _lines(tmp).count("start flaky") == 4, what="the retried job to run")
        refused = app.test_cli_runner().invoke(args=["jobs", "retry", str(slow.id)])
        assert refused.exit_code == 1 and "is done, not failed" in refused.output
    finally:
        second.send_signal(signal.SIGINT)  # Ctrl-C: a graceful stop
        assert second.wait(timeout=15) == 0


@pytest.fixture
def local_app(tmp_path):
    """An in-process app with the test tasks, for what needs no worker."""
    from agora import create_app
    from agora.extensions import db

    app = create_app({"database": {"url": f"sqlite:///{tmp_path / 'agora.db'}"}, "site": {"secret_key": "x"},
                      "INSTANCE_PATH": str(tmp_path / "instance"), "AGORA_APPLY_CONFIG_ON_START": False})
    declare(app, tmp_path / "log")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_lease_that_ran_out_on_another_host_is_taken_back_then_failed_when_attempts_are_spent(local_app):
    from agora.core.time import utcnow
    from agora.extensions import db
    from agora.jobs.services import enqueue, sweep

    job = enqueue("test.slow")
    db.session.commit()
    job.state, job.attempts, job.locked_by, job.lease_until = "running", 1, "elsewhere:1", utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert sweep()["requeued"] == 0  # its lease still runs: another host may be working on it
    assert sweep(now=utcnow() + timedelta(minutes=2))["requeued"] == 1
    assert (_job(job.id).state, _job(job.id).detail) == ("queued", "the worker elsewhere:1 stopped during attempt 1")
    job = _job(job.id)
    job.state, job.attempts, job.locked_by, job.lease_until = "running", 3, "elsewhere:1", utcnow()
    db.session.commit()
    assert sweep(now=utcnow() + timedelta(minutes=1))["failed"] == 1
    assert _job(job.id).state == "failed"


def test_keyed_work_is_queued_once_and_a_rollback_hands_nothing_to_the_broker(local_app):
    from agora.extensions import db
    from agora.jobs.engine import broker
    from agora.jobs.models import Job
    from agora.jobs.services import backoff, enqueue, tasks

    first = enqueue("test.record", key="digest:1:2026-12-07", text="a")
    db.session.commit()
    again = enqueue("test.record", key="digest:1:2026-12-07", text="b")
    db.session.commit()
    assert again.id == first.id and db.session.query(Job).count() == 1
    assert broker(local_app).pending_count() == 1
    enqueue("test.record", text="never")
    db.session.rollback()
    assert db.session.query(Job).count() == 1 and broker(local_app).pending_count() == 1
    with pytest.raises(LookupError):
        enqueue("no.such.task")
    flaky = tasks()["test.flaky"]
    assert [backoff(flaky, n) for n in (1, 2, 3)] == [0.2, 0.8, 3.2]


def test_an_unreachable_broker_never_fails_the_caller_and_the_sweeper_hands_the_job_later(tmp_path):
    from agora import create_app
    from agora.core.time import utcnow
    from agora.extensions import db
    from agora.jobs.services import enqueue, sweep
    from tests.pg import _free_port

    app = create_app({"database": {"url": f"sqlite:///{tmp_path / 'agora.db'}"}, "site": {"secret_key": "x"},
                      "jobs": {"backend": f"redis://127.0.0.1:{_free_port()}/0"},
                      "INSTANCE_PATH": str(tmp_path / "instance"), "AGORA_APPLY_CONFIG_ON_START": False})
    declare(app, tmp_path / "log")
    with app.app_context():
        db.create_all()
        job = enqueue("test.record", text="x")
        db.session.commit()  # the push fails and is logged
        assert _job(job.id).state == "queued"
        assert sweep(now=utcnow() + timedelta(minutes=10))["handed_again"] == 1
        db.engine.dispose()


def test_admins_see_failed_jobs_and_retry_them_from_their_page(app, client, login, make_user):
    from agora.extensions import db
    from agora.jobs.models import Job

    job = Job(name="mail.notification", args="{}", state="failed", attempts=6, max_attempts=6,
              detail="Refused: 451 try later\ntraceback")
    db.session.add(job)
    db.session.commit()
    login(make_user("colleague@example.com"))
    assert client.get("/admin/jobs").status_code == 403
    client.post("/logout")
    login(make_user("admin@example.com", is_admin=True))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "failed: 1" in page and "Refused: 451 try later" in page and "traceback" not in page
    assert client.post(f"/admin/jobs/{job.id}/retry").status_code == 302
    db.session.expire_all()
    assert (db.session.get(Job, job.id).state, db.session.get(Job, job.id).attempts) == ("queued", 0)
