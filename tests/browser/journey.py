"""The story of two colleagues in one language, as steps a test can ask for.

Each step runs the steps it needs first, once per journey (so a test may be run alone, or on
another xdist worker, and still find the world it expects). The stories of spaces and moderation
are in journey_spaces.py.
"""
from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field

from playwright.sync_api import expect

from tests.browser.actions import flash_text, log_in, png_photo, switch_language, translator


def step(method):
    """Run `method` once per journey and remember what it returned."""
    @functools.wraps(method)
    def run(self):
        if method.__name__ not in self.done:
            self.done[method.__name__] = method(self)
        return self.done[method.__name__]
    return run


@dataclass
class Person:
    email: str
    name: str = ""
    handle: str = ""


@dataclass
class Cast:
    """Who plays the story in a language, and what they look for."""

    lang: str
    author: Person
    colleague_skill: str  # a demo skill; the colleague is the first other person who has it
    new_skill: str        # added by the author to their profile
    token: str            # a word that makes this journey's texts easy to find
    photo_colour: tuple = (30, 110, 200)
    # Spaces and moderation (journey_spaces.py), people of the demo company:
    closed_space: str = ""          # a closed space the author is not in
    closed_moderator: str = ""      # its moderator, who approves the request
    open_space: str = "running-club"  # where the author's post is reported; its moderator decides the appeal
    reporter: str = ""              # a colleague who reports the post
    hr: str = ""                    # an HR person (HR is the "Ressources humaines" department in live_server)
    grant_appeal: bool = True


CASTS = {
    "en": Cast("en", Person("grace.okafor@agora.example"), "Kubernetes", "Chaos engineering", "heliotrope",
               closed_space="lancement-produit", closed_moderator="mathieu.lambert@agora.example",
               reporter="liam.oconnor@agora.example", hr="james.carter@agora.example", grant_appeal=True),
    "fr": Cast("fr", Person("zoe.mercier@agora.example"), "Recrutement", "Cartographie sous-marine",
               "tournesol", (200, 80, 40),
               closed_space="ventes", closed_moderator="julien.moreau@agora.example",
               reporter="lucas.bernard@agora.example", hr="isabelle.pelletier@agora.example", grant_appeal=False),
}


