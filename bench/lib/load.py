"""Load generation: a small HTTP client for logins and checks, and wrk driven by a generated Lua script."""
from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """A cookie-keeping HTTP/1.1 client for one person (no redirects followed)."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": self.cookie_header} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), text

    def get(self, path: str) -> tuple[int, str]:
        status, _headers, text = self.request("GET", path)
        return status, text

    def login(self, email: str, password: str) -> None:
        status, page = self.get("/login")
        token = CSRF_RE.search(page)
        form = {"email": email, "password": password}
        if token:
            form["csrf_token"] = token.group(1)
        status, headers, _text = self.request("POST", "/login", form)
        if status != 302 or "/login" in headers.get("location", "/login"):
            raise SystemExit(f"Could not log in as {email} (HTTP {status}).")

    def csrf_token(self, path: str = "/") -> str:
        """A CSRF token from a page's form (the session cookie may change with it)."""
        status, page = self.get(path)
        found = CSRF_RE.search(page)
        if status != 200 or not found:
            raise SystemExit(f"No form with a CSRF token on {path} (HTTP {status}).")
        return found.group(1)

    def create_post(self, wall_path: str, token: str, body: str) -> int:
        """Publish a post through the form; returns its id."""
        status, headers, _text = self.request("POST", wall_path, {"csrf_token": token, "body": body})
        found = re.search(r"/posts/(\d+)", headers.get("location", ""))
        if status != 302 or not found:
            raise SystemExit(f"Creating a post on {wall_path} failed (HTTP {status}).")
        return int(found.group(1))


LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""
LUA_POST = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local body = "csrf_token=%(token)s&body=" .. "Bench+post+" .. tid .. "-" .. n .. "+%(words)s"
  return wrk.format("POST", "%(path)s", nil, body)
end
"""


@dataclass
class WrkResult:
    """One wrk run: latency percentiles in ms, requests per second, errors."""

    connections: int
    requests: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    mean: float = 0.0
    errors: int = 0
    bytes_per_request: float = 0.0
    steal: float | None = None  # % of the machine's CPU time the hypervisor gave to other guests meanwhile
    raw: dict = field(default_factory=dict)


def cpu_times() -> list[int]:
    """The machine's CPU time counters (/proc/stat: user nice system idle iowait irq softirq steal ...)."""
    try:
        with open("/proc/stat") as stat:
            return [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return []


def stolen_percent(before: list[int], after: list[int]) -> float | None:
    """How much of the CPU time between two readings went to other guests of the host (steal)."""
    if len(before) < 8 or len(after) < 8:
        return None
    total = sum(after) - sum(before)
    return round(100 * (after[7] - before[7]) / total, 1) if total > 0 else None


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def ensure_wrk() -> str:
    """wrk from PATH, installed with apt (Debian package `wrk`) when missing."""
    if not wrk_available():
        print("wrk not found: installing the Debian package with apt-get…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"], check=False,
                       env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        if not wrk_available():
            raise SystemExit("wrk is not installed and apt-get could not install it: run `apt-get install wrk`.")
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def wrk_command(url: str, *, connections: int, threads: int, duration: int, cookie: str,
                post: dict | None = None) -> tuple[list[str], Path]:
    """The wrk command line and its Lua script (GET, or a form POST with a fresh body per request)."""
    script = LUA_DONE
    if post is not None:
        script = LUA_POST % post + script
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, prefix="agora-bench-")
    handle.write(script)
    handle.close()
    cmd = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{duration}s",
           "--timeout", "10s", "-s", handle.name, "-H", f"Cookie: {cookie}", url]
    return cmd, Path(handle.name)


def parse_wrk(output: str, connections: int) -> WrkResult:
    found = re.search(r"^WRKJSON (.*)$", output, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no summary:\n{output[-2000:]}")
    raw = json.loads(found.group(1))
    seconds = raw["duration_us"] / 1e6 or 1
    requests = raw["requests"]
    return WrkResult(connections=connections, requests=requests, rps=round(requests / seconds, 1),
                     p50=raw["p50"] / 1000, p95=raw["p95"] / 1000, p99=raw["p99"] / 1000,
                     mean=raw["mean"] / 1000, errors=sum(raw[k] for k in ("connect", "read", "write", "status",
                                                                          "timeout")),
                     bytes_per_request=raw["bytes"] / requests if requests else 0, raw=raw)


def settle(client: Client, quiet_ms: float = 25, timeout: float = 15) -> None:
    """Wait until the server answers /healthz quickly: requests wrk left queued are done, they must not
    slow down the next run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.perf_counter()
        client.get("/healthz")
        if (time.perf_counter() - started) * 1000 < quiet_ms:
            return
        time.sleep(0.2)


def run_wrk(jobs: list[tuple[str, list[str], Path, int]], parallel: bool = False, between=None) -> dict[str, WrkResult]:
    """Run wrk jobs (name, command, script, connections) one after the other, or all at once (smoke only)."""
    results: dict[str, WrkResult] = {}
    groups = [jobs] if parallel else [[job] for job in jobs]
    for group in groups:
        if between is not None:
            between()
        before = cpu_times()
        running = [(name, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
                    script, conns) for name, cmd, script, conns in group]
        for name, process, script, conns in running:
            output, _ = process.communicate()
            script.unlink(missing_ok=True)
            results[name] = parse_wrk(output, conns)
        stolen = stolen_percent(before, cpu_times())
        for name, *_ in group:
            results[name].steal = stolen
    return results


def searchable_within(client: Client, wall_path: str, trials: int, timeout: float = 10.0) -> list[float]:
    """Seconds from publishing a post to finding it with search, for `trials` posts (None when never found)."""
    times = []
    for trial in range(trials):
        word = "zq" + "".join(chr(ord("a") + (ord(c) % 26)) for c in f"{time.time_ns()}{trial}")[-10:]
        token = client.csrf_token("/")
        started = time.perf_counter()
        post_id = client.create_post(wall_path, token, f"Searchable {word} #bench")
        found = None
        while time.perf_counter() - started < timeout:
            status, page = client.get(f"/search?q={word}")
            if status == 200 and f"/posts/{post_id}" in page:
                found = time.perf_counter() - started
                break
            time.sleep(0.05)
        times.append(found)
    return times
