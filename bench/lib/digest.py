"""bench/digest: everyone's digest at once through real job workers and an SMTP sink, while pages are timed.

Uses the instance `bench/run` seeds (bench/data/sqlite-<scale>; seeded here when missing), gives every
person a daily digest (UTC) whose period is the day before the hour after the seed's last comment,
queues them with the digest scan, runs `flask jobs worker` processes until every digest job has ended,
and times the feed and a post page before and meanwhile. Writes bench/results/<date>-digest-<scale>.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import load  # noqa: E402
from servers import ROOT, VENV_BIN, Gunicorn, free_port  # noqa: E402

TARGET_SECONDS = 10 * 60
TARGET_RSS_MB = 200
MAIL = """
[mail]
enabled = true
host = "127.0.0.1"
port = {port}
sender = "Agora <agora@bench.example>"

[jobs]
workers = {threads}
"""
# Everyone: a daily digest looking back one day from the seed's last comment (seeded dates are in the past).
PREPARE = harness.PYTHON_APP + """
from datetime import datetime, timedelta
from sqlalchemy import text
with app.app_context():
    db.session.execute(text("DELETE FROM jobs"))
    db.session.execute(text("DELETE FROM email_settings"))
    last = db.session.scalar(text("SELECT max(created_at) FROM comments"))
    since = (datetime.fromisoformat(last) if isinstance(last, str) else last) - timedelta(days=1)
    db.session.execute(text(
        "INSERT INTO email_settings (user_id, digest_frequency, digest_hour, timezone, skip_if_visited, "
        "last_digest_at, failing_reason) SELECT id, 'daily', 0, 'UTC', :skip, :since, '' FROM users "
        "WHERE active"), {"skip": False, "since": since})
    db.session.commit()
    print(db.session.scalar(text("SELECT count(*) FROM email_settings")))
"""
# The scan runs as if at the hour after the seed's last comment (its slot covers the seed's last day), with
# everyone's digest hour set to that hour, so it finds everyone due.
SCAN = harness.PYTHON_APP + """
import time
from datetime import datetime, timedelta
from sqlalchemy import text
from agora.mail.digest import scan
with app.app_context():
    last = db.session.scalar(text("SELECT max(created_at) FROM comments"))
    last = datetime.fromisoformat(last) if isinstance(last, str) else last
    now = last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1, minutes=5)
    db.session.execute(text("UPDATE email_settings SET digest_hour = :hour"), {"hour": now.hour})
    db.session.commit()
    started = time.perf_counter()
    queued = scan(now)
    print(queued, round(time.perf_counter() - started, 2))