@dataclass
class Journey:
    cast: Cast
    browser: object
    server: object
    done: dict = field(default_factory=dict)
    contexts: dict = field(default_factory=dict)
    signed_in: dict = field(default_factory=dict)
    colleague: Person | None = None
    post_url: str = ""

    def __post_init__(self):
        self.t = translator(self.cast.lang)
        self.lang = self.cast.lang
        self.author = self.cast.author

    def page(self, who: str):
        """The one tab of `who` ("author", "colleague"), each in a browser profile of their own."""
        if who not in self.contexts:
            locale = {"en": "en-GB", "fr": "fr-FR"}[self.lang]
            context = self.browser.new_context(base_url=self.server.url, locale=locale,
                                               viewport={"width": 1280, "height": 800})
            context.set_default_timeout(30000)
            self.contexts[who] = context.new_page()
        return self.contexts[who]

    def page_of(self, who: str, email: str):
        """`who`'s tab, logged in as `email` in the journey's language (once)."""
        page = self.page(who)
        if self.signed_in.get(who) != email:
            log_in(page, email)
            switch_language(page, self.lang)
            self.signed_in[who] = email
        return page

    def close(self):
        for page in self.contexts.values():
            page.context.close()

    # --- steps -----------------------------------------------------------------------------

    @step
    def log_in(self):
        page, t = self.page("author"), self.t
        page.goto("/login")
        # Before logging in the browser's Accept-Language chooses the language.
        assert page.get_attribute("html", "lang") == self.lang
        page.fill("input[name=email]", self.author.email)
        page.fill("input[name=password]", "not the password")
        page.click("main button[type=submit]")
        expect(page.locator("main")).to_contain_text(t("Wrong email or password."))
        log_in(page, self.author.email)
        switch_language(page, self.lang)
        expect(page.locator("nav.main-nav")).to_contain_text(t("People"))
        self.author.name = page.inner_text(".user-menu a >> nth=0").strip()
        self.author.handle = page.get_attribute(".user-menu a >> nth=0", "href").rsplit("/", 1)[-1]
        return page

    @step
    def edit_profile(self):
        page, t = self.log_in(), self.t
        page.click(".user-menu a >> nth=0")
        page.click(f"main a[href='/people/{self.author.handle}/edit']")
        expect(page.locator("h1")).to_have_text(t("Edit my profile"))
        page.set_input_files("input[name=photo]", files=[{
            "name": "me.png", "mimeType": "image/png", "buffer": png_photo(self.cast.photo_colour)}])
        skills = page.input_value("input[name=skills]")
        page.fill("input[name=skills]", f"{skills}, {self.cast.new_skill}" if skills else self.cast.new_skill)
        page.fill("input[name=ask_me_about]", f"{self.cast.token} — {self.cast.new_skill}")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert t("Your profile is saved.") in flash_text(page)
        assert page.url.endswith(f"/people/{self.author.handle}")
        expect(page.locator(".tags")).to_contain_text(self.cast.new_skill)
        expect(page.locator("main")).to_contain_text(self.cast.token)
        photo = page.locator(".profile-summary img.avatar")
        expect(photo).to_have_attribute("src", re.compile(r"^/media/\d+"))
        # The avatar is lazy-loaded, so the page's load event does not wait for it: wait for the image itself
        # (read once, it failed under the suite's parallel load); a broken image still fails, at the timeout.
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
        return page

    @step
    def find_colleague(self) -> Person:
        page, t = self.edit_profile(), self.t
        page.click(f"nav.main-nav >> text={t('People')}")
        page.fill("#skill", self.cast.colleague_skill)
        with page.expect_navigation():
            page.click("main form.filters button[type=submit]")
        assert "skill=" in page.url
        cards = page.locator(".people-grid .person-card a")
        hrefs = [cards.nth(i).get_attribute("href") for i in range(cards.count())]
        others = [h for h in hrefs if h != f"/people/{self.author.handle}"]
        assert others, f"nobody with the skill {self.cast.colleague_skill!r}"
        page.click(f".people-grid a[href='{others[0]}']")
        expect(page.locator(".tags")).to_contain_text(self.cast.colleague_skill)
        self.colleague = Person(email=page.inner_text("a[href^='mailto:']").strip(),
                                name=page.inner_text("h1").strip(), handle=others[0].rsplit("/", 1)[-1])
        return self.colleague

    @step
    def post_with_mention(self) -> str:
        colleague, page, t = self.find_colleague(), self.page("author"), self.t
        page.click(f"a[href='/people/{colleague.handle}/wall']")
        expect(page.locator("h1")).to_have_text(t("Wall of %(name)s", name=colleague.name))
        # French words with accents, for the search story (typed without them).
        text = {"en": "Hello @{h}, could you look at the {w} cluster with me before the réunion d'équipe? #{w}",
                "fr": "Bonjour @{h}, pourrais-tu regarder le dossier {w} avec moi avant la réunion d'équipe ? #{w}"
                }[self.lang]
        page.fill("textarea[name=body]", text.format(h=colleague.handle, w=self.cast.token))
        with page.expect_navigation():
            page.click("main .compose button[type=submit]")
        assert t("Your post is published.") in flash_text(page)
        post = page.locator(f"article.post:has-text('{self.cast.token}')").first
        expect(post.locator(f".content a[href='/people/{colleague.handle}']")).to_have_text(f"@{colleague.handle}")
        expect(post.locator(f".content a[href='/tags/{self.cast.token}']")).to_be_visible()
        self.post_url = post.locator(".post-meta a[href^='/posts/']").first.get_attribute("href")
        return self.post_url

    @step
    def colleague_answers(self):
        post_url = self.post_with_mention()
        page, t, author = self.page_of("colleague", self.colleague.email), self.t, self.author
        expect(page.locator("#notifications-unread")).to_be_visible()
        page.click("a.nav-notifications")
        item = page.locator("li.notification", has_text=self.cast.token).first
        # A mention on one's own wall is told once, as a wall post.
        told = [t("%(name)s mentioned you", name=author.name), t("%(name)s posted on your wall", name=author.name)]
        expect(item).to_contain_text(re.compile("|".join(map(re.escape, told))))
        with page.expect_navigation():
            item.locator("form:not(:has(input[name=next])) button").click()
        assert page.url.split("#")[0].endswith(post_url)
        reply = {"en": "Sure, {w} looks fine to me.", "fr": "Avec plaisir, {w} me paraît bien."}[self.lang]
        page.fill("#comments form.card textarea[name=body]", reply.format(w=self.cast.token))
        with page.expect_navigation():
            page.click("#comments form.card button[type=submit]")
        expect(page.locator("#comments .comment .content")).to_contain_text(reply.format(w=self.cast.token))
        post_id = post_url.rsplit("/", 1)[-1]
        celebrate = page.locator(f"#post-{post_id} form.reactions button[value=celebrate]")
        with page.expect_navigation():
            celebrate.click()
        expect(celebrate).to_have_attribute("aria-pressed", "true")
        expect(celebrate.locator(".count")).to_have_text("1")
        expect(page.locator(".reactors")).to_contain_text(self.colleague.name)
        return page

    @step
    def author_hears_back(self):
        self.colleague_answers()
        page, t = self.page("author"), self.t
        page.goto("/notifications")
        notifications = page.locator("ol.notifications")
        expect(notifications).to_contain_text(t("%(name)s commented on your post", name=self.colleague.name))
        expect(notifications).to_contain_text(t("%(name)s reacted to your post", name=self.colleague.name))
        return page

    @step
    def search_without_accents(self):
        """The colleague types French words without their accents in the header's search box."""
        post_url = self.post_with_mention()
        page = self.colleague_answers()
        query = f"reunion equipe {self.cast.token}"
        # The index is written from an outbox drained after each commit: give it a moment.
        deadline = time.monotonic() + 6
        while True:
            page.fill("#site-search-q", query)
            with page.expect_navigation():
                page.click("header form.site-search button[type=submit]")
            hit = page.locator(f"ol.search-results li:has(a[href='{post_url}'])")
            if hit.count() or time.monotonic() > deadline:
                break
            page.wait_for_timeout(300)
        assert page.url.split("?")[0].endswith("/search")
        expect(hit).to_have_count(1)
        marks = [m.lower() for m in hit.locator("mark").all_inner_texts()]
        # Highlighted as written, accents included ("d'équipe" is one word: elision).
        assert "réunion" in marks and any("équipe" in m for m in marks), marks
        assert page.input_value("#site-search-q") == query  # the box keeps what was typed
        return page
