"""Load tests' tools: a gunicorn server we can kill and restart, HTTP clients, and a bounded mixed workload.

The server reuses the browser tests' LiveServer (instance folder, TOML file, schema) and adds what
fault tests need: seeded people with API tokens, worker pids, SIGKILL of one worker or of the whole
process group, and a restart on the same port and data.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.browser.live import PROJECT_ROOT, PYTHON, LiveServer, to_toml

PASSWORD = "load test password 1"
RUN_WORD = "loadrunword"  # every post written by the workload carries it, so one search lists them all
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# People (one per client, plus an admin who reads everything), two spaces, the search index; tokens to a file.
SEED_SCRIPT = """
import json, os, sys
from agora import create_app
from agora.accounts.services import create_token, create_user
from agora.core.transactions import transaction
from agora.extensions import db
from agora.spaces.models import Membership
from agora.spaces.services import create_space

count, password = int(sys.argv[1]), sys.argv[2]
app = create_app()
with app.app_context():
    db.create_all()  # as the test suite does (migrations are regenerated at the end of a session)
    admin = create_user("loadadmin@example.com", "Load Admin", password, is_admin=True)
    with transaction():
        people = [create_user(f"load{i}@example.com", f"Load Person {i}", None) for i in range(count)]
        for person in people:  # one slow password hash for everyone
            person.password_hash = admin.password_hash
        square = create_space("square", "Town square", "Open to all", visibility="open")
        team = create_space("team", "Team room", "Members only", visibility="closed")
        db.session.add_all([Membership(space_id=team.id, user_id=p.id, role="member") for p in people])
    seeded = {"people": [{"email": p.email, "handle": p.handle, "token": create_token(p, "load")[1]} for p in people],
              "admin": {"email": admin.email, "token": create_token(admin, "load")[1]},
              "spaces": ["square", "team"]}
    with open(os.path.join(os.environ["AGORA_INSTANCE"], "seeded.json"), "w") as out:
        json.dump(seeded, out)
    db.engine.dispose()
"""


def word() -> str:
    """A unique word of letters only (digits would be split off by the search analyser)."""
    return "lw" + uuid.uuid4().hex[:12].translate(str.maketrans("0123456789", "ghijklmnop"))


class LoadServer(LiveServer):
    """LiveServer with seeded people, worker kills and restarts; always killed (process group) at the end."""

    def __init__(self, instance: Path, *, workers: int = 3, people: int = 32, database_url: str = "",
                 config: dict | None = None):
        config = dict(config or {})
        if database_url:
            config["database"] = {"url": database_url}
        super().__init__(instance, workers=workers, config=config, demo=False)
        self.people = people
        self.database_url = database_url or f"sqlite:///{self.instance / 'agora.db'}"
        self.seeded: dict = {}

    def start(self) -> LoadServer:
        """Config file, schema and people in one process, then gunicorn."""
        self.instance.mkdir(parents=True, exist_ok=True)
        (self.instance / "agora.toml").write_text(to_toml(self.config), encoding="utf-8")
        self.run(PYTHON, "-c", SEED_SCRIPT, str(self.people), PASSWORD)
        self.seeded = json.loads((self.instance / "seeded.json").read_text())
        self.restart()
        return self

    def restart(self) -> None:
        """Start gunicorn again on the same port, config and data (no schema step)."""
        args = [PYTHON, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "60", "--graceful-timeout", "5"]
        from gunicorn import config as gconfig
        if any(s.name == "control_socket_disable" for s in gconfig.KNOWN_SETTINGS):
            args.append("--no-control-socket")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args + ["app:app"], cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_up()

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def wait_for_workers(self, count: int, timeout: float = 30) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= count:
                return pids
            time.sleep(0.1)
        raise AssertionError(f"gunicorn has {len(self.worker_pids())} workers, expected {count}")

    def kill_worker(self) -> int:
        pid = self.wait_for_workers(1)[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once (their process group), as a power cut would."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self._reap_group(self.proc.pid)

    @staticmethod
    def _reap_group(pgid: int, timeout: float = 10) -> None:
        # Workers may outlive a killed master for a moment; never leave one serving stale code.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            alive = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _pgid(int(p.name)) == pgid]
            if not alive:
                return
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGKILL to the whole process group (nothing of a test server is worth a graceful stop); idempotent."""
        if self.proc is None:
            return
        self.kill_all()
        self.keep_log()

    # --- checks ------------------------------------------------------------------------------
    def posts(self) -> dict[int, str]:
        """Every post in the database: id -> Markdown source."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return {row.id: row.body_source for row in conn.execute(text("SELECT id, body_source FROM posts"))}
        finally:
            engine.dispose()

    def search_status(self) -> dict[str, str]:
        out = self.flask("search", "status")
        return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None


class Client:
    """One person's HTTP client: cookies for pages, a Bearer token for the API (new connection per request)."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30):
        self.port, self.token, self.timeout = port, token, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = dict(headers or {})
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers, data
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def api(self, method: str, path: str, data: dict | None = None):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        return self.request(method, path, body, headers)

    def form(self, path: str, fields: dict, page: str):
        """Submit a form the way a browser does: read the CSRF token from `page` first."""
        status, _, html = self.get(page)
        found = CSRF_RE.search(html.decode("utf-8", "replace"))
        if status != 200 or not found:
            return status, {}, html
        body = urlencode({**fields, "csrf_token": found.group(1)}).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, email: str, password: str = PASSWORD) -> None:
        status, headers, body = self.form("/login", {"email": email, "password": password}, "/login")
        assert status == 302, f"login of {email} answered {status}: {body[:300]!r}"


