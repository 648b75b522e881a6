"""Every place users write, as a sink: store hostile texts there, then name the pages that show them.

A sink is a generator `sink(world, payloads)` that writes through the real forms (with their CSRF
token) and yields `View(who, path)` for each page to open in the browser; the harness opens it
right away, so a sink that overwrites a field (profile fields) yields after each write and a sink
that accumulates (posts, comments) yields once at the end. `View(..., all_pages=True)` follows the
page's rel=next links. Spaces, reports, moderation (reasons, appeals, decisions) and search are in
sinks_spaces.py; each sink is one function and one line in SINKS.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

WRITER, READER, DECIDER = "writer", "reader", "decider"  # the writer is an admin, the decider is HR


@dataclass(frozen=True)
class View:
    who: str
    path: str
    all_pages: bool = False


class World:
    """The XSS server's two people, each with a browser profile, and the form posts they make."""

    def __init__(self, pages: dict):
        self.pages = pages  # who -> Playwright page (its context holds the session cookie)
        self.tokens: dict[str, str] = {}
        self.refused: list[tuple[str, str]] = []

    def csrf(self, who: str) -> str:
        if who not in self.tokens:
            html = self.pages[who].context.request.get("/settings").text()
            self.tokens[who] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        return self.tokens[who]

    def post(self, who: str, path: str, what: str, multipart: bool = False, **fields) -> bool:
        """Send a form as `who`; True when the server accepted it, False when it refused it (4xx)."""
        data = {"csrf_token": self.csrf(who), **fields}
        if multipart:
            answer = self.pages[who].context.request.post(path, multipart=data, max_redirects=0)
            return self._judge(path, what, answer.status)
        return self._judge(path, what, _post_form(self.session(who), path, data))

    def post_many(self, who: str, path: str, forms: list[tuple[str, dict]], threads: int = 4) -> list[bool]:
        """`post` for many (what, fields) at once, a few in flight together (the server has several workers)."""
        session, token = self.session(who), self.csrf(who)

        def send(item):
            return _post_form(session, path, {"csrf_token": token, **item[1]})

        with ThreadPoolExecutor(threads) as pool:
            statuses = list(pool.map(send, forms))
        return [self._judge(path, what, status) for (what, _fields), status in zip(forms, statuses, strict=True)]

    def session(self, who: str) -> tuple[str, str]:
        """(origin, Cookie header) of `who`'s browser, for plain HTTP posts outside Playwright."""
        page = self.pages[who]
        origin = "/".join(page.url.split("/", 3)[:3])
        return origin, "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())

    def _judge(self, path: str, what: str, status: int) -> bool:
        assert status < 500, f"{path} answered {status} for {what!r}"
        if status in (301, 302, 303) or (status == 200 and path.startswith("/settings/tokens")):
            return True  # (a new token is shown on the page itself)
        self.refused.append((path, what))
        return False


def _post_form(session: tuple[str, str], path: str, data: dict) -> int:
    # urllib, which threads can share (Playwright's sync API cannot); the answer's status, redirects kept.
    origin, cookie = session
    request = urllib.request.Request(origin + path, data=urlencode(data).encode(), headers={"Cookie": cookie})
    try:
        return _NO_REDIRECTS.open(request, timeout=60).status
    except urllib.error.HTTPError as answer:
        return answer.code


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def packs(payloads: list[str], limit: int, sep: str) -> list[str]:
    """Payloads joined by `sep` into as few texts of at most `limit` characters as possible."""
    out, current = [], ""
    for payload in payloads:
        if len(payload) > limit:
            continue
        candidate = f"{current}{sep}{payload}" if current else payload
        if len(candidate) > limit:
            out.append(current)
            current = payload
        else:
            current = candidate
    return out + ([current] if current else [])


def deal(payloads: list[str], fields: dict[str, tuple[int, str]]) -> list[dict[str, str]]:
    """Rounds of texts, one per field, until every payload has been in one of the fields.

    For fields shown as escaped text, joining payloads loses nothing: escaping works on every
    character or on none. Shorter fields are served first so each gets its share every round.
    """
    queue, rounds = [p for p in payloads if len(p) <= max(limit for limit, _sep in fields.values())], []
    while queue:
        texts = {}
        for name, (limit, sep) in sorted(fields.items(), key=lambda item: item[1][0]):
            taken, rest, length = [], [], 0
            for payload in queue:
                extra = len(payload) + (len(sep) if taken else 0)
                if length + extra <= limit:
                    taken.append(payload)
                    length += extra
                else:
                    rest.append(payload)
            queue, texts[name] = rest, sep.join(taken)
        rounds.append(texts)
    return rounds


