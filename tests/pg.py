"""A throwaway PostgreSQL server for the test run, on 127.0.0.1 and a temporary data directory."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bin(name: str) -> str | None:
    """A PostgreSQL binary from PATH or Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl start; stopped by `stop()` (pg_ctl, then the postmaster's pid)."""

    def __init__(self):
        self.initdb, self.pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        self.dir = Path(tempfile.mkdtemp(prefix="agora-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    @property
    def available(self) -> bool:
        return bool(self.initdb and self.pg_ctl)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.dir, "postgres")
            os.chmod(self.dir, 0o700)
        self._run(self.initdb, "-D", str(self.data), "-U", "agora", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "-t", "60", "start")
        return f"postgresql+psycopg://agora@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=agora dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://agora@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        pid_file = self.data / "postmaster.pid"
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text().split()[0]), 9)
                except (ProcessLookupError, ValueError):
                    pass
        for _ in range(50):
            if not pid_file.exists():
                break
            time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)
