"""The query language: what people type, parsed into a tree every backend translates (no engine here).

Syntax: words (all required), "exact phrases", -excluded words or phrases, `a OR b`, and the
filters author:handle, space:slug, tag:name, type:post|question|comment|person|space|tag,
is:open|overdue|unanswered|answered|resolved (a question's state, as the questions lists name them:
open has time left, overdue is past its due time, unanswered is either), before:YYYY-MM-DD
(strictly before that day) and after:YYYY-MM-DD (from that day on).
Anything that does not parse as one of these (an unknown filter, a bad date, a lone quote or
OR) is read as plain words: a query never fails.

The tree: `ParsedQuery.groups` are ANDed, each an OR of `Clause`s (a word or a phrase, as
normalised words); `excluded` clauses are subtracted; the filters narrow it. Each backend
translates it once per search (the Whoosh backend's translation: agora.search.whoosh_query).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from agora.core.folding import fold
from agora.search.text import words

TYPES = ("post", "question", "comment", "person", "space", "tag")
STATES = ("open", "overdue", "unanswered", "answered", "resolved")
FILTERS = ("author", "space", "tag", "type", "is", "before", "after")
_ATTRIBUTES = {"is": "state"}  # `is` is a Python keyword: the filter is kept as ParsedQuery.state
MAX_QUERY = 400
MAX_CLAUSES = 24
_HANDLE_RE = re.compile(r"^[\w.-]{1,63}$", re.UNICODE)


@dataclass
class Clause:
    """A word or a phrase, as normalised words (a word typed as "e-mail" becomes a two-word phrase)."""

    words: tuple[str, ...]
    raw: str
    phrase: bool = False


@dataclass
class ParsedQuery:
    """What a query asks for; `parts` keeps the typed chunks so a corrected query can be written back."""

    raw: str
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)
    author: str | None = None
    space: str | None = None
    tag: str | None = None
    type: str | None = None
    state: str | None = None  # is:
    before: datetime | None = None
    after: datetime | None = None
    parts: list[str] = field(default_factory=list)
    word_parts: dict[int, str] = field(default_factory=dict)  # index in parts -> normalised single word

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, _ATTRIBUTES.get(name, name)) is not None for name in FILTERS)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.has_filters

    def positive_words(self) -> list[str]:
        return [w for group in self.groups for clause in group for w in clause.words]


def _date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None


def _filter(parsed: ParsedQuery, name: str, value: str) -> bool:
    """Apply `name:value`; False when the value is not valid, so the chunk is read as words."""
    value = value.strip('"')
    if name in ("before", "after"):
        day = _date(value)
        if day is None:
            return False
        setattr(parsed, name, day)
        return True
    if name == "type":
        value = {"people": "person", "posts": "post", "questions": "question", "comments": "comment",
                 "spaces": "space", "tags": "tag"}.get(value.lower(), value.lower())
        if value not in TYPES:
            return False
        parsed.type = value
        return True
    if name == "is":
        if value.lower() not in STATES:
            return False
        parsed.state = value.lower()
        return True
    value = value.lstrip("@#")
    if not _HANDLE_RE.match(value):
        return False
    setattr(parsed, name, fold(value) if name == "tag" else value.lower())
    return True


def _chunks(text: str):
    """(negated, is_phrase, text) for each chunk; an unbalanced quote is dropped."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end != -1:
                yield negated, True, text[i + 1:end]
                i = end + 1
                continue
            i += 1  # a lone quote: the rest is plain words
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        yield negated, False, text[i:end]
        i = end


def parse(text: str | None) -> ParsedQuery:
    """Read a query; never raises."""
    text = (text or "").replace("\x00", " ")[:MAX_QUERY]
    parsed = ParsedQuery(raw=text.strip())
    join_next = False
    for negated, is_phrase, chunk in _chunks(text):
        if not is_phrase and chunk == "OR" and not negated:
            join_next = bool(parsed.groups)
            parsed.parts.append(chunk)
            continue
        if not is_phrase and ":" in chunk:
            name, _, value = chunk.partition(":")
            if name.lower() in FILTERS and value and not negated and _filter(parsed, name.lower(), value):
                parsed.parts.append(chunk)
                join_next = False
                continue
        found = tuple(words(chunk))
        if not found:
            continue
        clause = Clause(found, chunk, phrase=is_phrase or len(found) > 1)
        if len(parsed.groups) + len(parsed.excluded) >= MAX_CLAUSES:
            break
        parsed.parts.append(("-" if negated else "") + (f'"{chunk}"' if is_phrase else chunk))
        if negated:
            parsed.excluded.append(clause)
        elif join_next and parsed.groups:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        if not negated and not clause.phrase:
            parsed.word_parts[len(parsed.parts) - 1] = found[0]
        join_next = False
    return parsed
