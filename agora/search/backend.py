"""The search backend interface: what the search services and the indexer need from an engine.

Whoosh implements it (agora.search.whoosh_index, with whoosh_query, whoosh_filter, analysis,
schema, counting, spelling and whoosh_patches); a PostgreSQL full-text backend could implement the
same methods for deployments that outgrow one machine, without importing Whoosh.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from agora.search.filters import Scope, ScopeCache
from agora.search.query import ParsedQuery
from agora.search.sources import Key


class SearchUnavailable(Exception):
    """The index is missing or cannot be read; a rebuild repairs it."""


@dataclass
class Hit:
    """One document found, with what the results page shows about it (stored fields, never HTML)."""

    type: str
    id: int
    url: str
    title: str = ""
    body: str = ""
    skills: str = ""
    extra: str = ""
    author_handle: str | None = None
    author_name: str | None = None
    space_slug: str | None = None
    space_name: str | None = None
    created: datetime | None = None
    status: str = ""  # a question's open, answered or resolved
    due: datetime | None = None  # an open question is overdue from then on
    score: float = 0.0


@dataclass
class Hits:
    """A page of results, the number of matches of each type, matching hashtags, a corrected query."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)
    items: list[Hit] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    suggestion: str | None = None


class SearchBackend(ABC):
    """What search needs from an engine: the Whoosh backend here, PostgreSQL full text could follow.

    Search calls nothing else, and the modules that hold the query tree, the scope and these types
    import no engine (a test keeps them so). Per search, a backend gets the parsed query and the
    reader's Scope once, translates the query into its own terms once and builds its permission
    filter once; everything it counts and ranks stays inside that filter.
    """

    def __init__(self):
        self.cache = ScopeCache()  # open spaces, shared by every search of this process
        self.rebuild_thread: threading.Thread | None = None

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the index lives, for `flask search status` (a folder, a database table)."""

    @abstractmethod
    def current_name(self) -> str | None:
        """The live index generation, or None when there is none yet (a rebuild creates it)."""

    @abstractmethod
    def write_lock(self, blocking: bool = False):
        """A context manager yielding True while this process alone writes; False at once if busy."""

    @abstractmethod
    def rebuild_lock(self, blocking: bool = False):
        """The same for a whole rebuild."""

    def rebuild_running(self) -> bool:
        """True while a rebuild holds its lock, in any process."""
        with self.rebuild_lock() as free:
            return not free

    @abstractmethod
    def available(self) -> bool:
        """True when the index can answer queries."""

    @abstractmethod
    def document_count(self) -> int:
        """Documents in the live index (raises SearchUnavailable)."""

    @abstractmethod
    def apply(self, docs: dict[Key, dict | None], target: str | None = None) -> bool:
        """Add, replace (dict) or remove (None) documents in one commit; False if another writer is busy."""

    @abstractmethod
    def search(self, parsed: ParsedQuery, scope: Scope, *, doc_type: str | None, page: int, per_page: int,
               order: str, suggest_below: int = 0) -> Hits:
        """Documents matching `parsed` that `scope` may see (raises SearchUnavailable).

        `doc_type` picks the page's type (counts stay for every type); `order` is "relevance" or
        "date". When fewer than `suggest_below` match, `Hits.suggestion` is a corrected query that
        finds something `scope` may see, written from the index's own words.
        """

    @abstractmethod
    def terms(self, word: str) -> tuple[str, ...]:
        """The index terms a normalised word matches (its stems), so results mark the words that matched."""

    @abstractmethod
    def build(self, batches, progress=None, procs: int = 1) -> str:
        """Index every document into a new generation; returns its name (not live until `swap`)."""

    @abstractmethod
    def swap(self, name: str) -> None:
        """Make generation `name` the live index."""
