"""Search services: one query for the reader, within what the policy lets them see; index status."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from agora.core.time import utcnow
from agora.extensions import db
from agora.search.backend import Hit, SearchUnavailable
from agora.search.filters import scope_for
from agora.search.indexer import backend, backlog, catch_up, ensure_index, rebuild
from agora.search.query import TYPES, ParsedQuery, parse
from agora.search.snippets import Marks, matches, snippet

log = logging.getLogger(__name__)
PER_PAGE = 20
MAX_PAGE = 500
ORDERS = ("relevance", "date")
SUGGEST_BELOW = 3  # offer "did you mean" when fewer results than this
PARALLEL_FROM = 20_000  # documents; below this, starting worker processes costs more than it saves


@dataclass
class Result:
    """One result as pages and the API show it; `snippet` is escaped text with <mark> around matches."""

    type: str
    id: int | str
    url: str
    title: str
    snippet: Markup
    detail: str = ""
    author_handle: str | None = None
    author_name: str | None = None
    space_slug: str | None = None
    space_name: str | None = None
    date: datetime | None = None
    score: float = 0.0


@dataclass
class SearchPage:
    """A page of results for one query, with per-type counts, hashtags and a spelling suggestion."""

    q: str
    parsed: ParsedQuery
    type: str | None = None
    order: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    suggestion: str | None = None
    unavailable: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def all_count(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "tag")


def _first_line(text: str, length: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _state_label(hit: Hit) -> str:
    """A question's state as its card says it: overdue is open past the due time."""
    if hit.status == "open" and hit.due is not None and hit.due <= utcnow():
        return _("Overdue")
    return {"open": _("Open"), "answered": _("Answered"), "resolved": _("Resolved")}.get(hit.status, "")


def _result(hit: Hit, marks: Marks) -> Result:
    base = dict(type=hit.type, id=hit.id, url=hit.url, author_handle=hit.author_handle,
                author_name=hit.author_name, space_slug=hit.space_slug, space_name=hit.space_name,
                date=hit.created, score=hit.score)
    if hit.type == "person":
        # The job line ends with the handle (searchable, but not worth showing twice).
        job = hit.extra[: hit.extra.rfind("@")].rstrip(" ·") if "@" in hit.extra else hit.extra
        # Skills and "ask me about" share a field, a line each (profiles/search.py). Shown whole, the
        # line break became a space and a skill also named in "ask me about" read "Pricing Pricing":
        # each line is a part of its own. Show why this person matched: the skills, what to ask them
        # about, the bio, then their job line.
        lines = [line for line in hit.skills.split("\n") if line.strip()]
        text = next((t for t in (*lines, hit.body, job) if matches(t, marks)), lines[0] if lines else hit.body)
        return Result(title=hit.title, snippet=snippet(text, marks), detail=job, **base)
    if hit.type == "space":
        return Result(title=hit.title, snippet=snippet(hit.body, marks), **base)
    if hit.type == "question":
        return Result(title=hit.title, snippet=snippet(hit.body, marks), detail=_state_label(hit), **base)
    if hit.type == "comment":
        title = _("Comment by %(name)s", name=hit.author_name or "")
    else:
        title = _("Post by %(name)s", name=hit.author_name or "")
    return Result(title=title, snippet=snippet(hit.body, marks), **base)


def _normalise_type(doc_type: str | None) -> str | None:
    doc_type = (doc_type or "").strip().lower()
    return doc_type if doc_type in TYPES else None


def search(user, q: str | None, *, doc_type: str | None = None, page: int | None = 1, order: str | None = None,
           per_page: int = PER_PAGE) -> SearchPage:
    """Find what `user` may see for query `q`; never raises on bad input or a broken index."""
    parsed = parse(q)
    try:
        page = min(max(1, int(page or 1)), MAX_PAGE)
    except (TypeError, ValueError):
        page = 1
    result = SearchPage(q=parsed.raw, parsed=parsed, type=_normalise_type(doc_type) or parsed.type,
                        order=order if order in ORDERS else "relevance", page=page, per_page=per_page)
    if parsed.is_empty:
        return result
    if not parsed.groups:
        result.order = "date"  # filters alone: newest first
    app = current_app._get_current_object()
    found = backend(app)
    scope = scope_for(user, found.cache)
    for attempt in (1, 2):
        try:
            catch_up(app)
            hits = found.search(parsed, scope, doc_type=result.type, page=page, per_page=per_page,
                                order=result.order, suggest_below=SUGGEST_BELOW)
            break
        except SearchUnavailable:
            if attempt == 2 or not _repair(app):
                result.unavailable = True
                return result
        except Exception:
            log.exception("search: query failed for %r", parsed.raw)
            if attempt == 2 or not _repair(app):
                result.unavailable = True
                return result
    marks = Marks(parsed.positive_words(), found.terms)
    result.total, result.counts, result.tags, result.suggestion = hits.total, hits.counts, hits.tags, hits.suggestion
    result.results = [_result(hit, marks) for hit in hits.items]
    return result


def _repair(app) -> bool:
    """Rebuild an index that cannot be read; True when it is readable again."""
    found = backend(app)
    if found.available():
        return False  # the index is fine: the failure was elsewhere, do not retry
    try:
        ensure_index(app)
    except Exception:
        log.exception("search: could not start a rebuild")
        return False
    return found.available()


def status() -> dict:
    """Documents indexed, outbox backlog and lag, for `flask search status`."""
    found = backend(current_app)
    with Session(db.engine) as session:
        waiting, lag = backlog(session)
    try:
        documents = found.document_count()
    except SearchUnavailable:
        documents = None
    return {"index_dir": found.location, "generation": found.current_name(), "documents": documents,
            "backlog": waiting, "lag_seconds": lag, "rebuilding": found.rebuild_running()}


def indexing_processes(total: int) -> int:
    """How many processes a rebuild of `total` documents is worth: 2 for large sites on 2+ cores, else 1."""
    return 2 if total >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1


def rebuild_index(app=None, *, progress=None, procs: int = 0, on_total=None) -> int:
    """Rebuild the whole index from the database and swap it in (`procs` 0: chosen by size); returns documents.

    Raises indexer.RebuildRunning when another rebuild holds the lock."""
    from agora.search.sources import registry

    app = app or current_app._get_current_object()
    if procs <= 0:
        with Session(db.engine) as session:
            procs = indexing_processes(registry(app).total(session))
    return rebuild(app, progress=progress, procs=procs, on_total=on_total)
