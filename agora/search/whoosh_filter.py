"""A search Scope as a Whoosh filter: the documents a reader may find, as cached per-segment bit sets.

The document set for a scope is cached per (segment, spaces): after a commit, only the new small
segments are computed. The Whoosh backend builds it once per search.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right

from whoosh.idsets import BitSet, DocIdSet

from agora.search.counting import Lru, docs_of
from agora.search.filters import Scope
from agora.search.schema import EVERYONE, scope_of

CACHE_SIZE = 512  # (segment, spaces) bit sets: about 1 kB per 10,000 documents each


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


def whoosh_filter(searcher, scope: Scope, cache: Lru, index_name: str):
    """The Whoosh documents `scope` may find, or None for no restriction; callers check len() for none.

    `cache` (an Lru of CACHE_SIZE, one per backend) keeps each segment's bit set.
    """
    if scope.everything:
        return None
    names = [EVERYONE] + [scope_of(i) for i in sorted(scope.spaces)]
    parts = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        size = reader.doc_count_all()
        segment = reader.segment()  # None for an empty index
        key = (index_name, segment.segid if segment is not None else None, size, scope.spaces)
        parts.append((offset, cache.get(key, lambda: _Segment(_docs_in(reader, names, size)))))  # noqa: B023 (called in this iteration)
    return Allowed(parts)
