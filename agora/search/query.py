"""The query language: parsing what people type, and its translation to a Whoosh query.

Syntax: words (all required), "exact phrases", -excluded words or phrases, `a OR b`, and the
filters author:handle, space:slug, tag:name, type:post|comment|person|space|tag,
before:YYYY-MM-DD (strictly before that day) and after:YYYY-MM-DD (from that day on).
Anything that does not parse as one of these (an unknown filter, a bad date, a lone quote or
OR) is read as plain words: a query never fails.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from whoosh import query as wq

from agora.core.folding import fold
from agora.search.analysis import normalise, query_stems, words
from agora.search.schema import BOOSTS, TEXT_FIELDS

TYPES = ("post", "comment", "person", "space", "tag")
FILTERS = ("author", "space", "tag", "type", "before", "after")
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
    before: datetime | None = None
    after: datetime | None = None
    parts: list[str] = field(default_factory=list)
    word_parts: dict[int, str] = field(default_factory=dict)  # index in parts -> normalised single word

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) is not None for name in FILTERS)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.has_filters

    def positive_words(self) -> list[str]:
        return [w for group in self.groups for clause in group for w in clause.words]

    def highlight_stems(self) -> set[str]:
        return {stem for w in self.positive_words() for stem in query_stems(w)}


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
        value = {"people": "person", "posts": "post", "comments": "comment", "spaces": "space",
                 "tags": "tag"}.get(value.lower(), value.lower())
        if value not in TYPES:
            return False
        parsed.type = value
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


# --- Whoosh -------------------------------------------------------------------------
def _word(word: str) -> wq.Query:
    stems = query_stems(word)
    terms = [wq.Term(name, stem, boost=BOOSTS[name]) for name in TEXT_FIELDS for stem in stems]
    terms.append(wq.Term("tags", normalise(word), boost=BOOSTS["tags"]))
    return wq.Or(terms)


def _phrase(clause: Clause) -> wq.Query:
    # The first stem of each word is always indexed at its position, so a phrase matches on those.
    stems = [query_stems(w)[0] for w in clause.words]
    return wq.Or([wq.Phrase(name, stems, boost=BOOSTS[name]) for name in TEXT_FIELDS])


def _clause(clause: Clause) -> wq.Query:
    return _phrase(clause) if clause.phrase else _word(clause.words[0])


def to_whoosh(parsed: ParsedQuery, space_id_for=None, doc_type: str | None = None) -> wq.Query:
    """The Whoosh query for `parsed`; `space_id_for(slug)` resolves space: filters."""
    parts: list[wq.Query] = []
    for group in parsed.groups:
        parts.append(_clause(group[0]) if len(group) == 1 else wq.Or([_clause(c) for c in group]))
    if parsed.author:
        parts.append(wq.Term("author", parsed.author))
    if parsed.space:
        space_id = space_id_for(parsed.space) if space_id_for else None
        parts.append(wq.Term("in_space", f"s{space_id}") if space_id is not None else wq.NullQuery)
    if parsed.tag:
        parts.append(wq.Term("tags", parsed.tag))
    kind = doc_type or parsed.type
    if kind:
        parts.append(wq.Term("type", kind))
    if parsed.before or parsed.after:
        end = parsed.before - timedelta(microseconds=1) if parsed.before else None
        parts.append(wq.DateRange("created", parsed.after, end))
    if not parts:
        parts.append(wq.Every())
    result = parts[0] if len(parts) == 1 else wq.And(parts)
    if parsed.excluded:
        result = wq.AndNot(result, wq.Or([_clause(c) for c in parsed.excluded]))
    return result
