"""The policy's SpaceAccess as index filters: which documents a reader may find, cached.

Documents carry a scope: "all" (every colleague: people, person walls, open and closed spaces'
own documents) or "s<id>" (readers of that space). A reader's scope is "all" plus every space
they read, i.e. the open spaces and `SpaceAccess.readable_ids`; readers of every space get no
filter. Open space ids are cached per process under the "scopes" counter, which moves in the same
transaction as any change of a space's visibility. The Whoosh document set for a scope is cached
per (segment, spaces): after a commit, only the new small segments are computed.
"""
from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from dataclasses import dataclass

from sqlalchemy import select
from whoosh.idsets import BitSet, DocIdSet

from agora.core.policy import space_access
from agora.extensions import db
from agora.search.counting import Lru, docs_of
from agora.search.models import SearchState
from agora.search.schema import EVERYONE, scope_of
from agora.search.sources import open_space_ids

CACHE_SIZE = 512  # (segment, spaces) bit sets: about 1 kB per 10,000 documents each


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
        self._docs = Lru(CACHE_SIZE)

    def open_spaces(self, generation: int) -> frozenset:
        with self._lock:
            if self._open is not None and self._open[0] == generation:
                return self._open[1]
        found = frozenset(open_space_ids(db.session))
        with self._lock:
            self._open = (generation, found)
        return found

    def docs(self, key, compute):
        return self._docs.get(key, compute)


def scopes_generation() -> int:
    """The "scopes" counter (one small query)."""
    return db.session.scalar(select(SearchState.value).where(SearchState.key == "scopes")) or 0


def scope_for(user, cache: ScopeCache) -> Scope:
    """The reader's Scope, derived from the policy's SpaceAccess."""
    access = space_access(user)
    if access.every:
        return Scope(everything=True)
    return Scope(everything=False, spaces=cache.open_spaces(scopes_generation()) | access.readable_ids)


_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


class _Segment(BitSet):
    """One segment's allowed documents, with its size counted once (Whoosh's BitSet counts on every len())."""

    def __init__(self, mask: bytearray):
        # Packed at C speed: the mask (one byte per document) read as a binary number, lowest
        # document in the lowest bit, which is BitSet's layout. No Python object per document.
        super().__init__(size=8)
        size = max(1, len(mask))
        digits = mask.translate(_AS_DIGITS)[::-1] or b"0"
        self.bits = array("B", int(digits, 2).to_bytes((size + 7) // 8, "little"))
        self.count = mask.count(1)

    def __len__(self):
        return self.count


class Allowed(DocIdSet):
    """The allowed documents of a multi-segment index, as per-segment bit sets at their offsets.

    Segments never change their documents (deletions aside, which searches skip anyway), so a
    segment's bit set is cached by segment id: after a commit only the new, small segments are
    computed, not the whole index.
    """

    def __init__(self, parts: list[tuple[int, _Segment]]):
        self.offsets = [offset for offset, _ in parts]
        self.parts = [part for _, part in parts]
        self.count = sum(part.count for part in self.parts)

    def __contains__(self, docnum) -> bool:
        i = bisect_right(self.offsets, docnum) - 1
        return i >= 0 and (docnum - self.offsets[i]) in self.parts[i]

    def __len__(self):
        return self.count

    def __bool__(self):
        return True  # an empty filter must still filter (Whoosh skips falsy ones)

    def __iter__(self):
        for offset, part in zip(self.offsets, self.parts, strict=True):
            for docnum in part:
                yield offset + docnum


def _docs_in(reader, names: list[str], size: int) -> bytearray:
    # Each scope's posting list read a block at a time: several times faster than an Or query's
    # matcher, and a byte per document rather than a set of int objects (tens of MB at 1M documents).
    mask = bytearray(size)
    for name in names:
        if ("scope", name) in reader:
            for docnum in docs_of(reader, "scope", name):
                mask[docnum] = 1
    return mask


def whoosh_filter(searcher, scope: Scope, cache: ScopeCache, index_name: str):
    """The Whoosh documents `scope` may find, or None for no restriction; callers check len() for none."""
    if scope.everything:
        return None
    names = [EVERYONE] + [scope_of(i) for i in sorted(scope.spaces)]
    parts = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        size = reader.doc_count_all()
        segment = reader.segment()  # None for an empty index
        key = (index_name, segment.segid if segment is not None else None, size, scope.spaces)
        parts.append((offset, cache.docs(key, lambda: _Segment(_docs_in(reader, names, size)))))  # noqa: B023 (called in this iteration)
    return Allowed(parts)
