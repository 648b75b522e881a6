"""The policy's SpaceAccess as index filters: which documents a reader may find, cached.

Documents carry a scope: "all" (every colleague: people, person walls, open and closed spaces'
own documents) or "s<id>" (readers of that space). A reader's scope is "all" plus every space
they read, i.e. the open spaces and `SpaceAccess.readable_ids`; readers of every space get no
filter. Open space ids are cached per process under the "scopes" counter, which moves in the same
transaction as any change of a space's visibility. The Whoosh document set for a scope is cached
per (index generation, spaces), so only the first query after an index change pays for it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from whoosh import query as wq
from whoosh.idsets import BitSet

from agora.core.policy import space_access
from agora.extensions import db
from agora.search.models import SearchState
from agora.search.schema import EVERYONE, scope_of
from agora.search.sources import open_space_ids

CACHE_SIZE = 64


@dataclass(frozen=True)
class Scope:
    """What a reader may find: everything, or documents visible to every colleague plus these spaces."""

    everything: bool
    spaces: frozenset = frozenset()

    def allows(self, visible_in) -> bool:
        return self.everything or visible_in is None or visible_in in self.spaces


class ScopeCache:
    """Per-process caches: open spaces by "scopes" generation, Whoosh doc sets by index generation."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open: tuple[int, frozenset] | None = None
        self._docs: OrderedDict = OrderedDict()

    def open_spaces(self, generation: int) -> frozenset:
        with self._lock:
            if self._open is not None and self._open[0] == generation:
                return self._open[1]
        found = frozenset(open_space_ids(db.session))
        with self._lock:
            self._open = (generation, found)
        return found

    def docs(self, key, compute):
        with self._lock:
            if key in self._docs:
                self._docs.move_to_end(key)
                return self._docs[key]
        found = compute()
        with self._lock:
            self._docs[key] = found
            while len(self._docs) > CACHE_SIZE:
                self._docs.popitem(last=False)
        return found


def scopes_generation() -> int:
    """The "scopes" counter (one small query)."""
    return db.session.scalar(select(SearchState.value).where(SearchState.key == "scopes")) or 0


def scope_for(user, cache: ScopeCache) -> Scope:
    """The reader's Scope, derived from the policy's SpaceAccess."""
    access = space_access(user)
    if access.every:
        return Scope(everything=True)
    return Scope(everything=False, spaces=cache.open_spaces(scopes_generation()) | access.readable_ids)


def whoosh_filter(searcher, scope: Scope, cache: ScopeCache, index_name: str):
    """The Whoosh document numbers `scope` may find (a compact bit set), or None for no restriction.

    Whoosh ignores an empty filter rather than matching nothing: callers check `len()` first.
    """
    if scope.everything:
        return None
    key = (index_name, searcher.reader().generation(), scope.spaces)

    def compute():
        terms = [wq.Term("scope", EVERYONE)] + [wq.Term("scope", scope_of(i)) for i in sorted(scope.spaces)]
        return BitSet(wq.Or(terms).docs(searcher), size=max(1, searcher.doc_count_all()))

    return cache.docs(key, compute)
