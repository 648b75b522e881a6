"""'Did you mean': the index word closest to a misspelt one, the most used first among equals.

Whoosh's own corrector ranks every candidate within the distance alike and orders them by their
frequency in the `words` field, which a full build caps (see WORDS_PER_TERM): at company scale the
choice fell to the alphabet ("projte" gave "prytte", "reunoin" gave "reunions"). Here a candidate
ranks by its true edit distance, a swap of two letters counting one, then by how many documents use it.
"""
from __future__ import annotations

from agora.search.analysis import stems

MAX_DISTANCE = 2
# The first letter must match, as in most spell checkers: typos rarely hit it, and without it the
# candidates are every word of the index (2-3 s a search at a million posts; with it 0.01-0.2 s).
PREFIX = 1
POPULARITY_FIELDS = ("body", "title")


def distance(a: str, b: str) -> int:
    """Edit distance where inserting, deleting, replacing or swapping two adjacent letters costs one."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


def _popularity(reader, word: str) -> int:
    return max(reader.doc_frequency(field, stem) for stem in stems(word) for field in POPULARITY_FIELDS)


def correction(reader, word: str) -> str | None:
    """The index word to offer for `word` (normalised), or None when nothing is close enough."""
    ranked = []
    for candidate in reader.terms_within("words", word, MAX_DISTANCE, prefix=PREFIX):
        # Whoosh's automaton counts a swap as two edits, so its candidates are a superset of ours.
        gap = distance(word, candidate)
        if 0 < gap <= MAX_DISTANCE:
            ranked.append((gap, -_popularity(reader, candidate), candidate))
    return min(ranked)[2] if ranked else None
