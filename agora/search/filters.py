"""The policy's SpaceAccess as a search scope: which documents a reader may find (no engine here).

Documents carry a scope: "all" (every colleague: people, person walls, open and closed spaces'
own documents) or "s<id>" (readers of that space). A reader's scope is "all" plus every space
they read, i.e. the open spaces and `SpaceAccess.readable_ids`; readers of every space get no
filter. Open space ids are cached per process under the "scopes" counter, which moves in the same
transaction as any change of a space's visibility. Each backend turns a Scope into its own filter,
once per search (the Whoosh backend's: agora.search.whoosh_filter).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select

from agora.core.policy import space_access
from agora.extensions import db
from agora.search.models import SearchState
from agora.search.sources import open_space_ids


@dataclass(frozen=True)
class Scope:
    """What a reader may find: everything, or documents visible to every colleague plus these spaces."""

    everything: bool
    spaces: frozenset = frozenset()

    def allows(self, visible_in) -> bool:
        return self.everything or visible_in is None or visible_in in self.spaces


class ScopeCache:
    """Per-process cache of the open spaces, by "scopes" generation."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open: tuple[int, frozenset] | None = None

    def open_spaces(self, generation: int) -> frozenset:
        with self._lock:
            if self._open is not None and self._open[0] == generation:
                return self._open[1]
        found = frozenset(open_space_ids(db.session))
        with self._lock:
            self._open = (generation, found)
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
