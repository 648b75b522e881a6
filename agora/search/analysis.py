"""One analyzer for French and English text: case, accents, elision, and both languages' stemmers.

Each word is lowercased, stripped of a French elided article (l', d', qu', ...) or an English
possessive, folded to plain ASCII letters, then stemmed twice: the French and the English
Snowball stemmers each emit a token at the same position when they disagree. A query word is
looked up under both its stems, so a match needs only one stem in common:
employés/employé and réseaux/réseau meet on the French stem, companies/company and
managers/manager on the English one, and meetings/meeting on the French one (which keeps
"meeting" whole). Stemming the folded form keeps the result independent of how a word was typed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang import stemmer_for_language

from agora.core.folding import fold

# Apostrophes inside a word keep it whole so that elision can look at it ("l'entreprise", "aujourd’hui").
WORD_RE = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
ELIDED = ("l", "d", "j", "n", "s", "c", "t", "m", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
_ELISION_RE = re.compile(r"^(?:" + "|".join(ELIDED) + r")['’](?=\w)")
_POSSESSIVE_RE = re.compile(r"['’]s$")
MAX_WORD = 60

_french = stemmer_for_language("fr")
_english = stemmer_for_language("en")


@lru_cache(maxsize=50_000)
def normalise(word: str) -> str:
    """One raw word as it is compared: no elided article or possessive, folded, no apostrophes."""
    word = word.lower()
    word = _ELISION_RE.sub("", word)
    word = _POSSESSIVE_RE.sub("", word)
    return fold(word).replace("'", "").replace("’", "")[:MAX_WORD]


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """The French and English stems of a normalised word (one when they agree)."""
    if not word.isalpha():
        return (word,)
    fr, en = _french(word), _english(word)
    return (fr,) if fr == en else (fr, en)


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order (for queries, spelling and phrase building)."""
    found = []
    for match in WORD_RE.finditer(text or ""):
        word = normalise(match.group(0))
        if word:
            found.append(word)
    return found


def query_stems(word: str) -> tuple[str, ...]:
    """Index terms a raw query word matches."""
    word = normalise(word)
    return stems(word) if word else ()


class NormaliseFilter(Filter):
    """Elision, possessives, case and accents (see `normalise`); empty words are dropped."""

    def __call__(self, tokens):
        for t in tokens:
            text = normalise(t.text)
            if text:
                t.text = text
                yield t


class DualStemFilter(Filter):
    """Emit the French stem, then the English one at the same position when it differs."""

    def __call__(self, tokens):
        for t in tokens:
            found = stems(t.text)
            t.text = found[0]
            yield t
            if len(found) > 1:
                t.text = found[1]
                yield t


def analyzer():
    """The analyzer of every searchable text field."""
    return RegexTokenizer(expression=WORD_RE) | NormaliseFilter() | DualStemFilter()


def tokens_with_chars(text: str):
    """(start, end, stems) for each word of `text`, for highlighting."""
    for match in WORD_RE.finditer(text or ""):
        word = normalise(match.group(0))
        if word:
            yield match.start(), match.end(), stems(word)
