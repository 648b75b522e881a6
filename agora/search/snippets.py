"""Highlighted snippets: stored plain text, escaped, with only our own <mark> tags added."""
from __future__ import annotations

from markupsafe import Markup, escape

from agora.search.analysis import tokens_with_chars

SNIPPET = 220
LEAD = 60


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    # Cut at spaces, so no word is shown in half.
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 20 else end
    return start, end


def snippet(text: str, stems: set[str], length: int = SNIPPET) -> Markup:
    """A window of `text` around the first matching words, with matches in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return Markup("")
    matches = [(s, e) for s, e, found in tokens_with_chars(text) if stems.intersection(found)] if stems else []
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


def matches(text: str, stems: set[str]) -> bool:
    return bool(stems) and any(stems.intersection(found) for _, _, found in tokens_with_chars(text or ""))
