"""Highlighted snippets: stored plain text, escaped, with only our own <mark> tags added."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

from agora.search.text import tokens_with_chars

SNIPPET = 220
LEAD = 60


class Marks:
    """What a result marks: the words that share an index term with a query word, by the backend's terms."""

    def __init__(self, words: Iterable[str], terms: Callable[[str], tuple[str, ...]]):
        self.terms = terms
        self.wanted = {term for word in words for term in terms(word)}

    def __bool__(self) -> bool:
        return bool(self.wanted)

    def wants(self, word: str) -> bool:
        return not self.wanted.isdisjoint(self.terms(word))


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    # Cut at spaces, so no word is shown in half.
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 20 else end
    return start, end


def snippet(text: str, marks: Marks, length: int = SNIPPET) -> Markup:
    """A window of `text` around the first matching words, with matches in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return Markup("")
    matches = [(s, e) for s, e, word in tokens_with_chars(text) if marks.wants(word)] if marks else []
    start = max(0, matches[0][0] - LEAD) if matches else 0
    start, end = _cut(text, start, min(len(text), start + length))
    out = [Markup("…") if start > 0 else Markup("")]
    pos = start
    for s, e in matches:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>%s</mark>") % text[s:e])
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def matches(text: str, marks: Marks) -> bool:
    return bool(marks) and any(marks.wants(word) for _, _, word in tokens_with_chars(text or ""))
