"""Access control as a matrix: every reader x every kind of space x every channel that can carry a post.

Readers: member, non-member, space moderator, HR moderating every space or only the secret one,
admin, deactivated account, the author, and a member who then leaves. Expected visibility comes from
the policy (`World.expected`, agora.core.policy.can); each channel must show the content exactly
when the policy allows it, and answer 404 where even its existence would leak.
"""
from __future__ import annotations

import re

from tests.access_world import KINDS, READERS, access_world  # noqa: F401 - the fixture


def _has_post(body: str, post_id: int) -> bool:
    return re.search(rf"/posts/{post_id}(?!\d)", body) is not None


class Checker:
    """Runs one reader's requests and collects every mismatch as a readable line."""

    def __init__(self, world, reader: str):
        self.world, self.reader = world, reader
        self.web, self.api = world.client(reader), world.bearer(reader)
        self.failures: list[str] = []

    def get(self, url: str, api: bool = False):
        if api:
            return self.world.client(self.reader).get(url, headers=self.api)
        return self.web.get(url)

    def fail(self, kind: str, channel: str, message: str) -> None:
        self.failures.append(f"{self.reader} / {kind} space / {channel}: {message}")

    def refused(self, kind, channel, response, allowed_statuses, secret_words) -> None:
        """A refusal: the expected status, and not one of the secret words in the body."""
        body = response.get_data(as_text=True)
        if response.status_code not in allowed_statuses:
            self.fail(kind, channel, f"status {response.status_code}, expected one of {sorted(allowed_statuses)}")
        for word in secret_words:
            if word in body:
                self.fail(kind, channel, f"leaks {word!r}")

    def shown(self, kind, channel, response, must_contain) -> None:
        body = response.get_data(as_text=True)
        if response.status_code != 200:
            self.fail(kind, channel, f"status {response.status_code}, expected 200")
            return
        for word in must_contain:
            if word not in body:
                self.fail(kind, channel, f"does not show {word!r}")


def check_reader(world, reader: str) -> list[str]:
    """Every channel for one reader against the policy's answers; the list of mismatches."""
    with world.as_reader(reader):
        expected = world.expected(reader)
        ck = Checker(world, reader)
        for kind in KINDS:
            _space_channels(ck, world.spaces[kind], expected[kind])
        _reader_channels(ck, world, expected)
    return ck.failures


def _space_channels(ck: Checker, content, may: dict) -> None:
    w, kind = content.words, content.kind
    # Signed-in readers who may not know get 404; a deactivated account is sent to log in (302) or 401 on the API.
    page_refusal = {404} if may["active"] else {302}
    api_refusal = {404} if may["active"] else {401}
    secret = [w["post"], w["hidden"], w["reason"]]

    wall = ck.get(f"/spaces/{content.slug}")
    if may["view_space"]:
        ck.shown(kind, "wall page", wall, [w["post"], w["reason"]])
    elif may["see"]:
        ck.refused(kind, "wall page (preview)", wall, {200}, secret)
    else:
        ck.refused(kind, "wall page", wall, page_refusal, secret + [w["space"]])

    page = ck.get(f"/posts/{content.post_id}")
    (ck.shown(kind, "post page", page, [w["post"]]) if may["view"]
     else ck.refused(kind, "post page", page, page_refusal, secret))

    api_post = ck.get(f"/api/v1/posts/{content.post_id}", api=True)
    (ck.shown(kind, "API post", api_post, [w["post"], f"/media/{content.media_id}"]) if may["view"]
     else ck.refused(kind, "API post", api_post, api_refusal, secret))

    api_space = ck.get(f"/api/v1/spaces/{content.slug}", api=True)
    if may["view_space"]:
        ck.shown(kind, "API space", api_space, [w["space"], w["post"]])
    elif may["see"]:
        ck.refused(kind, "API space (preview)", api_space, {200}, secret)
    else:
        ck.refused(kind, "API space", api_space, api_refusal, secret + [w["space"]])

    tag = ck.get(f"/tags/{w['tag'].lower()}")
    if may["view"]:
        ck.shown(kind, "tag page", tag, [w["post"]])
    else:
        # The tag exists only in this space: a stranger's page must look like any unused tag's.
        ck.refused(kind, "tag page", tag, {200} if may["active"] else {302}, secret + [w["tag"]])

    media = ck.get(f"/media/{content.media_id}")
    (ck.shown(kind, "attachment", media, [w["file"]]) if may["view"]
     else ck.refused(kind, "attachment", media, page_refusal, [w["file"]]))

    ledger = ck.get(f"/spaces/{content.slug}/moderation")
    (ck.shown(kind, "ledger page", ledger, [w["reason"]]) if may["ledger"]
     else ck.refused(kind, "ledger page", ledger, page_refusal, secret))
    api_ledger = ck.get(f"/api/v1/spaces/{content.slug}/moderation-log", api=True)
    (ck.shown(kind, "API ledger", api_ledger, [w["reason"]]) if may["ledger"]
     else ck.refused(kind, "API ledger", api_ledger, api_refusal, secret))

    _search(ck, content, may)
    _hidden(ck, content, may, page_refusal, api_refusal)


