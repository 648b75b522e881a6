"""Load and faults under real gunicorn (3 workers), on SQLite and PostgreSQL.

32 clients read and write for a few seconds: no 5xx, nothing acknowledged is lost, search finds it
all within 2 s. Then the faults: a worker and then the whole server SIGKILLed mid-run, the search
index deleted or corrupted while serving, and (PostgreSQL) the database stopped and started again.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
from contextlib import contextmanager

import pytest

from tests.load.conftest import CLIENTS, SECONDS
from tests.load.harness import (
    RUN_WORD,
    Client,
    eventually,
    lost_writes,
    missing_from_search,
    run_load,
    searchable,
    start_load,
)

SEARCH_DEADLINE = 2.0  # seconds after the end of the run


def _unexpected(outcome, allow_search_503: bool = False) -> list[str]:
    if not allow_search_503:
        return outcome.errors
    return [e for e in outcome.errors if not (e.startswith("503 ") and "search" in e.split()[1])]


def _workload_posts(server) -> set[int]:
    return {pid for pid, body in server.posts().items() if RUN_WORD in body}


def _outbox_backlog(server) -> str:
    # A drain deletes its outbox rows just after the index commit that searches already see: wait for it.
    return eventually(lambda: server.search_status()["Outbox backlog"], until=lambda backlog: backlog == "0",
                      within=15, every=0.5)


def test_concurrent_clients_read_and_write_and_lose_nothing(load_server):
    server = load_server()
    outcome = run_load(server, SECONDS, CLIENTS)
    assert not outcome.errors, outcome.summary() + "\n" + "\n".join(outcome.errors[:20])
    assert not outcome.dropped, outcome.summary() + "\n" + "\n".join(outcome.dropped[:20])
    assert len(outcome.acked) >= 10, outcome.summary()
    assert not lost_writes(server, outcome)
    missing, when = missing_from_search(server, outcome, within=SEARCH_DEADLINE)
    assert not missing, f"{len(missing)} acknowledged posts not found by search {when:.1f} s after the run"
    assert when <= SEARCH_DEADLINE


def _integrity(server, backend) -> None:
    if backend != "sqlite":
        return
    with sqlite3.connect(server.instance / "agora.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_sigkill_of_a_worker_then_of_the_whole_server_loses_no_acknowledged_write(load_server, backend):
    server = load_server()
    thread, outcome = start_load(server, SECONDS, CLIENTS)
    assert outcome.started.wait(120), outcome.summary()
    time.sleep(SECONDS * 0.3)
    killed = server.kill_worker()
    time.sleep(SECONDS * 0.3)
    # The master reaps the killed worker when it gets to it: a busy machine makes that late.
    assert eventually(lambda: killed not in server.worker_pids(), within=30), f"worker {killed} never reaped"
    server.kill_all()  # mid-run: clients now see refused connections
    outcome.stop.set()
    thread.join(timeout=SECONDS + 120)
    assert not outcome.errors, outcome.summary() + "\n" + "\n".join(outcome.errors[:20])
    assert len(outcome.acked) >= 5, outcome.summary()

    server.restart()
    _integrity(server, backend)
    assert not lost_writes(server, outcome), outcome.summary()
    # One search drains what the killed processes left in the outbox; then the index agrees with the database.
    missing, _ = missing_from_search(server, outcome, within=10)
    assert not missing
    assert _outbox_backlog(server) == "0"
    assert set(searchable(server)) == _workload_posts(server)
    # And the restarted server takes traffic as before.
    after = run_load(server, 1, 4, seed=2)
    assert not after.errors and not after.dropped and after.acked, after.summary()


@contextmanager
def _rebuild_held(server):
    """Hold the index's rebuild lock, as a `flask search rebuild` running elsewhere would."""
    root = server.instance / "search-index"
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / "rebuild.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield root
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _damage(root, how: str) -> None:
    for path in root.iterdir():
        if path.name == "rebuild.lock":
            continue
        if how == "deleted":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        elif path.is_dir():
            for file in path.iterdir():
                file.write_bytes(b"\x00garbage" * 64)


