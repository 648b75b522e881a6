"""What a person does in the browser, step by step, and the interface texts in their language."""
from __future__ import annotations

import io

from babel.support import Translations

from tests.browser.live import PROJECT_ROOT

DEMO_PASSWORD = "agora-demo-2026"


def translator(lang: str):
    """`t("Your profile is saved.")` in `lang`, from the compiled catalogue the server uses too."""
    catalogue = Translations.load(str(PROJECT_ROOT / "agora" / "translations"), [lang], domain="messages")

    def t(message: str, **values) -> str:
        text = catalogue.gettext(message) if lang != "en" else message
        return text % values if values else text

    if lang != "en":
        assert t("Log out") != "Log out", f"no compiled {lang} catalogue: run `make translations`"
    return t


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form; the header's language form has a submit button too, hence `main`."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/login" not in page.url, page.inner_text("main")


def switch_language(page, lang: str) -> None:
    """Use the header's language switch when the page is not already in `lang`."""
    if page.get_attribute("html", "lang") != lang:
        with page.expect_navigation():
            page.click(f".language-switch button[value={lang}]")
    assert page.get_attribute("html", "lang") == lang


def png_photo(colour: tuple[int, int, int], size: int = 240) -> bytes:
    """A small PNG portrait made with Pillow: a disc on a plain background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (240, 240, 235))
    ImageDraw.Draw(image).ellipse((size // 6, size // 6, size * 5 // 6, size * 5 // 6), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def flash_text(page) -> str:
    return page.inner_text(".flashes") if page.query_selector(".flashes") else ""
