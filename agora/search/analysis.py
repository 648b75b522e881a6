"""The Whoosh backend's analysis: both languages' stemmers, and the analyzer of every text field.

(Indexes store their schema pickled, with these filters named by this module's path: it keeps its name.)

A normalised word (agora.search.text) is stemmed twice: the French and the English Snowball
stemmers (shipped with Whoosh) each emit a token at the same position when they disagree. A query
word is looked up under both its stems, so a match needs only one stem in common:
employés/employé and réseaux/réseau meet on the French stem, companies/company and
managers/manager on the English one, and meetings/meeting on the French one (which keeps
"meeting" whole). Stemming the folded form keeps the result independent of how a word was typed.
"""
from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang import stemmer_for_language

from agora.search.text import WORD_RE, normalise

_french = stemmer_for_language("fr")
_english = stemmer_for_language("en")


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """The French and English stems of a normalised word (one when they agree)."""
    if not word.isalpha():
        return (word,)
    fr, en = _french(word), _english(word)
    return (fr,) if fr == en else (fr, en)


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
