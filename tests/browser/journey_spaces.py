"""The journey, continued: joining a closed space, and a post reported, hidden, appealed and decided in the open.

Same design as journey.py: each step runs the steps it needs first, once per journey. The people
are the demo company's (see the casts in journey.py); the server's HR is its "Ressources humaines"
department (conftest.live_server).
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.actions import flash_text
from tests.browser.journey import Journey, Person, step


def _space_name(page) -> str:
    # The page title is "<space name> · <site name>"; space names may contain " · " themselves.
    return page.title().rsplit(" · ", 1)[0]


def _open_notification(page, text: str) -> None:
    """Follow the first notification that says `text` (its main button marks it read and opens it)."""
    page.goto("/notifications")
    item = page.locator("li.notification", has_text=text).first
    expect(item).to_be_visible()
    with page.expect_navigation():
        item.locator("form:not(:has(input[name=next])) button").click()


def _person_from_profile(page, href: str) -> Person:
    page.goto(href)
    return Person(email=page.inner_text("a[href^='mailto:']").strip(), name=page.inner_text("h1").strip(),
                  handle=href.rsplit("/", 1)[-1])


class SpacesJourney(Journey):
    """Journey with the stories of spaces and moderation."""

    # --- a closed space ---------------------------------------------------------------------

    @step
    def ask_to_join_closed_space(self) -> str:
        page, t, slug = self.log_in(), self.t, self.cast.closed_space
        page.click(f"nav.main-nav >> text={t('Spaces')}")
        page.click(f"main a[href='/spaces/{slug}']")
        # The click returns before the space's page loads: wait for it, or the title read is the list's.
        expect(page).to_have_url(re.compile(rf"/spaces/{re.escape(slug)}$"))
        expect(page.locator("main .notice")).to_have_text(t("This space is closed: only its members read its wall."))
        name = _space_name(page)
        expect(page.locator("main article.post")).to_have_count(0)
        message = {"en": "Hello, I work on the {w} launch; may I join?",
                   "fr": "Bonjour, je travaille sur le dossier {w} ; puis-je rejoindre l'espace ?"}[self.lang]
        message = message.format(w=self.cast.token)
        page.fill("#request textarea[name=message]", message)
        with page.expect_navigation():
            page.click("#request button[type=submit]")
        assert t("Your request is sent to the moderators of %(name)s.", name=name) in flash_text(page)
        expect(page.locator("main")).to_contain_text(t("Request sent, awaiting a moderator."))
        return message

    @step
    def moderator_approves(self):
        message, t, slug = self.ask_to_join_closed_space(), self.t, self.cast.closed_space
        page = self.page_of("space moderator", self.cast.closed_moderator)
        _open_notification(page, t("%(name)s asks to join a space you moderate", name=self.author.name))
        if not page.url.endswith(f"/spaces/{slug}/members"):
            page.click(f"nav.space-nav a[href='/spaces/{slug}/members']")
        request = page.locator("#requests li.card", has_text=self.author.name)
        expect(request.locator("blockquote")).to_have_text(message)
        with page.expect_navigation():
            request.locator("form[action$='/approve'] button").click()
        assert t("The request is approved.") in flash_text(page)
        expect(page.locator("#requests li.card", has_text=self.author.name)).to_have_count(0)
        expect(page.locator(".member-list")).to_contain_text(self.author.name)
        # The person now reads the wall, and was told.
        page = self.page("author")
        _open_notification(page, t("%(name)s approved your request to join a space",
                                   name=self._name_of(self.cast.closed_moderator)))
        page.goto(f"/spaces/{slug}")
        expect(page.locator("main .notice", has_text=t("This space is closed: only its members read its wall."))) \
            .to_have_count(0)
        expect(page.locator("main article.post").first).to_be_visible()
        expect(page.locator("main .space-actions")).to_contain_text(t("Leave"))
        return page

    def _name_of(self, email: str) -> str:
        """The name the moderator's tab shows for its own account."""
        who = next(w for w, e in self.signed_in.items() if e == email)
        return self.page(who).inner_text(".user-menu a >> nth=0").strip()

    # --- a post reported, hidden, appealed, decided -------------------------------------------

    @step
    def post_in_open_space(self) -> str:
        page, t, slug = self.log_in(), self.t, self.cast.open_space
        page.goto(f"/spaces/{slug}")
        join = page.locator(f"main form[action='/spaces/{slug}/join'] button")
        if join.count():
            with page.expect_navigation():
                join.click()
        text = {"en": "Lunch run on Thursday: 8 km along the river, {w} pace. #running",
                "fr": "Sortie du jeudi midi : 8 km au bord du fleuve, allure {w}. #running"}[self.lang]
        page.fill("textarea[name=body]", text.format(w=self.cast.token))
        with page.expect_navigation():
            page.click("main .compose button[type=submit]")
        assert t("Your post is published.") in flash_text(page)
        post = page.locator(f"article.post:has-text('{self.cast.token}')").first
        self.space_post_url = post.locator(".post-meta a[href^='/posts/']").first.get_attribute("href")
        return self.space_post_url

    @step
    def member_reports(self) -> str:
        post_url, t = self.post_in_open_space(), self.t
        page = self.page_of("reporter", self.cast.reporter)
        page.goto(f"/spaces/{self.cast.open_space}")
        post = page.locator(f"article.post:has(a[href='{post_url}'])")
        with page.expect_navigation():
            post.locator(f"a[href='{post_url}/report']").click()
        expect(page.locator("h1")).to_have_text(t("Report a post"))
        text = {"en": "The {w} pace is a private joke about a colleague.",
                "fr": "L'allure {w} est une moquerie visant un collègue."}[self.lang].format(w=self.cast.token)
        page.check("input[name=category][value=harassment]")
        page.fill("textarea[name=text]", text)
        with page.expect_navigation():
            page.click("main form.card button[type=submit]")
        assert t("Thank you. The moderators will review your report; you will be told what they decide.") \
            in flash_text(page)
        return text

    @step
    def hr_hides(self) -> str:
        report, t = self.member_reports(), self.t
        page = self.page_of("hr", self.cast.hr)
        badge = page.locator("nav.main-nav a.nav-review #review-open")
        expect(badge).to_be_visible()
        assert int(re.match(r"\d+", badge.inner_text().strip()).group(0)) >= 1
        with page.expect_navigation():
            page.click("nav.main-nav a.nav-review")
        expect(page.locator("h1")).to_have_text(t("Review queue"))
        item = page.locator("article.queue-item", has_text=self.cast.token)
        expect(item.locator(".reports")).to_contain_text(report)
        item.locator("summary").click()
        item.locator("select[name=action]").select_option("hide")
        reason = {"en": "Mocking a colleague, even as a joke, is not welcome here ({w}).",
                  "fr": "Se moquer d'un collègue, même pour rire, n'a pas sa place ici ({w})."}[self.lang]
        reason = reason.format(w=self.cast.token)
        item.locator("textarea[name=reason]").fill(reason)
        with page.expect_navigation():
            item.locator("button[type=submit]").click()
        assert flash_text(page), "no confirmation after hiding"
        expect(page.locator("article.queue-item", has_text=self.cast.token)).to_have_count(0)
        return reason

    @step
    def author_appeals(self) -> str:
        reason, t = self.hr_hides(), self.t
        page = self.page("author")
        _open_notification(page, t("A moderator acted on your content; see the decision and its reason"))
        assert "/moderation/actions/" in page.url
        self.action_url = page.url.split("#")[0].replace(self.server.url, "")
        expect(page.locator(".ledger-line")).to_contain_text(reason)
        # The post itself: the notice, and the original under the banner for its author.
        page.goto(self.space_post_url)
        banner = page.locator("article.post .hidden-banner")
        expect(banner).to_contain_text(t("Hidden by moderation"))
        expect(banner).to_contain_text(reason)
        expect(banner).to_contain_text(t("Only the author and the moderators see the original below."))
        expect(page.locator("article.post .content")).to_contain_text(self.cast.token)
        # A reader sees the notice and its reason, not the text.
        reader = self.page("reporter")
        reader.goto(self.space_post_url)
        expect(reader.locator("article.post .notice")).to_contain_text(reason)
        expect(reader.locator("article.post .content")).to_have_count(0)
        # The appeal.
        page.goto(self.action_url)
        text = {"en": "{w} is the name of our running pace, not a colleague: please look again.",
                "fr": "{w} est le nom de notre allure de course, pas celui d'un collègue : merci de revoir."
                }[self.lang].format(w=self.cast.token)
        page.fill("textarea[name=text]", text)
        with page.expect_navigation():
            page.click("main form[action$='/appeal'] button[type=submit]")
        assert t("Your appeal is sent. Someone other than the moderator who acted will decide.") in flash_text(page)
        expect(page.locator("#appeal-heading")).to_have_text(t("Appeal"))
        expect(page.locator("main")).to_contain_text(text)
        expect(page.locator("form[action$='/appeal']")).to_have_count(0)  # once only
        return text

    @step
    def second_moderator_decides(self) -> str:
        appeal, t = self.author_appeals(), self.t
        # The appeal goes to another moderator of the space (never HR's who acted): its moderator.
        page = self.page("author")
        page.goto(f"/spaces/{self.cast.open_space}")
        moderators = page.locator("main p:has-text('" + t("Moderators:") + "') a")
        decider = _person_from_profile(page, moderators.first.get_attribute("href"))
        assert decider.email != self.cast.hr
        # HR who acted may not decide.
        hr = self.page("hr")
        hr.goto(self.action_url)
        expect(hr.locator("form[action*='/decide']")).to_have_count(0)
        page = self.page_of("decider", decider.email)
        _open_notification(page, t("%(name)s appealed a moderation decision; you are asked to decide",
                                   name=self.author.name))
        page.click("nav.main-nav a.nav-review")
        link = page.locator("#appeals-heading + ul a", has_text=t("Appeal by %(name)s", name=self.author.name))
        with page.expect_navigation():
            link.first.click()
        expect(page.locator("#appeal-heading ~ p").first).to_have_text(appeal)
        decision = "grant" if self.cast.grant_appeal else "refuse"
        reason = {("en", "grant"): "Agreed: {w} is a running pace. The post is back.",
                  ("fr", "refuse"): "La blague vise bien une personne, même si {w} est une allure : la décision est maintenue."
                  }[self.lang, decision].format(w=self.cast.token)
        page.check(f"input[name=decision][value={decision}]")
        page.fill("form[action*='/decide'] textarea[name=reason]", reason)
        with page.expect_navigation():
            page.click("form[action*='/decide'] button[type=submit]")
        assert t("The decision is recorded and the author is told.") in flash_text(page)
        expect(page.locator("#appeal-heading ~ p", has_text=reason)).to_have_count(1)
        return reason

    @step
    def ledger_shows_it_all(self):
        decision, t = self.second_moderator_decides(), self.t
        hide_reason = self.hr_hides()
        page = self.page("author")
        page.goto(f"/spaces/{self.cast.open_space}")
        page.click(f"nav.space-nav a[href='/spaces/{self.cast.open_space}/moderation']")
        hide = page.locator(".ledger-line", has_text=hide_reason)
        expect(hide).to_have_count(1)
        expect(hide).to_contain_text(t("Appeal granted") if self.cast.grant_appeal else t("Appeal refused"))
        expect(hide).to_contain_text(decision)  # the appeal's outcome, on the decision's own line
        outcome = page.locator(".ledger-line", has_text=decision).filter(has_not_text=hide_reason)
        expect(outcome).to_have_count(1)
        expect(outcome.locator("a[href^='/moderation/actions/']").last).to_be_visible()
        # The author and the reporter were told.
        _open_notification(page, t("Your appeal was decided; see the outcome and its reason"))
        expect(page.locator("main")).to_contain_text(decision)
        reporter = self.page("reporter")
        reporter.goto("/notifications")
        expect(reporter.locator("li.notification", has_text=t("A report you made was handled"))).to_have_count(1)
        # Granted, the post is back for every reader; refused, it stays a notice.
        reporter.goto(self.space_post_url)
        if self.cast.grant_appeal:
            expect(reporter.locator("article.post .content")).to_contain_text(self.cast.token)
        else:
            expect(reporter.locator("article.post .notice")).to_contain_text(hide_reason)
        return page
