"""Fixes to Whoosh-Reloaded's reading code, installed by the Whoosh backend when it starts.

Each one keeps Whoosh's results identical and removes a cost measured at full scale (1M documents).
They replace methods of its `whoosh3` codec, so they are installed only on the exact version they
were written against (WHOOSH_VERSION): any other stops the app at start with a message naming both,
and tests/test_whoosh_patches.py checks that each fix returns what the method it replaces returns.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left

import whoosh
from whoosh.matching import ReadTooFar

from agora.config import StartupError
from agora.search.counting import Lru

WHOOSH_VERSION = "2.7.5"
# Decoded posting blocks kept per worker: about 2 KB each (128 ids and weights as arrays): 8 MB.
BLOCK_CACHE = 4_000


class WhooshVersionError(StartupError):
    """The installed Whoosh-Reloaded is not the version the fixes were written against."""


def installed_version() -> str:
    return ".".join(str(part) for part in whoosh.__version__)


def check_version() -> None:
    """Raise WhooshVersionError unless the installed Whoosh-Reloaded is WHOOSH_VERSION."""
    installed = installed_version()
    if installed != WHOOSH_VERSION:
        raise WhooshVersionError(
            f"Search cannot start: Whoosh-Reloaded {installed} is installed, but Agora's fixes to its "
            f"reading code (agora/search/whoosh_patches.py) were written for Whoosh-Reloaded {WHOOSH_VERSION}.\n"
            f"Install that version (pip install 'Whoosh-Reloaded=={WHOOSH_VERSION}', as pyproject.toml says), "
            f"or check each fix against {installed} and update WHOOSH_VERSION.")


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
_originals: dict[tuple[type, str], object] = {}  # Whoosh's own methods, kept when the fixes go in
# Whoosh's own block readers, bound by patch_whoosh (a module global: called for every block read).
_read_ids_from_disk = _read_weights_from_disk = None


def original(cls: type, name: str):
    """Whoosh's own method `name` of `cls`, as it was before `patch_whoosh` replaced it."""
    return _originals.get((cls, name)) or cls.__dict__[name]


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


def fixes() -> list[tuple[type, str, object]]:
    """(Whoosh class, method name, its replacement) for each fix."""
    # Imported here, after the version check: another version may not have these classes at all.
    from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader

    return [(W3PerDocReader, "_cached_reader", _cached_column_reader), (W3LeafMatcher, "skip_to", _skip_to),
            (W3LeafMatcher, "_read_ids", _read_ids), (W3LeafMatcher, "_read_weights", _read_weights)]


def patch_whoosh() -> None:
    """Check the installed Whoosh-Reloaded's version, then install the fixes (idempotent)."""
    global _read_ids_from_disk, _read_weights_from_disk
    check_version()
    for cls, name, fix in fixes():
        own = cls.__dict__[name]
        if own is not fix:
            _originals.setdefault((cls, name), own)
            setattr(cls, name, fix)
    from whoosh.codec.whoosh3 import W3LeafMatcher

    _read_ids_from_disk = original(W3LeafMatcher, "_read_ids")
    _read_weights_from_disk = original(W3LeafMatcher, "_read_weights")
