"""The one sanitiser: Markdown to safe HTML against the config's allowlist.

This is the only module that calls bleach. Every piece of user HTML (bios, posts,
comments) goes through `render_markdown` or `clean_html`.
"""
from __future__ import annotations

import threading
from functools import lru_cache, partial

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from flask import current_app
from markdown_it import MarkdownIt

PROTOCOLS = frozenset({"http", "https", "mailto"})
REL = "nofollow noopener noreferrer"


def _set_rel(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if href.startswith("/") and not href.startswith("//"):
        # Links inside Agora (mentions, tags) are not third-party.
        return attrs
    attrs[(None, "rel")] = REL
    return attrs


def _is_external(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or ":" in url.split("/", 1)[0]


class ExternalImagesAsLinks(Filter):
    """Turn images from other sites into links to them: the CSP would block them, leaving a broken image."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("EmptyTag", "StartTag") and token["name"] == "img":
                attrs = token.get("data") or {}
                src = attrs.get((None, "src"), "")
                if src and _is_external(src):
                    label = attrs.get((None, "alt")) or attrs.get((None, "title")) or src
                    yield {"type": "StartTag", "name": "a", "data": {(None, "href"): src}}
                    yield {"type": "Characters", "data": label}
                    yield {"type": "EndTag", "name": "a"}
                    continue
            yield token


_per_thread = threading.local()


def _cleaner(tags: tuple, attributes: tuple) -> bleach.Cleaner:
    """The cleaner for this allowlist, one per thread: a bleach Cleaner keeps parser state while it works."""
    # Shared by a job worker's threads, one cleaner failed about one message in 3,000 of the full-scale digest
    # (IndexError inside html5lib's tree builder); bleach documents Cleaner as not thread-safe.
    cleaners = _per_thread.__dict__.setdefault("cleaners", {})
    if (tags, attributes) not in cleaners:
        cleaners[(tags, attributes)] = _new_cleaner(tags, attributes)
    return cleaners[(tags, attributes)]


def _new_cleaner(tags: tuple, attributes: tuple) -> bleach.Cleaner:
    attrs = {tag: list(names) for tag, names in attributes}
    if "a" in attrs and "rel" not in attrs["a"]:
        attrs["a"] = attrs["a"] + ["rel"]
    return bleach.Cleaner(
        tags=frozenset(tags),
        attributes=attrs,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
        # Images become links before linkify, so they get the same rel as any external link.
        filters=[ExternalImagesAsLinks, partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)],
    )


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML is allowed so people can use the classic tags (abbr, blockquote cite, ...);
    # bleach then keeps only the allowlist.
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.options["maxNesting"] = 20
    return md


def _allowlist(content_config: dict | None) -> tuple[tuple, tuple]:
    cfg = content_config or current_app.config["AGORA"]["content"]
    tags = tuple(sorted(cfg["allowed_tags"]))
    attributes = tuple(sorted((tag, tuple(sorted(names))) for tag, names in cfg["allowed_attributes"].items()))
    return tags, attributes


def clean_html(html: str, content_config: dict | None = None) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes of `html`."""
    return _cleaner(*_allowlist(content_config)).clean(html)


def render_markdown(source: str, content_config: dict | None = None, preprocess=None) -> str:
    """Render Markdown `source` to sanitised HTML.

    `preprocess`, when given, receives the rendered (unsafe) HTML before cleaning,
    so features can add their own links (mentions, hashtags) that still pass the allowlist.
    """
    html = _markdown().render(source or "")
    if preprocess is not None:
        html = preprocess(html)
    return clean_html(html, content_config)


def plain_text(html: str) -> str:
    """Strip every tag: text for snippets, notifications and search."""
    return bleach.clean(html or "", tags=set(), strip=True)
