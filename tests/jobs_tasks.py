"""Tasks for the job tests, declared through the "jobs.tasks" hook as a feature would; they write to a log file."""
from __future__ import annotations

import os
import time
from pathlib import Path

from agora.core.hooks import add_hook
from agora.jobs.services import TargetGone, Task


def declare(app, log: Path) -> None:
    """Give `app` the test tasks, each appending a line to `log` ("start slow 4242", "done slow", ...)."""

    def write(line: str) -> None:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def slow():
        write(f"start slow {os.getpid()}")
        # Held until the test creates the release file (at most 30 s), so it can kill the worker meanwhile.
        deadline = time.monotonic() + 30
        while not (log.parent / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        write("done slow")

    def flaky():
        write("start flaky")
        raise RuntimeError("the server said no")

    def gone(post_id):
        write("start gone")
        raise TargetGone(f"post {post_id} was deleted")

    def record(text):
        write(f"done record {text}")

    add_hook(app, "jobs.tasks", lambda: {
        "test.slow": Task(slow, max_attempts=3, timeout=60),
        "test.flaky": Task(flaky, max_attempts=3, retry_delay=0.2),
        "test.gone": Task(gone),
        "test.record": Task(record),
    })
