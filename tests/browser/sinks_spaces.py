"""Sinks of spaces, moderation and search (see sinks.py for what a sink is).

Payloads are batched into as few writes and pages as the fields' lengths allow: space name (120)
and description (2000), report text (2000), hide and decision reasons (2000), appeal text (4000),
the search query (400). Search snippets are checked on posts that each hold one payload (a third of them).
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlencode

from tests.browser.sinks import DECIDER, READER, WRITER, View, World, deal, packs, post_ids

SPACE = "xss-space"


def space_fields(world: World, payloads: list[str]):
    """A space created through the form, then renamed and redescribed with every payload; after each
    write its page and members (reader), the directory (reader) and the settings form (writer)."""
    rounds = deal(payloads, {"name": (120, " "), "description": (2000, "\n")})
    for i, text in enumerate(rounds):
        text["name"] = text["name"] or f"Space {i}"  # (a name is required; the long payloads went elsewhere)
    assert world.post(WRITER, "/spaces/new", "new space", slug=SPACE, visibility="open", **rounds[0])
    for i, text in enumerate(rounds):
        if i:
            world.post(WRITER, f"/spaces/{SPACE}/settings", repr(text), visibility="open", **text)
        yield View(READER, f"/spaces/{SPACE}")
        yield View(READER, "/spaces")
        yield View(WRITER, f"/spaces/{SPACE}/settings")
        if i in (0, len(rounds) - 1):
            yield View(READER, f"/spaces/{SPACE}/members")


def reports(world: World, payloads: list[str]):
    """The reader reports the writer's posts (a pack of payloads per report); HR reads them in the
    review queue and on each post's moderation page."""
    texts = packs(payloads, 2000, " ")
    marker = "reportme"
    world.post_many(WRITER, f"/people/{READER}/wall",
                    [(f"host {i}", {"body": f"{marker} {i}", "kind": "status"}) for i in range(len(texts))])
    ids = post_ids(world, READER, f"/people/{READER}/wall", marker)
    assert len(ids) == len(texts), (ids, len(texts))
    for post_id, text in zip(ids, texts, strict=True):
        world.post(READER, f"/posts/{post_id}/report", text, category="other", text=text)
    queue = world.pages[DECIDER].context.request.get("/moderation/queue").text()
    assert queue.count('class="card queue-item"') >= len(texts), "the reports are not in HR's queue"
    yield View(DECIDER, "/moderation/queue")
    for post_id in ids:
        yield View(DECIDER, f"/moderation/posts/{post_id}")


def appeals(world: World, payloads: list[str]):
    """The writer (an admin) hides the reader's posts with payloads as reasons; the reader appeals each
    with payloads; HR, who decides, reads the appeals, then grants or refuses with payloads as reasons.
    Reasons show in the notice, the author's notification, the decision pages and the ledger."""
    reasons, texts = packs(payloads, 2000, " "), packs(payloads, 4000, " ")
    marker = "hideme"
    world.post_many(READER, f"/people/{READER}/wall",
                    [(f"host {i}", {"body": f"{marker} {i}", "kind": "status"}) for i in range(len(reasons))])
    ids = post_ids(world, READER, f"/people/{READER}/wall", marker)
    assert len(ids) == len(reasons), (ids, len(reasons))
    for post_id, reason in zip(ids, reasons, strict=True):
        world.post(WRITER, f"/moderation/posts/{post_id}", reason, action="hide", reason=reason, rule="")
    yield View(READER, f"/people/{READER}/wall")  # the author: banner, reason, original
    yield View(WRITER, f"/posts/{ids[0]}")
    yield View(READER, "/notifications")
    log = world.pages[READER].context.request.get("/moderation/log").text()
    action_ids = sorted({int(a) for a in re.findall(r'href="/moderation/actions/(\d+)"', log)})[-len(reasons):]
    for action_id, text in zip(action_ids, texts, strict=False):
        world.post(READER, f"/moderation/actions/{action_id}/appeal", text, text=text)
    queue = world.pages[DECIDER].context.request.get("/moderation/queue").text()
    assert queue.count('href="/moderation/actions/') >= len(texts), "the appeals are not in HR's queue"
    yield View(DECIDER, "/moderation/queue")  # appeals to decide, with their text
    for action_id in action_ids[:len(texts)]:
        yield View(DECIDER, f"/moderation/actions/{action_id}")
        yield View(READER, f"/moderation/actions/{action_id}")
    for n, action_id in enumerate(action_ids[:len(texts)]):
        page = world.pages[DECIDER].context.request.get(f"/moderation/actions/{action_id}").text()
        appeal_id = re.search(r'action="/moderation/appeals/(\d+)/decide"', page).group(1)
        reason = reasons[-1 - n]
        world.post(DECIDER, f"/moderation/appeals/{appeal_id}/decide", reason,
                   decision="grant" if n % 2 else "refuse", reason=reason)
    yield View(READER, "/moderation/log", all_pages=True)
    yield View(DECIDER, "/moderation/log", all_pages=True)
    yield View(READER, "/notifications")
    yield View(READER, f"/moderation/actions/{action_ids[0]}")


def search_box(world: World, payloads: list[str]):
    """The query is echoed in the search box, the title and the links (400 characters a query); and the
    snippets of posts that each hold one payload (after a word the query matches, so the snippet shows it)."""
    for query in packs(payloads, 400, " "):
        yield View(READER, "/search?" + urlencode({"q": query}))
    marker = "snippetprobe"
    # Every third payload: a snippet is the post's plain text escaped around our own <mark> tags (one code
    # path, whatever the text), and the post sink already shows every payload as a post.
    probes = [p for p in payloads if len(p) < 200][::3]
    accepted = world.post_many(WRITER, f"/people/{WRITER}/wall",
                               [(p, {"body": f"{marker}\n\n{p}", "kind": "status"}) for p in probes])
    # The index is written after each commit from an outbox: the last posts show up within moments.
    expected = sum(accepted)
    deadline = time.monotonic() + 10
    while True:
        found = _result_count(world, marker)
        if found >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert found >= expected, f"search finds {found} of the {expected} posts"
    yield View(READER, "/search?" + urlencode({"q": marker, "type": "post", "order": "date"}), all_pages=True)
    yield View(READER, "/search?" + urlencode({"q": "type:space"}))  # the space of space_fields


def _result_count(world: World, query: str) -> int:
    html = world.pages[READER].context.request.get("/search?" + urlencode({"q": query, "type": "post"})).text()
    found = re.search(r'<p role="status" class="muted">\s*(\d+)', html)
    return int(found.group(1)) if found else 0
