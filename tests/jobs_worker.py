"""A real job worker for the tests: the app from a config, the test tasks, then `flask jobs worker`'s own loop.

python -m tests.jobs_worker CONFIG_JSON LOG_FILE
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from agora import create_app
from agora.jobs.engine import run_worker
from tests.jobs_tasks import declare

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(json.loads(sys.argv[1]))
    declare(app, Path(sys.argv[2]))
    run_worker(app)
