"""bench/run: seed (once per instance), serve with gunicorn, load with wrk, write bench/results/<date>-<backend>.md."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
import report  # noqa: E402
from servers import ROOT, VENV_BIN, Gunicorn, Postgres, postgres_folder  # noqa: E402

# people, spaces, posts, comments
SCALES = {
    "tiny": (20, 6, 200, 200),
    "small": (200, 20, 1_500, 3_500),
    "medium": (1_000, 60, 15_000, 35_000),
    "full": (10_000, 200, 300_000, 700_000),
}
CONFIG = """# Written by bench/run for this benchmark instance.
[site]
secret_key = "agora-benchmark-only"

[database]
url = "{url}"

[limits]
# The benchmark replays many requests from one address: the rate limits would refuse them.
login = "100000 per minute"
writes = "1000000 per minute"
api = "1000000 per minute"
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", choices=tuple(SCALES), default="full",
                        help="data size: " + "; ".join(f"{k}={v[0]:,} people/{v[2] + v[3]:,} posts+comments"
                                                       for k, v in SCALES.items()))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--instance", type=Path, help="instance folder with the seeded data "
                        "(default bench/data/<backend>-<scale>; seeded when it has none)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="connections for throughput (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads for throughput (default 2)")
    parser.add_argument("--trials", type=int, default=5, help="posts timed until searchable (default 5)")
    parser.add_argument("--seed", type=int, default=42, help="seed for `flask demo seed` (default 42)")
    parser.add_argument("--jobs", type=int, default=2, help="rendering processes while seeding (default 2)")
    parser.add_argument("--rebuild", action="store_true", help="also time a full `flask search rebuild`")
    parser.add_argument("--seed-only", action="store_true",
                        help="seed the database without the search index, then stop (a later run with --rebuild "
                             "builds the index and measures)")
    parser.add_argument("--pg-dir", type=Path, help="PostgreSQL cluster folder (default: <instance>/postgres, "
                        "or /var/tmp/agora-bench-pg-* when the postgres user cannot reach the instance)")
    parser.add_argument("--appendix", type=Path, help="Markdown file appended to the results (e.g. an "
                        "engineering log: what was profiled and changed, before and after)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="results folder")
    parser.add_argument("--parallel", action="store_true",
                        help="smoke test only: run the wrk runs of each phase at once (figures meaningless)")
    return parser.parse_args(argv)


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [str(VENV_BIN / "flask"), "--app", "app", *args]
    result = subprocess.run(cmd, cwd=ROOT, env=env, text=True, stdout=sys.stdout, stderr=sys.stderr)
    if check and result.returncode:
        raise SystemExit(f"`flask {' '.join(args)}` failed with status {result.returncode}")
    return result


def prepare(args, env: dict, instance: Path) -> dict:
    """Seed the instance when it has no seed report yet; returns the seed report."""
    seed_file = instance / "seed-report.json"
    if seed_file.exists():
        # Seeded by an older version: bring the schema up to date (a no-op when it is).
        flask(env, "db", "upgrade")
        return json.loads(seed_file.read_text())
    people, spaces, posts, comments = SCALES[args.scale]
    print(f"Seeding {people:,} people, {posts:,} posts, {comments:,} comments into {instance} …", flush=True)
    # The schema comes from the models (as the tests make it), stamped at the latest migration.
    code = ("from agora import create_app\nfrom agora.extensions import db\napp = create_app()\n"
            "with app.app_context():\n    db.create_all()\n")
    subprocess.run([str(VENV_BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True)
    flask(env, "db", "stamp", "head", check=False)
    flask(env, "demo", "seed", "--people", str(people), "--spaces", str(spaces), "--posts", str(posts),
          "--comments", str(comments), "--seed", str(args.seed), "--jobs", str(args.jobs),
          *(["--no-search"] if args.seed_only else []))
    return json.loads(seed_file.read_text())


PYTHON_APP = "from agora import create_app\nfrom agora.extensions import db\napp = create_app()\n"


def last_post_id(env: dict) -> int:
    """The newest post id: posts above it after the run are the benchmark's own."""
    code = PYTHON_APP + ("from agora.walls.models import Post\nwith app.app_context():\n"
                         "    print(db.session.scalar(db.select(db.func.max(Post.id))) or 0)\n")
    out = subprocess.run([str(VENV_BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1])


def remove_posts_after(env: dict, post_id: int) -> None:
    """Delete the posts the run created (and their index documents), leaving the instance as seeded."""
    code = PYTHON_APP + (
        "from agora.walls.models import Post\nwith app.app_context():\n"
        f"    posts = db.session.scalars(db.select(Post).where(Post.id > {int(post_id)})).all()\n"
        "    for post in posts:\n        db.session.delete(post)\n    db.session.commit()\n"
        "    print(f'Removed {len(posts)} benchmark posts.')\n"
        # PostgreSQL keeps the deleted rows' index entries until a vacuum: without one the next run's
        # reader walks a thousand dead entries at the top of their own posts (SQLite drops them at once).
        "    if db.engine.dialect.name == 'postgresql':\n"
        "        with db.engine.connect().execution_options(isolation_level='AUTOCOMMIT') as connection:\n"
        "            connection.exec_driver_sql('VACUUM ANALYZE posts, post_hashtags, reactions, mentions')\n")
    subprocess.run([str(VENV_BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True)
    flask(env, "search", "drain")


def targets(manifest: dict, search: bool) -> list[dict]:
    """What to measure: (name, label, kind, path), all readable by the benchmark's reader."""
    quote = urllib.parse.quote
    rows = [
        dict(name="healthz", label="Health check", kind="ceiling", path="/healthz"),
        dict(name="feed", label="Home feed", kind="page", path="/"),
        dict(name="wall", label="Space wall", kind="page", path=f"/spaces/{manifest['space_slug']}"),
        dict(name="profile", label="Profile", kind="page", path=f"/people/{manifest['profile_handle']}"),
        dict(name="post", label=f"Post with {manifest['post_comments']} comments", kind="page",
             path=f"/posts/{manifest['post_id']}"),
        dict(name="directory", label="Directory by skill", kind="directory",
             path=f"/people?skill={quote(manifest['skill_slug'])}"),
    ]
    searches = [
        ("search_rare", "Search: rare word", manifest["rare_word"]),
        ("search_common", "Search: common word", manifest["common_word"]),
        ("search_phrase", "Search: phrase", f'"{manifest["phrase"]}"'),
        ("search_filtered", "Search: filtered", f"{manifest['common_word']} space:{manifest['space_slug']}"),
        ("search_people", "Search: people by skill", f"{manifest['skill_name']} type:person"),
    ]
    for name, label, query in searches:
        row = dict(name=name, label=label, kind="search", path=f"/search?q={quote(query)}")
        if not search:
            row["skipped"] = "no search endpoint"
        rows.append(row)
    rows.append(dict(name="create", label="Create a post", kind="create", method="POST",
                     path=f"/people/{manifest['reader_handle']}/wall"))
    for row in rows:
        row.setdefault("method", "GET")
    return rows


WARM_UP = 12  # requests per worker and page before measuring


def check_targets(client: load.Client, rows: list[dict], workers: int) -> None:
    """Every page answers 200 to the reader before wrk hammers it (a login redirect would look fast).

    Each page is then requested by `workers` clients at once, a dozen times each, so that every worker
    is in the state it keeps all day: a worker's first search opens the index (about 0.5 s), and on
    PostgreSQL psycopg prepares a statement on its fifth run on a connection, after which the server
    plans it five more times before settling on a plan. Unwarmed, these landed in the first row's p95.
    """
    for row in rows:
        if row.get("skipped") or row["method"] != "GET":
            continue
        status, page = client.get(row["path"])
        if status != 200 or 'name="password"' in page:
            raise SystemExit(f"{row['label']}: {row['path']} answered {status} to the reader")
        row["bytes"] = len(page.encode())
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda _: client.get(row["path"]), range(WARM_UP * workers)))  # noqa: B023 (called in this iteration)


def measure(args, base: str, client: load.Client, rows: list[dict]) -> None:
    token = urllib.parse.quote(client.csrf_token("/"), safe="")
    cookie = client.cookie_header
    for connections, threads, key in ((1, 1, "c1"), (args.connections, args.threads, "c32")):
        jobs = []
        for row in rows:
            if row.get("skipped"):
                continue
            post = None
            if row["method"] == "POST":
                # Words no measured query looks for: the posts made here must not change later rows.
                post = {"token": token, "path": row["path"], "words": "note+de+suivi+%23bench"}
            cmd, script = load.wrk_command(base + row["path"], connections=connections, threads=threads,
                                           duration=args.duration, cookie=cookie, post=post)
            jobs.append((row["name"], cmd, script, connections))
        print(f"wrk: {len(jobs)} runs of {args.duration} s with {connections} connection(s) …", flush=True)
        probe = load.Client(base)
        for name, result in load.run_wrk(jobs, parallel=args.parallel, between=lambda: load.settle(probe)).items():  # noqa: B023 (called in this iteration)
            row = next(r for r in rows if r["name"] == name)
            row[key] = {k: getattr(result, k) for k in ("requests", "rps", "p50", "p95", "p99", "mean", "errors",
                                                         "bytes_per_request", "steal")}
            row["errors"] = row.get("errors", 0) + result.errors
            print(f"  {row['label']:<32} {key}: p50 {result.p50:7.1f} ms  p95 {result.p95:7.1f} ms  "
                  f"{result.rps:8.1f} req/s  errors {result.errors}  CPU stolen {result.steal}%", flush=True)


def directory_size(path: Path) -> int | None:
    if not path.exists():
        return None
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv=None) -> Path:
    args = parse_args(argv)
    wrk_version = load.ensure_wrk()
    instance = (args.instance or ROOT / "bench" / "data" / f"{args.backend}-{args.scale}").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    pg = Postgres(postgres_folder(instance, args.pg_dir)) if args.backend == "postgresql" else None
    server = None
    try:
        url = pg.start() if pg else f"sqlite:///{instance / 'agora.db'}"
        config = instance / "agora.toml"
        config.write_text(CONFIG.format(url=url), encoding="utf-8")
        env = {**os.environ, "AGORA_INSTANCE": str(instance), "AGORA_CONFIG": str(config)}
        seed = prepare(args, env, instance)
        manifest = seed["manifest"]
        if args.seed_only:
            print(f"Seeded {instance}; measure with: bench/run --backend {args.backend} --instance {instance} --rebuild")
            return instance
        rebuild_seconds = rebuild_date = None
        rebuild_file = instance / "rebuild-report.json"
        if args.rebuild:
            started = time.perf_counter()
            flask(env, "search", "rebuild")
            rebuild_seconds = time.perf_counter() - started
            rebuild_date = dt.date.today().isoformat()
            rebuild_file.write_text(json.dumps({"seconds": rebuild_seconds, "date": rebuild_date}))
        elif rebuild_file.exists():
            # The index this run searches was built by an earlier --rebuild run: report that time.
            earlier = json.loads(rebuild_file.read_text())
            rebuild_seconds, rebuild_date = earlier["seconds"], earlier["date"]

        before_run = last_post_id(env)
        server = Gunicorn(env, args.workers, instance / "gunicorn.log")
        server.start()
        client = load.Client(server.base)
        client.login(manifest["reader_email"], manifest["password"])
        has_search = client.get("/search?q=test")[0] in (200, 503)
        rows = targets(manifest, has_search)
        check_targets(client, rows, args.workers)
        steady_before = report.cpu_steadiness()
        measure(args, server.base, client, rows)
        steady_after = report.cpu_steadiness()
        searchable = None
        if has_search:
            searchable = load.searchable_within(client, f"/people/{manifest['reader_handle']}/wall", args.trials)
        memory = server.memory()
        server.stop()
        remove_posts_after(env, before_run)

        db_bytes = pg.database_size() if pg else sum(
            p.stat().st_size for p in instance.glob("agora.db*") if p.is_file())
        extra = {"wrk": wrk_version, "CPU steadiness before the load": steady_before,
                 "CPU steadiness after the load": steady_after}
        if pg:
            extra["PostgreSQL"] = pg.version()
        date = dt.date.today().isoformat()
        suffix = "" if args.scale == "full" else f"-{args.scale}"
        path = args.out / f"{date}-{args.backend}{suffix}.md"
        data = {
            "date": date, "backend": args.backend, "scale": args.scale, "workers": args.workers,
            "duration": args.duration, "connections": args.connections, "out_dir": str(args.out),
            "counts": seed.get("counts", {}), "seed": seed, "rows": {r["name"]: r for r in rows},
            "memory": memory, "searchable": searchable, "db_bytes": db_bytes,
            "index_bytes": directory_size(instance / "search-index"), "rebuild_seconds": rebuild_seconds,
            "rebuild_date": rebuild_date,
            "appendix": args.appendix.read_text(encoding="utf-8") if args.appendix else None,
            "machine": report.machine(extra),
            "notes": ["wrk shares the 2 cores with the server: throughput figures include its cost.",
                      "The create-post run publishes real posts (sanitised, indexed through the outbox) on the "
                      "reader's wall; they are deleted (and leave the index) when the run ends.",
                      "CPU stolen: the share of the machine's CPU time that the hypervisor gave to other guests "
                      "during the one-connection run (`steal` in /proc/stat). A row with a high share ran on a "
                      "slower machine than its neighbours."]
                     + (["Figures from --parallel runs are meaningless (smoke test)."] if args.parallel else []),
        }
        report.write(path, data)
        print(f"Results: {path}")
        return path
    finally:
        if server is not None:
            server.stop()
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    main()