@dataclass
class Outcome:
    """What the workload saw: acknowledged posts, server errors, refused connections, request counts."""

    acked: dict[str, int | None] = field(default_factory=dict)   # word -> post id (None for form posts)
    errors: list[str] = field(default_factory=list)              # 5xx answers
    dropped: list[str] = field(default_factory=list)             # connections cut (a killed worker)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: threading.Event = field(default_factory=threading.Event)  # every client logged in, clock running
    stop: threading.Event = field(default_factory=threading.Event)     # end the run early (the server is gone)

    def summary(self) -> str:
        return (f"{self.requests} requests, {len(self.acked)} posts acknowledged, {len(self.errors)} errors, "
                f"{len(self.dropped)} dropped connections")


BROWSERS_EVERY = int(os.environ.get("AGORA_LOAD_BROWSERS_EVERY", "4"))  # 1: every client logs in and browses
PAGES = ("/", "/spaces/square", "/spaces/team", "/people", f"/search?q={RUN_WORD}", "/notifications")


def _one_client(server: LoadServer, person: dict, start: threading.Barrier, clock: dict, outcome: Outcome,
                seed: int) -> None:
    rng = random.Random(seed)
    client = Client(server.port, person["token"])
    browses = seed % BROWSERS_EVERY == 0  # a password check costs a scrypt hash: not every client logs in
    try:
        if browses:
            client.login(person["email"])
    except (OSError, http.client.HTTPException) as exc:
        with outcome.lock:
            outcome.dropped.append(f"login {person['email']}: {exc!r}")
        start.abort()
        return
    try:
        start.wait(timeout=120)  # the bounded time starts when everyone is logged in
    except threading.BrokenBarrierError:
        return
    deadline = clock["deadline"]
    while time.monotonic() < deadline and not outcome.stop.is_set():
        roll = rng.random()
        slug = rng.choice(("square", "team"))
        if not browses:
            roll = 0.35 + roll * 0.55  # API reads and writes only
        try:
            if roll < 0.35:
                path = rng.choice(PAGES + (f"/people/{person['handle']}",))
                status, _, body = client.get(path)
                acked = None
            elif roll < 0.5:
                path = rng.choice(("/api/v1/feed", f"/api/v1/search?q={RUN_WORD}", "/api/v1/spaces/square"))
                status, _, body = client.api("GET", path)
                acked = None
            elif roll < 0.9:
                path, w = f"/api/v1/spaces/{slug}/posts", word()
                status, _, body = client.api("POST", path, {"body": f"{RUN_WORD} {w} from {person['handle']}"})
                acked = (w, json.loads(body)["id"]) if status == 201 else None
            else:
                path, w = f"/spaces/{slug}/wall", word()
                status, _, body = client.form(path, {"body": f"{RUN_WORD} {w} by form", "kind": "status"},
                                              f"/spaces/{slug}")
                acked = (w, None) if status == 302 else None
        except (OSError, http.client.HTTPException) as exc:
            with outcome.lock:
                outcome.requests += 1
                outcome.dropped.append(f"{path}: {exc!r}")
            time.sleep(0.05)  # a killed worker or server: do not spin
            continue
        with outcome.lock:
            outcome.requests += 1
            if status >= 500:
                outcome.errors.append(f"{status} {path}: {body[:300]!r}")
            if acked is not None:
                outcome.acked[acked[0]] = acked[1]


