"""Fixes to Whoosh-Reloaded 2.7's reading code, applied once when the search backend loads.

Each one keeps Whoosh's results identical and removes a cost measured at full scale (1M documents);
they replace methods of its `whoosh3` codec, so they are pinned to the 2.7 series (pyproject.toml).
"""
from __future__ import annotations

from array import array
from bisect import bisect_left

from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.matching import ReadTooFar

from agora.search.counting import Lru

# Decoded posting blocks kept per worker: about 2 KB each (128 ids and weights as arrays): 8 MB.
BLOCK_CACHE = 4_000


def _cached_column_reader(self, fieldname, column):
    # Whoosh 2.7's per-document reader caches found columns but not missing ones, so every posting
    # of a field without lengths (ID, KEYWORD) stats the disk while a segment is written: a tenth
    # of indexing time. Same lookups, cached either way.
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


def _skip_to(self, targetid):
    # Whoosh 2.7 steps through a posting block one id at a time to reach a target; the ids are
    # sorted, so a bisection lands there at once. Intersections (filters, phrases) jump a lot.
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    if targetid > self.block_max_id():
        self._skip_to_block(lambda: targetid > self.block_max_id())
        if not self.is_active():
            return
    if self._ids is None:
        self._read_ids()
    # The block's maximum is at least targetid here, so the position stays inside the block.
    self._i = bisect_left(self._ids, targetid, self._i)



_blocks = Lru(BLOCK_CACHE)
_read_ids_from_disk = W3LeafMatcher._read_ids
_read_weights_from_disk = W3LeafMatcher._read_weights


def _block(self) -> tuple:
    # Whoosh 2.7 inflates, unpickles and delta-decodes a posting block each time a matcher enters it,
    # and a query enters the same blocks on every search (a filtered common word: ~700 blocks, 40% of
    # its time). Segment files never change once written: the ids and weights are kept, by file and
    # offset, as compact arrays (positions are read from disk when a phrase needs them).
    def decode():
        _read_ids_from_disk(self)
        _read_weights_from_disk(self)
        ids = self._ids if self._byteids else array("I", self._ids)
        return ids, self._weights

    return _blocks.get((self._postfile._name, self._dataoffset), decode)


def _read_ids(self):
    if getattr(self, "bulk", False):  # a whole-list scan (counting): read once, keep nothing
        return _read_ids_from_disk(self)
    self._ids = _block(self)[0]


def _read_weights(self):
    if getattr(self, "bulk", False):
        return _read_weights_from_disk(self)
    self._weights = _block(self)[1]


def patch_whoosh() -> None:
    """Install the fixes (idempotent)."""
    W3PerDocReader._cached_reader = _cached_column_reader
    W3LeafMatcher.skip_to = _skip_to
    W3LeafMatcher._read_ids = _read_ids
    W3LeafMatcher._read_weights = _read_weights