"""


class Sink:
    """An SMTP server that only counts what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.count, self.bytes = 0, 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/digest", description=__doc__)
    parser.add_argument("--scale", choices=tuple(harness.SCALES), default="full")
    parser.add_argument("--instance", type=Path, help="default bench/data/sqlite-<scale> (seeded when empty)")
    parser.add_argument("--processes", type=int, default=2, help="`flask jobs worker` processes (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker ([jobs] workers, default 2)")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of page timing before (default 10)")
    parser.add_argument("--timeout", type=float, default=30 * 60, help="give up after this many seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return parser.parse_args(argv)


def python(env: dict, code: str) -> str:
    done = subprocess.run([str(VENV_BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of `pid` in MB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount, _unit = line.split()
                values[key[:-1]] = int(amount) / 1024
    except FileNotFoundError:
        pass
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


class Pages(threading.Thread):
    """One reader fetching the feed and a post page in turn, recording each latency, until stopped."""

    def __init__(self, client, paths: list[str]):
        super().__init__(daemon=True)
        self.client, self.paths, self.times, self.errors = client, paths, {p: [] for p in paths}, 0
        self.stop_flag = threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            for path in self.paths:
                started = time.perf_counter()
                status, _body = self.client.get(path)
                self.times[path].append((time.perf_counter() - started) * 1000)
                self.errors += status != 200

    def figures(self) -> dict:
        def pct(values, q):
            return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else 0)
        return {p: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95)} for p, v in self.times.items()}


def remaining(db_path: Path) -> dict:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        rows = conn.execute("SELECT state, count(*) FROM jobs WHERE name = 'mail.digest' GROUP BY state").fetchall()
        quiet = conn.execute("SELECT detail, count(*) FROM jobs WHERE name = 'mail.digest' AND state = 'done' "
                             "AND detail != '' GROUP BY detail").fetchall()
    return {"states": dict(rows), "quiet": dict(quiet)}


def main(argv=None) -> Path:
    args = parse_args(argv)
    instance = (args.instance or ROOT / "bench" / "data" / f"sqlite-{args.scale}").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    sink = Sink()
    sink.controller.start()
    config = instance / "agora.toml"
    url = f"sqlite:///{instance / 'agora.db'}"
    config.write_text(harness.CONFIG.format(url=url) + MAIL.format(port=sink.port, threads=args.threads),
                      encoding="utf-8")
    env = {**os.environ, "AGORA_INSTANCE": str(instance), "AGORA_CONFIG": str(config)}
    seed = harness.prepare(argparse.Namespace(scale=args.scale, seed=42, jobs=2, seed_only=True), env, instance)
    manifest = seed["manifest"]
    people = int(python(env, PREPARE))
    server = Gunicorn(env, 2, instance / "gunicorn.log")
    workers: list[subprocess.Popen] = []
    try:
        server.start()
        client = load.Client(server.base)
        client.login(manifest["reader_email"], manifest["password"])
        paths = ["/", f"/posts/{manifest['post_id']}"]
        for path in paths:
            assert client.get(path)[0] == 200, path
        before = Pages(client, paths)
        before.start()
        time.sleep(args.baseline)
        before.stop_flag.set()
        before.join()
        queued, scan_seconds = python(env, SCAN).split()
        print(f"{people:,} people; the scan queued {queued} digests in {scan_seconds} s", flush=True)
        during = Pages(client, paths)
        started = time.perf_counter()
        worker_env = {**env, "AGORA_SERVE_ONLY": "1"}
        log = (instance / "worker.log").open("ab")
        workers = [subprocess.Popen([str(VENV_BIN / "flask"), "--app", "app", "jobs", "worker"], cwd=ROOT,
                                    env=worker_env, stdout=log, stderr=subprocess.STDOUT)
                   for _ in range(args.processes)]
        during.start()
        peak = {w.pid: 0.0 for w in workers}
        while time.perf_counter() - started < args.timeout:
            time.sleep(2)
            for w in workers:
                peak[w.pid] = max(peak[w.pid], rss_mb(w.pid)[1])
            states = remaining(instance / "agora.db")["states"]
            left = states.get("queued", 0) + states.get("running", 0)
            print(f"  {time.perf_counter() - started:6.0f} s: {left} digests left, {sink.count} messages, "
                  f"worker peak RSS {max(peak.values()):.0f} MB", flush=True)
            if left == 0:
                break
        elapsed = time.perf_counter() - started
        during.stop_flag.set()
        during.join()
        final = remaining(instance / "agora.db")
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGINT)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        server.stop()
        sink.controller.stop()
    data = {"date": dt.date.today().isoformat(), "scale": args.scale, "people": people, "queued": int(queued),
            "scan_seconds": float(scan_seconds), "seconds": elapsed, "processes": args.processes,
            "threads": args.threads, "sent": sink.count, "mb_sent": sink.bytes / 1024 / 1024,
            "states": final["states"], "quiet": final["quiet"], "peak_rss_mb": peak,
            "pages_before": before.figures(), "pages_during": during.figures(),
            "page_errors": before.errors + during.errors}
    return write(args.out, data)


def write(out: Path, data: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{data['date']}-digest-{data['scale']}"
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2, default=str))
    rss = max(data["peak_rss_mb"].values())
    ok = lambda good: "**pass**" if good else "**miss**"  # noqa: E731
    lines = [
        f"# Digest benchmark, scale `{data['scale']}` ({data['date']})", "",
        f"{data['people']:,} people with a daily digest due now; {data['processes']} `flask jobs worker` processes "
        f"of {data['threads']} threads, embedded (SQLite) queue, an SMTP server on 127.0.0.1 that counts.", "",
        "| Figure | Value | Target | Result |", "|---|---:|---|---|",
        f"| Scan (queue every due digest) | {data['scan_seconds']:.1f} s | | |",
        f"| All digests built and handed to SMTP | {data['seconds']:.0f} s | ≤ {TARGET_SECONDS // 60} min | "
        f"{ok(data['seconds'] <= TARGET_SECONDS)} |",
        f"| Messages sent | {data['sent']:,} ({data['mb_sent']:.1f} MB) | | |",
        f"| Peak memory per worker (VmHWM) | {rss:.0f} MB | ≤ {TARGET_RSS_MB} MB | {ok(rss <= TARGET_RSS_MB)} |",
        "", f"Job states at the end: {data['states']}; ended quietly: {data['quiet'] or 'none'}.", "",
        "Pages meanwhile (one reader, sequential; ms):", "",
        "| Page | p50 before | p95 before | p50 during | p95 during | Target p95 |", "|---|---:|---:|---:|---:|---|",
    ]
    for path, b in data["pages_before"].items():
        d = data["pages_during"][path]
        lines.append(f"| `{path}` | {b['p50']:.1f} | {b['p95']:.1f} | {d['p50']:.1f} | {d['p95']:.1f} | "
                     f"≤ {harness.report.PAGE_P95_MS} ms: {ok(d['p95'] <= harness.report.PAGE_P95_MS)} |")
    lines += ["", f"Page errors: {data['page_errors']}.", ""]
    path = stem.with_suffix(".md")
    path.write_text("\n".join(lines))
    print(path.read_text())
    return path


if __name__ == "__main__":
    main()
