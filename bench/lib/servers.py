"""The servers a benchmark run needs: a PostgreSQL cluster kept in the instance folder, and gunicorn."""
from __future__ import annotations

import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_pg_bin(name: str) -> str | None:
    """A PostgreSQL binary from PATH or Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def postgres_folder(instance: Path, chosen: Path | None) -> Path:
    """Where the cluster lives: `chosen`, else inside the instance folder when the postgres user can reach it
    (PostgreSQL refuses to run as root), else a folder named after the instance under /var/tmp."""
    if chosen is not None:
        return chosen
    inside = instance / "postgres"
    if os.geteuid() != 0:
        return inside
    reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(instance)],
                               capture_output=True).returncode == 0
    if reachable:
        return inside
    return Path("/var/tmp") / f"agora-bench-pg-{hashlib.sha1(str(instance).encode()).hexdigest()[:12]}"


class Postgres:
    """A throwaway PostgreSQL server on 127.0.0.1 whose data stays in `folder` (seeding 1M rows takes a while)."""

    def __init__(self, folder: Path):
        self.initdb, self.pg_ctl = find_pg_bin("initdb"), find_pg_bin("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql")
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, timeout: int = 300) -> None:
        cmd = list(args)
        if self.as_root:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}{done.stderr}")

    def start(self) -> str:
        """Start (creating the cluster on first use); returns the database URL."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.folder, "postgres")
            os.chmod(self.folder, 0o700)
        if not (self.data / "PG_VERSION").exists():
            self._run(self.initdb, "-D", str(self.data), "-U", "agora", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        # Durable enough for a benchmark and close to a tuned small server; fsync stays on.
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} "
                "-c shared_buffers=256MB -c effective_cache_size=1GB -c work_mem=16MB "
                "-c maintenance_work_mem=256MB -c max_connections=100 -c synchronous_commit=on")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.folder / "log"), "-w", "-t", "120",
                  "start")
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'agora'").fetchone():
                conn.execute('CREATE DATABASE "agora"')
        return f"postgresql+psycopg://agora@127.0.0.1:{self.port}/agora"

    def dsn(self, name: str = "agora") -> str:
        return f"host=127.0.0.1 port={self.port} user=agora dbname={name}"

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.dsn()) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    def database_size(self) -> int:
        import psycopg

        with psycopg.connect(self.dsn()) as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        except (SystemExit, subprocess.TimeoutExpired):
            pid_file = self.data / "postmaster.pid"
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass


class Gunicorn:
    """`gunicorn -w N app:app` on 127.0.0.1 and a free port, run from the project folder."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> None:
        cmd = [str(VENV_BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
               "--timeout", "120", "app:app"]
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log.open("ab"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        """The worker processes: children of the gunicorn master."""
        if self.process is None:
            return []
        found = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.split("/")[2]))
        return sorted(found)

    def memory(self) -> list[dict]:
        """Resident memory of each worker now (VmRSS) and at its peak (VmHWM), in kB."""
        out = []
        for pid in self.worker_pids():
            values = {}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _, rest = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        values[key] = int(rest.split()[0])
            except OSError:
                continue
            out.append({"pid": pid, **values})
        return out

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