def _search(ck: Checker, content, may: dict) -> None:
    w, kind = content.words, content.kind
    api = ck.get(f"/api/v1/search?q={w['post']}", api=True)
    page = ck.get(f"/search?q={w['post']}")
    if not may["active"]:
        ck.refused(kind, "API search", api, {401}, [])
        ck.refused(kind, "search page", page, {302}, [])
        return
    if api.status_code != 200:
        ck.fail(kind, "API search", f"status {api.status_code}")
        return
    data = api.get_json()
    ids = [(r["type"], r["id"]) for r in data["results"]]
    want = [("post", content.post_id)] if may["view"] else []
    if ids != want:
        ck.fail(kind, "API search", f"results {ids}, expected {want}")
    if data["total"] != len(want) or data["counts"].get("post", 0) != len(want):
        ck.fail(kind, "API search", f"total {data['total']} / counts {data['counts']}, expected {len(want)}")
    if page.status_code != 200 or _has_post(page.get_data(as_text=True), content.post_id) != may["view"]:
        ck.fail(kind, "search page", f"status {page.status_code}, shows the post: "
                f"{_has_post(page.get_data(as_text=True), content.post_id)}, expected {may['view']}")
    # The space itself: found by its description where the reader may know it exists.
    spaces = ck.get(f"/api/v1/search?q={w['space']}&type=space", api=True).get_json()
    found = [(r["type"], r["id"]) for r in spaces["results"]]
    if found != ([("space", content.space_id)] if may["see"] else []) or spaces["total"] != len(found):
        ck.fail(kind, "API search (space)", f"results {found} total {spaces['total']}, may see: {may['see']}")
    # Hidden content leaves the index: nobody finds it by its words (agora/walls/search.py).
    hidden = ck.get(f"/api/v1/search?q={w['hidden']}", api=True).get_json()
    if hidden["total"] or hidden["results"]:
        ck.fail(kind, "API search (hidden)", f"found hidden content: {hidden['results']}")


def _hidden(ck: Checker, content, may: dict, page_refusal, api_refusal) -> None:
    """The hidden post: readers see the notice and reason, the author and moderators the text too."""
    w, kind = content.words, content.kind
    page = ck.get(f"/posts/{content.hidden_id}")
    api = ck.get(f"/api/v1/posts/{content.hidden_id}", api=True)
    media = ck.get(f"/media/{content.hidden_media_id}")
    if not may["view_hidden_post"]:
        ck.refused(kind, "hidden post page", page, page_refusal, [w["hidden"], w["reason"]])
        ck.refused(kind, "hidden post API", api, api_refusal, [w["hidden"], w["reason"]])
        ck.refused(kind, "hidden attachment", media, page_refusal, [w["hidden"]])
        return
    if may["view_hidden"]:
        ck.shown(kind, "hidden post page (author/moderator)", page, [w["hidden"], w["reason"]])
        ck.shown(kind, "hidden post API (author/moderator)", api, [w["hidden"], w["reason"]])
        ck.shown(kind, "hidden attachment (author/moderator)", media, [w["hidden"]])
    else:
        ck.shown(kind, "hidden post page (notice)", page, [w["reason"]])
        ck.refused(kind, "hidden post page (notice)", page, {200}, [w["hidden"]])
        ck.shown(kind, "hidden post API (notice)", api, [w["reason"]])
        ck.refused(kind, "hidden post API (notice)", api, {200}, [w["hidden"]])
        ck.refused(kind, "hidden attachment", media, {404}, [w["hidden"]])


