"""A real Agora under gunicorn for browser tests: its own instance folder, TOML file and SQLite database."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Builds the schema: through the migrations when they describe the models exactly, else with
# create_all (the migrations are regenerated at the end of a development session and may lag).
SCHEMA_SCRIPT = """
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import MetaData
from agora import create_app
from agora.extensions import db

app = create_app()
with app.app_context():
    how = "migrations"
    try:
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            if compare_metadata(context, db.metadata):
                how = "create_all"
    except Exception as exc:  # a migration that does not run on this database
        how = "create_all"
    if how == "create_all":
        existing = MetaData()
        existing.reflect(db.engine)
        existing.drop_all(db.engine)
        db.create_all()
    db.engine.dispose()
    print("schema:", how)
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_toml(config: dict) -> str:
    """Enough TOML for Agora's config: tables of scalars and lists."""
    lines = []
    for section, keys in config.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in keys.items()]
        lines.append("")
    return "\n".join(lines)


class LiveServer:
    """gunicorn serving `app:app` on 127.0.0.1 with `workers` processes; `stop()` ends it by its pid."""

    def __init__(self, instance: Path, *, workers: int = 2, config: dict | None = None, demo: bool = True,
                 setup_script: str | None = None):
        self.instance = Path(instance)
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.demo = demo
        self.setup_script = setup_script
        self.config = {
            "site": {"secret_key": "live-server-test-secret", "base_url": self.url},
            # The journeys log in many times from one address; limits have tests of their own.
            "limits": {"login": "10000 per minute", "api": "10000 per minute", "writes": "10000 per minute"},
        }
        for section, keys in (config or {}).items():
            self.config[section] = {**self.config.get(section, {}), **keys}
        self.proc: subprocess.Popen | None = None
        self.log_path = self.instance / "server.log"
        self.schema = ""

    @property
    def env(self) -> dict:
        env = dict(os.environ)
        env.update(AGORA_INSTANCE=str(self.instance), AGORA_CONFIG=str(self.instance / "agora.toml"),
                   PYTHONUNBUFFERED="1")
        env.pop("FLASK_APP", None)
        return env

    def run(self, *args: str, timeout: int = 600) -> str:
        """Run a command in the project folder with this server's config; its output, or an error with it."""
        done = subprocess.run(args, cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:4])}… failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                               f"{done.stderr[-4000:]}")
        return done.stdout

    def flask(self, *args: str) -> str:
        return self.run(PYTHON, "-m", "flask", "--app", "app", *args)

    def python(self, script: str) -> str:
        return self.run(PYTHON, "-c", script)

    def start(self) -> LiveServer:
        self.instance.mkdir(parents=True, exist_ok=True)
        (self.instance / "agora.toml").write_text(to_toml(self.config), encoding="utf-8")
        self.schema = self.python(SCHEMA_SCRIPT).strip().splitlines()[-1]
        if self.demo:
            self.flask("demo", "load")
        if self.setup_script:
            self.python(self.setup_script)
        args = [PYTHON, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "60", "--graceful-timeout", "5"]
        from gunicorn import config as gconfig
        if any(s.name == "control_socket_disable" for s in gconfig.KNOWN_SETTINGS):
            # gunicorn >= 24 opens a control socket in $HOME: parallel servers would share it.
            args.append("--no-control-socket")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args + ["app:app"], cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_until_up()
        return self

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the gunicorn master (it stops its workers), SIGKILL to the group if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.keep_log()

    def keep_log(self) -> None:
        """Copy the server's log to test-artifacts/logs/ (temporary folders do not outlive a few runs)."""
        logs = PROJECT_ROOT / "test-artifacts" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        if self.log_path.exists():
            (logs / f"{self.instance.name}.log").write_bytes(self.log_path.read_bytes())


# Run after `flask demo load` by the demo server (conftest.live_server): moderation examples in the
# "engineering" space, so the review queue, a moderation record and an appeal form have something to
# show whatever order the tests run in. Mathieu (test_pages' reader) wrote both posts; HR hid one.
DEMO_MODERATION = """
from sqlalchemy import select
from agora import create_app
from agora.accounts.models import User
from agora.extensions import db
from agora.spaces.models import Space

app = create_app()


def person(email):
    return db.session.scalar(select(User).where(User.email == email + "@agora.example"))


with app.test_request_context():
    from agora.moderation import actions, reports
    from agora.walls.services import create_post

    author, reporter, hr = person("mathieu.lambert"), person("noah.laurent"), person("claire.dubois")
    space = db.session.scalar(select(Space).where(Space.slug == "engineering"))
    hidden = create_post(author, space=space, body="Le planning de la réunion d'équipe est dans le wiki. #planning")
    waiting = create_post(author, space=space, body="Qui vient au déjeuner d'équipe vendredi ? #dejeuner")
    reports.file_report(reporter, "post", hidden.id, "confidential", "Ce planning est confidentiel.")
    reports.file_report(reporter, "post", waiting.id, "spam", "Hors sujet pour cet espace.")
    # Two items in the queue: each carries its own action form (ids must stay unique on the page).
    reports.file_report(reporter, "post", create_post(author, space=space, body="Deploy on Friday at 17:00?").id,
                        "other", "Please do not deploy on Fridays.")
    actions.act(hr, "post", hidden.id, "hide", rule="confidential",
                reason="Informations internes : à partager dans l'espace de l'équipe.")
"""
