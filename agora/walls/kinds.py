"""Post kinds beyond a status: each kind's feature registers what it adds to a post, so walls knows no kind's rules.

A feature answers the "posts.kinds" hook with PostKind entries: the label, the partial that the post card
includes (given `post` and `extra`), the one-query loader of its rows for a page of posts, and an optional
partial shown beside each comment of such a post (given `post`, `comment` and `extra`). A kind whose
feature indexes its posts as search documents of its own (`search_type`, through "search.sources")
is left out of walls' post documents, so each post is found once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from agora.core.hooks import hooks


@dataclass(frozen=True)
class PostKind:
    """What one kind of post adds: its label, its card partial, its rows' loader, its comment partial."""

    name: str
    label: object
    partial: str
    load: Callable  # (user, posts) -> {post id: the kind's row}, in one query
    comment_partial: str = ""
    detail_partial: str = ""  # below the card on the post's own page (e.g. a question's timeline)
    search_type: str = "post"  # the search document type these posts are indexed as (e.g. "question")


def registered() -> dict[str, PostKind]:
    """Every kind the features registered, by name (computed once per app)."""
    found = current_app.extensions.get("agora.post_kinds")
    if found is None:
        found = {kind.name: kind for handler in hooks("posts.kinds") for kind in handler()}
        current_app.extensions["agora.post_kinds"] = found
    return found


def search_types() -> dict[str, str]:
    """{kind: search document type} for the kinds indexed apart from plain posts."""
    return {name: kind.search_type for name, kind in registered().items() if kind.search_type != "post"}


def load_extras(user, posts) -> dict[int, object]:
    """Each post's kind row ({post id: row}), one query per kind present on the page."""
    by_kind: dict[str, list] = {}
    for post in posts:
        if post.kind != "status":
            by_kind.setdefault(post.kind, []).append(post)
    extras: dict[int, object] = {}
    kinds = registered() if by_kind else {}
    for name, group in by_kind.items():
        if name in kinds:
            extras.update(kinds[name].load(user, group))
    return extras
