"""Each main page at desktop and phone widths: a screenshot, the CSP header, no CSP violation, and axe-core.

Screenshots go to test-artifacts/screenshots/<page>-<width>.png; a few are committed under
docs/screenshots/ for the README.
"""
from __future__ import annotations

import pytest

from tests.browser import axe
from tests.browser.actions import log_in, switch_language
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.watch import WATCH_SCRIPT, check_csp, events

VIEWER = "mathieu.lambert@agora.example"
HR = "pierre-louis.garnier@agora.example"  # HR moderates every space (conftest.live_server)


def _first_post_with_comments(page) -> str:
    page.goto("/")
    links = page.locator("article.post .post-links a[href*='#comments']")
    for i in range(links.count()):
        if not links.nth(i).inner_text().strip().startswith("0"):
            return links.nth(i).get_attribute("href").split("#")[0]
    return page.locator("article.post .post-meta a[href^='/posts/']").first.get_attribute("href")


def _colleague(page) -> str:
    page.goto("/people?department=direction")
    return page.locator(".people-grid .person-card a").first.get_attribute("href")


def _appeal(page) -> str:
    # The viewer's post hidden by HR in live.DEMO_MODERATION: its decision page offers the appeal form.
    page.goto("/spaces/engineering/moderation")
    return page.locator(".ledger-line h2 a[href^='/moderation/actions/']").first.get_attribute("href")


class As:
    """A page seen by someone other than VIEWER."""

    def __init__(self, email: str, where):
        self.email, self.where = email, where


# name -> the path, or how to find it from a logged-in page, or As(someone, either).
PAGES = {
    "feed": "/",
    "profile": _colleague,
    "directory": "/people",
    "post": _first_post_with_comments,
    "notifications": "/notifications",
    "settings": "/settings",
    "spaces": "/spaces",
    "space": "/spaces/general",
    "search": "/search?q=reunion+equipe",
    "review-queue": As(HR, "/moderation/queue"),
    "moderation-record": "/spaces/engineering/moderation",
    "members": "/spaces/lancement-produit/members",  # the viewer moderates it: requests and role buttons
    "closed-space": "/spaces/ventes",  # the preview and its request form, for a non-member
    "appeal": _appeal,
    "api": "/help/api",  # the API's description, rendered for people
}


DUPLICATE_IDS = """() => {
    const seen = {};
    // (Hidden inputs are out of reach of labels and assistive technology: forms' csrf_token repeats.)
    for (const el of document.querySelectorAll("[id]:not(input[type=hidden])")) seen[el.id] = (seen[el.id] || 0) + 1;
    return Object.keys(seen).filter((id) => seen[id] > 1);
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    return axe.fetch().read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["desktop", "phone"])
def viewer(request, browser, live_server, axe_source):
    """Logged-in English readers at one width (VIEWER, and those of As pages), with the watch and axe
    loaded into every page."""
    size = {"desktop": DESKTOP, "phone": PHONE}[request.param]
    contexts = {}

    def page_of(email):
        if email not in contexts:
            context = browser.new_context(base_url=live_server.url, viewport=size, locale="en-GB",
                                          is_mobile=request.param == "phone", device_scale_factor=1)
            context.set_default_timeout(30000)
            context.add_init_script(WATCH_SCRIPT)
            context.add_init_script(axe_source)
            contexts[email] = context.new_page()
            log_in(contexts[email], email)
            switch_language(contexts[email], "en")
        return contexts[email]

    paths = {}
    for name, where in PAGES.items():
        email, where = (where.email, where.where) if isinstance(where, As) else (VIEWER, where)
        paths[name] = (page_of(email), where if isinstance(where, str) else where(page_of(email)))
    yield request.param, paths
    for page in contexts.values():
        page.context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_main_page(viewer, name, artifacts):
    width, paths = viewer
    page, path = paths[name]
    response = page.goto(path)
    assert response.status == 200, path
    assert check_csp(response.headers.get("content-security-policy")) == []
    page.wait_for_load_state("load")
    page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
    assert events(page) == [], "the page broke its own Content-Security-Policy or ran unexpected script"
    # What a click on <details> reveals (the queue's action forms) is checked too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate(DUPLICATE_IDS) == [], "ids repeat: labels and aria references reach the wrong element"
    assert axe.serious_violations(page) == []
    # Nothing overflows sideways on a phone: the page fits its width.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        "the page is wider than the screen"


def test_login_page_logged_out(browser, live_server, artifacts, axe_source):
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(base_url=live_server.url, viewport=size, locale="fr-FR")
        context.add_init_script(WATCH_SCRIPT)
        context.add_init_script(axe_source)
        page = context.new_page()
        response = page.goto("/login")
        assert check_csp(response.headers.get("content-security-policy")) == []
        assert page.get_attribute("html", "lang") == "fr"
        page.screenshot(path=str(artifacts / f"login-fr-{width}.png"), full_page=True)
        assert events(page) == []
        assert axe.serious_violations(page) == []
        context.close()
