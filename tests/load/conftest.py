"""Load and fault fixtures: real gunicorn servers (3 workers) on SQLite and PostgreSQL, always killed at the end.

Every test in this folder is marked `load` (select with `-m load`, leave out with `-m "not load"`).
The normal suite runs a few seconds of traffic per test; `make test-long` (AGORA_LOAD_LONG=1) runs
minutes with more clients. AGORA_LOAD_SECONDS and AGORA_LOAD_CLIENTS override either.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.load.harness import LoadServer

HERE = Path(__file__).resolve().parent
LONG = os.environ.get("AGORA_LOAD_LONG", "") not in ("", "0")
SECONDS = float(os.environ.get("AGORA_LOAD_SECONDS") or (180 if LONG else 5))
CLIENTS = int(os.environ.get("AGORA_LOAD_CLIENTS") or (64 if LONG else 32))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.load)


@pytest.fixture
def load_server(backend, request, tmp_path):
    """`load_server(pg=None, **options)`: a started LoadServer on this test's backend; stopped (by pid) after it."""
    servers: list[LoadServer] = []
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

    def make(pg=None, **options) -> LoadServer:
        url = ""
        if backend == "postgresql":
            pg = pg or request.getfixturevalue("pg_server")
            url = pg.create_database(f"agora_load_{worker}_{len(servers)}")
        # The folder's name names the log kept in test-artifacts/logs/.
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
        server = LoadServer(tmp_path / f"load-{name}-{len(servers)}", database_url=url, **options)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()
