"""Words as search compares them, in French and English: case, accents, elision. Imports no engine.

Each word is lowercased, stripped of a French elided article (l', d', qu', ...) or an English
possessive, and folded to plain ASCII letters. Stemming is the backend's (the Whoosh backend's is
in agora.search.analysis), so that it is the same for the index and for the words a result marks
as matched.
"""
from __future__ import annotations

import re
from functools import lru_cache

from agora.core.folding import fold

# Apostrophes inside a word keep it whole so that elision can look at it ("l'entreprise", "aujourd’hui").
WORD_RE = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
ELIDED = ("l", "d", "j", "n", "s", "c", "t", "m", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
_ELISION_RE = re.compile(r"^(?:" + "|".join(ELIDED) + r")['’](?=\w)")
_POSSESSIVE_RE = re.compile(r"['’]s$")
MAX_WORD = 60


@lru_cache(maxsize=50_000)
def normalise(word: str) -> str:
    """One raw word as it is compared: no elided article or possessive, folded, no apostrophes."""
    word = word.lower()
    word = _ELISION_RE.sub("", word)
    word = _POSSESSIVE_RE.sub("", word)
    return fold(word).replace("'", "").replace("’", "")[:MAX_WORD]


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order (for queries, spelling and phrase building)."""
    found = []
    for match in WORD_RE.finditer(text or ""):
        word = normalise(match.group(0))
        if word:
            found.append(word)
    return found


def tokens_with_chars(text: str):
    """(start, end, normalised word) for each word of `text`, for highlighting."""
    for match in WORD_RE.finditer(text or ""):
        word = normalise(match.group(0))
        if word:
            yield match.start(), match.end(), word
