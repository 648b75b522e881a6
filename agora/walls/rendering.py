"""Markdown to safe HTML with @mentions and #hashtags turned into links (never inside code or links)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import current_app
from markupsafe import escape
from sqlalchemy import select

from agora.accounts.models import User
from agora.core.folding import fold
from agora.core.sanitiser import render_markdown
from agora.extensions import db

# Beyond this many distinct people in one text, further @handles stay plain text.
MAX_MENTIONS = 50
MAX_HASHTAGS = 30

_TOKEN = re.compile(r"(<!--.*?-->|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>)", re.S)
_TAG_NAME = re.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Text inside these elements is left exactly as written.
_SKIP = {"a", "code", "pre", "script", "style", "textarea", "noscript", "template", "svg", "math", "title",
         "xmp", "iframe", "noembed", "noframes", "plaintext", "kbd", "samp"}
MENTION_RE = re.compile(r"(?<![\w@/.&+-])@([a-z0-9][a-z0-9._-]{0,39})", re.I)
HASHTAG_RE = re.compile(r"(?<![\w&#/])#(\w[\w-]{0,59})")


@dataclass
class Rendered:
    """Sanitised HTML and what it links to."""

    html: str
    mentioned: list[int] = field(default_factory=list)   # user ids, in order of first mention
    hashtags: dict[str, str] = field(default_factory=dict)  # slug -> name as first written


def _clean_handle(raw: str) -> str:
    # "@ana." at the end of a sentence mentions ana.
    return raw.rstrip("._-").lower()


def _tag_ok(name: str) -> bool:
    # "#1" is an issue number, not a tag.
    return not name.replace("_", "").replace("-", "").isdigit()


def _segments(html: str):
    """Yield (is_text, chunk, skipping) over rendered HTML, tracking elements whose text is left alone."""
    depth: dict[str, int] = {}
    for i, chunk in enumerate(_TOKEN.split(html)):
        if i % 2 == 1:
            match = _TAG_NAME.match(chunk)
            if match and not chunk.startswith("<!--"):
                closing, name = match.group(1) == "/", match.group(2).lower()
                if name in _SKIP and not chunk.rstrip().endswith("/>"):
                    depth[name] = max(0, depth.get(name, 0) + (-1 if closing else 1))
            yield False, chunk, False
        else:
            yield True, chunk, any(depth.values())


def render(source: str) -> Rendered:
    """Render a post's or comment's Markdown: sanitised HTML, resolved mentions, hashtags."""
    result = Rendered(html="")

    def preprocess(html: str) -> str:
        pieces = list(_segments(html))
        handles: list[str] = []
        for is_text, chunk, skipping in pieces:
            if is_text and not skipping:
                for m in MENTION_RE.finditer(chunk):
                    handle = _clean_handle(m.group(1))
                    if handle and handle not in handles:
                        handles.append(handle)
        known: dict[str, int] = {}
        if handles:
            # One query, bounded: unknown handles beyond the cap are never looked up.
            rows = db.session.execute(select(User.handle, User.id).where(
                User.handle.in_(handles[: MAX_MENTIONS * 2]), User.active.is_(True))).all()
            known = {h: uid for h, uid in rows}
        linked: list[str] = []

        def mention(m: re.Match) -> str:
            raw = m.group(1)
            handle = _clean_handle(raw)
            trailing = raw[len(handle):] if raw.lower().startswith(handle) else ""
            if handle in known and (handle in linked or len(linked) < MAX_MENTIONS):
                if handle not in linked:
                    linked.append(handle)
                    result.mentioned.append(known[handle])
                return f'<a href="/people/{escape(handle)}" class="mention">@{escape(handle)}</a>{trailing}'
            return m.group(0)

        def hashtag(m: re.Match) -> str:
            name = m.group(1).rstrip("-_")
            rest = m.group(1)[len(name):]
            slug = fold(name)
            if not name or not _tag_ok(name) or not slug:
                return m.group(0)
            if slug not in result.hashtags:
                if len(result.hashtags) >= MAX_HASHTAGS:
                    return m.group(0)
                result.hashtags[slug] = name
            return f'<a href="/tags/{escape(quote(slug))}" class="hashtag">#{escape(name)}</a>{rest}'

        out = []
        for is_text, chunk, skipping in pieces:
            if is_text and not skipping:
                chunk = HASHTAG_RE.sub(hashtag, MENTION_RE.sub(mention, chunk))
            out.append(chunk)
        return "".join(out)

    result.html = render_markdown(source or "", preprocess=preprocess)
    return result


def max_length() -> int:
    """The longest post or comment the config allows, in characters."""
    return current_app.config["AGORA"]["content"]["max_post_length"]