def _reader_channels(ck: Checker, world, expected: dict) -> None:
    """Channels that list everything at once: the feed, notifications, the author's profile."""
    active = any(e["active"] for e in expected.values())
    author = ck.reader == "author"
    pages = {
        "feed page": ck.get("/"),
        "API feed": ck.get("/api/v1/feed", api=True),
        "notifications page": ck.get("/notifications"),
        "API notifications": ck.get("/api/v1/notifications", api=True),
        "author's profile": ck.get(f"/people/{world.handles['author']}"),
    }
    for channel, response in pages.items():
        body = response.get_data(as_text=True)
        if not active:
            if response.status_code not in (302, 401):
                ck.fail("every", channel, f"status {response.status_code} for a deactivated account")
            for kind in KINDS:
                if world.spaces[kind].words["post"] in body:
                    ck.fail(kind, channel, "shown to a deactivated account")
            continue
        if response.status_code != 200:
            ck.fail("every", channel, f"status {response.status_code}")
            continue
        for kind in KINDS:
            word = world.spaces[kind].words["post"]
            # Nobody is notified of their own mentions.
            want = expected[kind]["view"] and not (author and "notifications" in channel)
            if (word in body) != want:
                ck.fail(kind, channel, f"shows the post: {word in body}, policy says {want}")


def _report(failures: list[str]) -> str:
    return f"{len(failures)} access mismatches:\n" + "\n".join(failures)


def test_every_channel_shows_space_content_exactly_when_the_policy_allows(access_world):
    failures = []
    for reader in READERS:
        failures += check_reader(access_world, reader)
    assert not failures, _report(failures)


def test_the_matrix_separates_readers(access_world):
    """Guard against a vacuous matrix: the policy answers differ by role and by space as intended."""
    e = {reader: access_world.expected(reader) for reader in ("member", "outsider", "hr_some", "hr_all",
                                                                 "deactivated", "spacemod")}
    assert [e["outsider"][k]["view"] for k in KINDS] == [True, False, False]
    assert [e["outsider"][k]["see"] for k in KINDS] == [True, True, False]
    assert [e["member"][k]["view"] for k in KINDS] == [True, True, True]
    assert [e["member"][k]["view_hidden"] for k in KINDS] == [False, False, False]
    assert [e["spacemod"][k]["view_hidden"] for k in KINDS] == [True, True, True]
    assert [e["hr_some"][k]["view"] for k in KINDS] == [True, False, True]
    assert [e["hr_all"][k]["view_hidden"] for k in KINDS] == [True, True, True]
    assert not any(v for k in KINDS for n, v in e["deactivated"][k].items())


def test_leaving_a_space_drops_it_from_every_channel_at_once(access_world):
    leaver = access_world.client("leaver")
    assert all(access_world.expected("leaver")[k]["view"] for k in KINDS)
    assert not check_reader(access_world, "leaver")
    for kind in KINDS:
        response = leaver.post(f"/spaces/{access_world.spaces[kind].slug}/leave")
        assert response.status_code in (302, 303), response.status_code
    after = access_world.expected("leaver")
    assert [after[k]["view"] for k in KINDS] == [True, False, False]
    # Straight after the last request: pages, feed, notifications, search and API all agree with the policy.
    failures = check_reader(access_world, "leaver")
    assert not failures, _report(failures)
