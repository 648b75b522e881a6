"""bench/run at a tiny scale, so the benchmark harness cannot rot: seed, gunicorn, wrk, results file."""
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = ["Health check", "Home feed", "Space wall", "Profile", "Post with 50 comments", "Directory by skill",
        "Search: rare word", "Search: common word", "Search: phrase", "Search: filtered",
        "Search: people by skill", "Create a post"]


def test_bench_run_writes_every_row(backend, tmp_path):
    if backend == "postgresql":
        from tests.pg import find_bin

        if not (find_bin("initdb") and find_bin("pg_ctl")):
            pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found")
    out = tmp_path / "results"
    # The cluster goes where the postgres user can reach it (pytest's folders are private to root).
    pg_dir = Path(tempfile.mkdtemp(prefix="agora-bench-smoke-")) / "pg"
    pg_dir.parent.chmod(0o755)
    # --parallel runs each phase's wrk runs at once: seconds instead of a minute, figures meaningless.
    try:
        result = subprocess.run(
            [str(ROOT / "bench" / "run"), "--backend", backend, "--scale", "tiny", "--workers", "1", "--duration",
             "1", "--connections", "2", "--trials", "1", "--parallel", "--instance", str(tmp_path / "instance"),
             "--pg-dir", str(pg_dir), "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(pg_dir.parent, ignore_errors=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    [markdown] = out.glob(f"*-{backend}-tiny.md")
    text = markdown.read_text()
    for label in ROWS:
        assert f"| {label}" in text, label
    for figure in ("resident memory", "Database size", "Seeding time", "## Machine", "FlaskBB",
                   "CPU steadiness before", "CPU stolen"):
        assert figure in text, figure

    data = json.loads(markdown.with_suffix(".json").read_text())
    assert data["counts"]["users"] == 20 and data["counts"]["posts"] == 200
    searched = not data["rows"]["search_rare"].get("skipped")
    for name, row in data["rows"].items():
        if row.get("skipped"):
            assert name.startswith("search") and not searched
            continue
        assert row["c1"]["requests"] > 0 and row["errors"] == 0, (name, row)
        assert "c32" in row, name
    assert data["memory"] and all(w["VmRSS"] > 0 for w in data["memory"])
    if searched:
        assert data["searchable"] and data["searchable"][0] is not None
        assert "New post searchable after" in text
    # The run deletes the posts it published: the next run measures the same data.
    assert "Removed " in result.stdout and "benchmark posts" in result.stdout
    if backend == "sqlite":
        import sqlite3

        with sqlite3.connect(tmp_path / "instance" / "agora.db") as connection:
            assert connection.execute("SELECT count(*) FROM posts").fetchone()[0] == 200