@pytest.mark.parametrize("how", ["deleted", "corrupted"])
def test_a_deleted_or_corrupted_index_keeps_pages_up_and_is_rebuilt(load_server, how):
    server = load_server(people=8)
    before = run_load(server, 1.5, 8)
    assert before.acked and not before.errors, before.summary()
    admin = Client(server.port, server.seeded["admin"]["token"])
    person = Client(server.port)
    person.login(server.seeded["people"][0]["email"])
    with _rebuild_held(server) as root:
        _damage(root, how)
        during = run_load(server, 2, 8, seed=3)
        status, headers, body = admin.api("GET", f"/api/v1/search?q={RUN_WORD}")
        assert status == 503 and headers["Retry-After"], (status, body[:300])
        assert json.loads(body)["error"]["code"] == "search_unavailable"
        status, _, page = person.get(f"/search?q={RUN_WORD}")
        assert status == 503 and b"being rebuilt" in page
        for path in ("/", "/spaces/square", "/people", "/notifications"):
            assert person.get(path)[0] == 200, path
    # Pages kept answering, writes kept being acknowledged; only search said it was being rebuilt.
    assert not _unexpected(during, allow_search_503=True), during.summary() + "\n" + "\n".join(during.errors[:20])
    assert during.acked and not during.dropped, during.summary()
    assert "Indexed" in server.flask("search", "rebuild")
    assert set(searchable(server)) == _workload_posts(server)
    assert _outbox_backlog(server) == "0"


@pytest.mark.postgres_only
def test_postgresql_outage_answers_503_and_recovers_by_itself(load_server, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    from tests.pg import PostgresServer

    pg = PostgresServer()
    if not pg.available:
        pytest.skip("PostgreSQL binaries not found")
    pg.start()
    try:
        _outage(load_server(pg=pg, people=8), pg)
    finally:
        pg.stop()


def _pg_ctl(pg, action: str) -> None:
    if action == "stop":
        pg._run(pg.pg_ctl, "-D", str(pg.data), "-m", "fast", "-w", "stop")
        return
    opts = (f"-c listen_addresses=127.0.0.1 -c port={pg.port} -c unix_socket_directories={pg.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    pg._run(pg.pg_ctl, "-D", str(pg.data), "-o", opts, "-l", str(pg.dir / "log"), "-w", "-t", "60", "start")


def _outage(server, pg) -> None:
    person = Client(server.port, server.seeded["people"][0]["token"])
    person.login(server.seeded["people"][0]["email"])
    assert person.get("/")[0] == 200
    thread, outcome = start_load(server, 6, 8)
    assert outcome.started.wait(120), outcome.summary()
    time.sleep(1.5)
    _pg_ctl(pg, "stop")
    try:
        page_status, page_headers, page = person.get("/")
        api_status, api_headers, api = person.api("GET", "/api/v1/feed")
        write = person.api("POST", "/api/v1/spaces/square/posts", {"body": "during the outage"})
    finally:
        time.sleep(1)
        _pg_ctl(pg, "start")
    assert page_status == 503 and page_headers["Content-Type"].startswith("text/html"), (page_status, page[:500])
    assert b"Temporarily unavailable" in page and page_headers["Retry-After"]
    assert api_status == 503 and json.loads(api)["error"]["code"] == "unavailable", (api_status, api[:300])
    assert api_headers["Retry-After"]
    assert write[0] == 503, write[:2]
    thread.join(timeout=120)
    # During the outage: 503s only, never a 500 with a traceback.
    assert not [e for e in outcome.errors if not e.startswith("503 ")], \
        "\n".join(e for e in outcome.errors if not e.startswith("503 "))
    assert b"Traceback" not in page
    # The same workers recover by themselves once PostgreSQL is back.
    status = eventually(lambda: person.get("/")[0], until=lambda status: status == 200, within=15, every=0.2)
    assert status == 200, f"still {status} 15 s after PostgreSQL came back"
    after = run_load(server, 2, 8, seed=4)
    assert not after.errors and not after.dropped and after.acked, after.summary() + "\n".join(after.errors[:10])
    assert not lost_writes(server, outcome)
