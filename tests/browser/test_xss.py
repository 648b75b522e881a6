"""Hundreds of XSS payloads (tests/data/xss-payloads.txt) through every place users write, then
each page that shows them opened in Chromium: no script may run and no dangerous markup may remain.

Pages are first opened with the CSP bypassed, so the test checks the sanitiser and the escaping and
not only the CSP; the final pages are then reopened with the CSP in force, where any violation counts.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser.actions import log_in
from tests.browser.live import LiveServer
from tests.browser.sinks import DECIDER, READER, SINKS, WRITER, View, World
from tests.browser.watch import WATCH_SCRIPT, check_csp, dom_dangers, events

CORPUS = Path(__file__).resolve().parents[1] / "data" / "xss-payloads.txt"
PASSWORD = "correct horse battery"
SETUP = f"""
from agora import create_app
from agora.accounts.services import create_user
app = create_app()
with app.app_context():
    for handle in ("{WRITER}", "{READER}", "{DECIDER}"):
        create_user(handle + "@example.com", handle.title(), "{PASSWORD}")
"""


def load_corpus() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line.strip() and not line.startswith("//#")]


def test_corpus_has_at_least_300_distinct_payloads():
    payloads = load_corpus()
    assert len(payloads) >= 300
    assert len(set(payloads)) == len(payloads)


@pytest.fixture(scope="module")
def xss_server(browser, tmp_path_factory):
    """A server of its own, so the payloads never reach the demo pages other tests photograph."""
    server = LiveServer(tmp_path_factory.mktemp("live-xss"), demo=False, setup_script=SETUP, workers=3,
                        config={"admins": {"emails": [f"{WRITER}@example.com"]},
                                "hr": {"emails": [f"{DECIDER}@example.com"]}, "space_creation": {"enabled": True}})
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(browser, xss_server):
    pages = {}
    for who in (WRITER, READER, DECIDER):
        context = browser.new_context(base_url=xss_server.url, bypass_csp=True, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(30000)
        context.add_init_script(WATCH_SCRIPT)
        pages[who] = context.new_page()
        log_in(pages[who], f"{who}@example.com", PASSWORD)
    world = World(pages)
    world.visited = []
    yield world
    for page in pages.values():
        page.context.close()


def _settle(page):
    # Handlers such as autofocus/onfocus, ontoggle or SVG animations fire just after load.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 20))))")


def inspect(page, path: str) -> list[str]:
    """Open `path` and list what went wrong there: scripts run, dangerous markup, a bad CSP header."""
    response = page.goto(path)
    problems = [f"status {response.status}"] if response.status >= 500 else []
    problems += check_csp(response.headers.get("content-security-policy"))
    _settle(page)
    # An image from another site in a post is the CSP at work (img-src 'self'), not script.
    problems += [e for e in events(page) if not e.startswith("csp: img-src")] + dom_dangers(page)
    if "zz49zz" in page.content():
        problems.append("a template expression was evaluated (zz{{7*7}}zz became zz49zz)")
    return [f"{path}: {p}" for p in problems]


def open_view(world: World, view: View) -> list[str]:
    page = world.pages[view.who]
    problems, path, seen = [], view.path, 0
    while path:
        problems += inspect(page, path)
        world.visited.append(View(view.who, path))
        seen += 1
        following = page.locator("a[rel=next]")
        path = following.first.get_attribute("href") if view.all_pages and following.count() else None
        assert seen < 100, "endless pagination"
    return problems


@pytest.mark.parametrize("sink", list(SINKS))
def test_no_payload_runs_anywhere(world, sink):
    payloads = load_corpus()
    started = time.monotonic()
    problems, world.refused = [], []
    for view in SINKS[sink](world, payloads):
        problems += open_view(world, view)
    assert problems == [], "\n".join(problems[:40])
    refused = [what for _path, what in world.refused]
    # Refusing a payload is fine (it is not stored); refusing most of them would make the test moot.
    assert len(refused) < len(payloads) / 10, refused[:20]
    print(f"{sink}: {len(payloads)} payloads in {time.monotonic() - started:.1f} s")


def test_final_pages_with_the_csp_in_force(browser, xss_server, world):
    """The same pages as users get them (CSP on): no violation report, no script."""
    if not any(v.path.startswith(("/people/", "/posts/", "/notifications", "/settings")) for v in world.visited):
        pytest.skip("the sink tests did not run")
    # Every page once, without the query variants (directory filters, later pages of a list).
    paths = {(v.who, v.path) for v in world.visited if "?" not in v.path}
    problems = []
    for who in (WRITER, READER, DECIDER):
        context = browser.new_context(base_url=xss_server.url, viewport={"width": 1280, "height": 800})
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()
        log_in(page, f"{who}@example.com", PASSWORD)
        for _who, path in sorted(p for p in paths if p[0] == who):
            problems += inspect(page, path)
        context.close()
    assert problems == [], "\n".join(problems[:40])


def test_the_watch_sees_what_would_get_through(browser, xss_server):
    """The detector itself: unsanitised payloads served as a page are all reported."""
    context = browser.new_context(base_url=xss_server.url, bypass_csp=True)
    context.add_init_script(WATCH_SCRIPT)
    page = context.new_page()
    page.route("**/watch-self-test", lambda route: route.fulfill(content_type="text/html", body=(
        '<!doctype html><p>x</p><img src=x onerror=alert(1)><svg onload=__xss(2)></svg>'
        '<script>prompt(3)</script><a href="jav&#x09;ascript:alert(4)">x</a>'
        '<input autofocus onfocus=confirm(5)><div class="content"><math></math></div>')))
    problems = inspect(page, "/watch-self-test")
    context.close()
    text = "\n".join(problems)
    for expected in ("alert: 1", "beacon: 2", "prompt: 3", "confirm: 5", "script URL", "event handler onerror",
                     "script: <script>", "math in user content"):
        assert expected in text, f"{expected!r} not reported in:\n{text}"
