"""The header on a phone: the navigation folds behind "Menu" (a <details>: no JavaScript needed), so the
feed starts in the first screen; on a wide screen the header is the one row it always was."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in
from tests.browser.conftest import DESKTOP, PHONE

READER = "mathieu.lambert@agora.example"  # moderates a space: his menu has every entry, Review included
MENU = ".site-menu"
SUMMARY = ".site-menu > summary"


def _reader_page(new_context, *, javascript: bool, viewport=PHONE):
    context = new_context(viewport=viewport, is_mobile=viewport == PHONE, locale="en-GB",
                          java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, READER)
    return page


def _menu_expanded(page) -> bool | None:
    """The expanded state Chromium gives assistive technology for the "Menu" disclosure (None: no such node)."""
    cdp = page.context.new_cdp_session(page)
    try:
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("role", {}).get("value") == "DisclosureTriangle" and node.get("name", {}).get("value") == "Menu":
                return {p["name"]: p["value"].get("value") for p in node.get("properties", [])}.get("expanded")
    finally:
        cdp.detach()
    return None


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_phone_the_feed_starts_in_the_first_screen(new_context, artifacts, javascript):
    page = _reader_page(new_context, javascript=javascript)
    page.goto("/")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 120, header  # 260 px when the navigation took three rows
    first_post = page.locator("article.post").first.bounding_box()
    assert first_post["y"] < PHONE["height"], first_post
    # Folded: the links are out of sight and out of the tab order; the search box stays.
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator(".user-menu")).to_be_hidden()
    expect(page.locator("#site-search-q")).to_be_visible()
    expect(page.locator(SUMMARY)).to_be_visible()
    if javascript:
        page.screenshot(path=str(artifacts / "menu-folded-phone.png"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_menu_opens_from_the_keyboard_and_its_links_work(new_context, artifacts, javascript):
    page = _reader_page(new_context, javascript=javascript)
    page.goto("/")
    # Tab from the top of the page: the skip link, the site's name, then "Menu", with a visible focus ring.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('.site-menu > summary:focus-visible')")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert _menu_expanded(page) is False
    page.keyboard.press("Enter")
    expect(page.locator(MENU)).to_have_attribute("open", "")
    assert _menu_expanded(page) is True
    expect(page.locator("nav.main-nav")).to_be_visible()
    for button in (".user-menu button[type=submit]", ".language-switch button"):
        expect(page.locator(button)).to_be_visible()
    # The next Tab reaches the first link of the menu, which sits right below it.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('nav.main-nav') !== null")
    if javascript:
        page.screenshot(path=str(artifacts / "menu-open-phone.png"))

    links = page.locator("nav.main-nav a, .user-menu a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"/", "/people", "/spaces", "/notifications", "/moderation/queue", "/settings"} <= set(hrefs), hrefs
    for href in hrefs:
        page.goto("/search?q=reunion")  # any page: the menu is on every one, folded at first
        expect(page.locator(MENU)).not_to_have_attribute("open", "")
        page.click(SUMMARY)
        with page.expect_navigation() as navigation:
            page.click(f".site-menu a[href='{href}']")
        assert navigation.value.status == 200, href
        assert urlparse(page.url).path == href, (href, page.url)


def test_on_a_wide_screen_the_header_is_one_row_as_before(new_context):
    page = _reader_page(new_context, javascript=True, viewport=DESKTOP)
    page.goto("/")
    expect(page.locator(SUMMARY)).to_be_hidden()
    boxes = [page.locator(selector).bounding_box()
             for selector in (".brand", "nav.main-nav", ".site-search", ".user-menu", ".language-switch")]
    assert all(box is not None for box in boxes), boxes
    # One row, in reading order (which is also the tab order): name, links, search, the person's menu, language.
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes), boxes
    assert page.locator("header.site-header").bounding_box()["height"] < 70