def run_load(server: LoadServer, seconds: float, clients: int = 32, outcome: Outcome | None = None,
             seed: int = 1) -> Outcome:
    """`clients` threads, one person each, reading and writing until `seconds` have passed."""
    outcome = outcome or Outcome()
    people = server.seeded["people"]
    clock: dict = {}
    def go():
        clock.update(deadline=time.monotonic() + seconds)
        outcome.started.set()

    start = threading.Barrier(clients, action=go)
    threads = [threading.Thread(target=_one_client, args=(server, people[i % len(people)], start, clock, outcome,
                                                          seed * 1000 + i), daemon=True)
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 240)
    return outcome


def start_load(server: LoadServer, seconds: float, clients: int, seed: int = 1):
    """The workload in a background thread: (thread, outcome)."""
    outcome = Outcome()
    thread = threading.Thread(target=run_load, args=(server, seconds, clients, outcome, seed), daemon=True)
    thread.start()
    return thread, outcome


def searchable(server: LoadServer) -> dict[int, str]:
    """Every post the admin's search finds for the workload's word: id -> snippet."""
    admin = Client(server.port, server.seeded["admin"]["token"])
    found, page = {}, 1
    while True:
        status, _, body = admin.api("GET", f"/api/v1/search?q={RUN_WORD}&type=post&order=date&page={page}")
        assert status == 200, f"search answered {status}: {body[:300]!r}"
        data = json.loads(body)
        found.update({r["id"]: r["snippet"] for r in data["results"]})
        if page >= data["pages"]:
            return found
        page += 1


def eventually(probe, *, within: float, until=bool, every: float = 0.1):
    """Call `probe()` until `until(result)` holds or `within` s have passed; the last result.

    For what the server finishes on its own time (a worker reaped, an outbox drained): read once, such
    a check races the server and fails on a busy machine.
    """
    deadline = time.monotonic() + within
    while True:
        result = probe()
        if until(result) or time.monotonic() > deadline:
            return result
        time.sleep(every)


def missing_from_search(server: LoadServer, outcome: Outcome, within: float) -> tuple[set[str], float]:
    """Acknowledged words whose posts search does not find, polling for `within` s; and when it first agreed.

    A round that starts at t and finds everything shows the index held it all at t, however slow
    the paging itself is on a busy machine.
    """
    posts = server.posts()
    ids = {w: next((pid for pid, body in posts.items() if w in body), None) if pid is None else pid
           for w, pid in outcome.acked.items()}
    started = time.monotonic()
    while True:
        round_start = time.monotonic() - started
        found = searchable(server)
        missing = {w for w, pid in ids.items() if pid not in found}
        if not missing or round_start > within:
            return missing, round_start
        time.sleep(0.1)


def lost_writes(server: LoadServer, outcome: Outcome) -> list[str]:
    """Acknowledged posts that are not in the database (by id for the API, by their word for forms)."""
    posts = server.posts()
    lost = []
    for w, pid in outcome.acked.items():
        if pid is not None and (pid not in posts or w not in posts[pid]):
            lost.append(f"post {pid} ({w})")
        elif pid is None and not any(w in body for body in posts.values()):
            lost.append(f"form post {w}")
    return lost
