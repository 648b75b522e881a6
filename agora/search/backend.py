"""The search backend interface: what the search services need from an engine.

Whoosh implements it (agora.search.whoosh_index); a PostgreSQL full-text backend could implement
the same methods for deployments that outgrow one machine.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from agora.search.filters import Scope
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
    score: float = 0.0


@dataclass
class Hits:
    """A page of results, the number of matches of each type, and matching hashtags."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)
    items: list[Hit] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)


class SearchBackend(ABC):
    """What the search services need from an engine (Whoosh here; PostgreSQL full text could follow)."""

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
               order: str) -> Hits:
        """Documents matching `parsed` that `scope` may see (raises SearchUnavailable)."""

    @abstractmethod
    def suggest(self, parsed: ParsedQuery, scope: Scope) -> str | None:
        """A corrected query that finds something for `scope`, from the index's own words."""

    @abstractmethod
    def build(self, batches, progress=None, procs: int = 1) -> str:
        """Index every document into a new generation; returns its name (not live until `swap`)."""

    @abstractmethod
    def swap(self, name: str) -> None:
        """Make generation `name` the live index."""


