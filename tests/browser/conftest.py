"""Browser fixtures: a real server under gunicorn, Debian's Chromium driven by Playwright, artifacts.

Every test in this folder is marked `browser` (select with `-m browser`, leave out with
`-m "not browser"`). Under xdist they stay on one worker (tests/browser/scheduling.py), so one demo
server and one browser serve them all; test_xss.py is a group of its own with its own server.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.live import DEMO_MODERATION, PROJECT_ROOT, LiveServer

CHROMIUM = Path(os.environ.get("AGORA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
DEMO_PASSWORD = "agora-demo-2026"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (never a downloaded one)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: browser tests need Debian's chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(browser, tmp_path_factory):
    """Agora with the demo company and a few moderation examples, under gunicorn with 2 workers; stopped at
    the end of the session. HR is the demo's "Ressources humaines" department, moderating every space."""
    server = LiveServer(tmp_path_factory.mktemp("live-demo"), setup_script=DEMO_MODERATION,
                        config={"hr": {"departments": ["Ressources humaines"]}, "space_creation": {"enabled": True}})
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def new_context(browser, live_server):
    """`new_context(**options)`: a fresh browser profile on the live server, closed after the test."""
    opened = []

    def make(server: LiveServer | None = None, **options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=(server or live_server).url, **options)
        context.set_default_timeout(30000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()

