"""xdist scheduling: like `-n 2` (`--dist load`), but each browser test group stays on one worker.

The journeys and page tests share one demo server and one Chromium; the XSS tests have their own
server. Sent to one worker each, they start once per run instead of once per worker (xdist's own
`--dist loadgroup` does not group under pytest 9). Everything else is distributed test by test.
"""
from __future__ import annotations

GROUPS = (("tests/browser/test_xss.py", "browser-xss"), ("tests/browser/", "browser"))


def group_of(nodeid: str) -> str:
    for prefix, group in GROUPS:
        if nodeid.startswith(prefix):
            return group
    return nodeid


def pytest_xdist_make_scheduler(config, log):
    """Used by `pytest -n N` (imported into tests/conftest.py so the xdist controller sees it)."""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return BrowserGroups(config, log)