def posts(world: World, payloads: list[str]):
    """Each payload alone as a post on the reader's wall, mentioning them (so notifications quote it)."""
    world.post_many(WRITER, f"/people/{READER}/wall",
                    [(p, {"body": f"{p}\n\n@{READER}", "kind": "status"}) for p in payloads])
    yield View(READER, f"/people/{READER}/wall", all_pages=True)
    yield View(READER, "/notifications", all_pages=True)
    yield View(READER, "/")


def comments(world: World, payloads: list[str]):
    """Payloads as comments (several per comment, each its own paragraph) on a post of the reader's,
    and as a reply; the reader's post page and notifications show them."""
    assert world.post(READER, f"/people/{READER}/wall", "host post", body="Comments below", kind="status")
    wall = world.pages[READER].context.request.get(f"/people/{READER}/wall").text()
    post_id = re.search(r'href="/posts/(\d+)"', wall).group(1)
    bodies = packs(payloads, 1500, "\n\n")
    world.post_many(WRITER, f"/posts/{post_id}/comments", [(b, {"body": b}) for b in bodies])
    html = world.pages[READER].context.request.get(f"/posts/{post_id}").text()
    first = re.search(r'id="comment-(\d+)"', html).group(1)
    world.post(WRITER, f"/posts/{post_id}/comments", bodies[0], body=bodies[0], parent_id=first)
    yield View(READER, f"/posts/{post_id}")
    yield View(READER, "/notifications")


PROFILE_FIELDS = {"ask_me_about": (300, " "), "skills": (2000, ", "), "languages": (200, " "),
                  "location": (120, " "), "phone": (40, " ")}
ORG_FIELDS = {"title": (120, " "), "department": (120, " ")}


def profile(world: World, payloads: list[str]):
    """The writer's profile: every payload in the Markdown bio and in one of the text fields (the writer
    is an admin, so title and department too); after each write the profile, the directory and both
    forms (which echo the values) are opened."""
    bios = packs(payloads, 10000, "\n\n")
    rounds = deal(payloads, {**PROFILE_FIELDS, **ORG_FIELDS})
    for i, text in enumerate(rounds):
        personal = {name: text[name] for name in PROFILE_FIELDS}
        personal["bio"] = bios[i] if i < len(bios) else ""
        world.post(WRITER, f"/people/{WRITER}/edit", repr(personal), multipart=True, **personal)
        world.post(WRITER, f"/people/{WRITER}/org", repr(text["title"]), title=text["title"],
                   department=text["department"], manager="")
        yield View(READER, f"/people/{WRITER}")
        yield View(READER, "/people")
        yield View(WRITER, f"/people/{WRITER}/edit")
        yield View(WRITER, f"/people/{WRITER}/org")
    assert len(bios) <= len(rounds)


def directory_query(world: World, payloads: list[str]):
    """The directory's filters echo what was typed (120 characters each): the name and skill boxes."""
    queries = deal(payloads, {"q": (120, " "), "skill": (120, " ")})
    for query in queries:
        yield View(READER, "/people?" + urlencode({**query, "location": query["q"], "department": query["skill"]}))


def token_names(world: World, payloads: list[str]):
    """API token names (80 characters), listed on the settings page: every fifth pack of payloads, since
    each creation answers the whole settings page and the names are shown escaped like all other text."""
    names = packs(payloads, 80, " ")[::5]
    world.post_many(WRITER, "/settings/tokens", [(name, {"name": name}) for name in names])
    yield View(WRITER, "/settings")


def post_ids(world: World, who: str, path: str, marker: str) -> list[int]:
    """Ids of the posts on the wall at `path` (first page) whose text holds `marker`, oldest first."""
    html = world.pages[who].context.request.get(path).text()
    found = [re.search(r'id="post-(\d+)"', chunk) for chunk in html.split("<article ")[1:] if marker in chunk]
    return sorted(int(m.group(1)) for m in found if m)



from tests.browser.sinks_spaces import appeals, reports, search_box, space_fields  # noqa: E402

SINKS = {
    "post": posts,
    "comment": comments,
    "profile fields": profile,
    "directory query": directory_query,
    "token name": token_names,
    "space name and description": space_fields,
    "report text": reports,
    "moderation reason and appeal": appeals,
    "search box": search_box,
}
