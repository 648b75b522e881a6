"""The query tree (agora.search.query) in Whoosh terms, translated once per search."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from whoosh import query as wq

from agora.core.time import utcnow
from agora.search.analysis import query_stems
from agora.search.query import Clause, ParsedQuery
from agora.search.schema import BOOSTS, TEXT_FIELDS
from agora.search.text import normalise


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


@dataclass(frozen=True)
class WhooshQuery:
    """A ParsedQuery as Whoosh queries; `query(kind)` assembles them for one document type or all."""

    parts: tuple[wq.Query, ...]  # the words, then the author, space, tag and state filters
    dates: wq.Query | None
    excluded: wq.Query | None

    def query(self, kind: str | None = None) -> wq.Query:
        # The type goes between the filters and the dates, where a query built in one piece had it:
        # the same tree, so the same scores and the same cached counts (keyed by its repr).
        parts = list(self.parts)
        if kind:
            parts.append(wq.Term("type", kind))
        if self.dates is not None:
            parts.append(self.dates)
        if not parts:
            parts.append(wq.Every())
        result = parts[0] if len(parts) == 1 else wq.And(parts)
        return wq.AndNot(result, self.excluded) if self.excluded is not None else result


def _state(state: str, now: datetime) -> wq.Query:
    # Overdue is open past the due time: it changes with the clock, not the document, so it is
    # read against the due time stored in the index. `now` is to the minute, so the query (and
    # its cached counts, keyed by the query) stays the same for a minute.
    if state == "open":
        return wq.And([wq.Term("status", "open"), wq.DateRange("due", now, None, startexcl=True)])
    if state == "overdue":
        return wq.And([wq.Term("status", "open"), wq.DateRange("due", None, now)])
    return wq.Term("status", "open" if state == "unanswered" else state)


def translate(parsed: ParsedQuery, space_id_for=None, now: datetime | None = None) -> WhooshQuery:
    """`parsed` in Whoosh terms; `space_id_for(slug)` resolves a space: filter (an index lookup); `now`
    (UTC, default the clock) is when is:open and is:overdue are judged."""
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
    if parsed.state:
        parts.append(_state(parsed.state, (now or utcnow()).replace(second=0, microsecond=0)))
    dates = None
    if parsed.before or parsed.after:
        end = parsed.before - timedelta(microseconds=1) if parsed.before else None
        dates = wq.DateRange("created", parsed.after, end)
    excluded = wq.Or([_clause(c) for c in parsed.excluded]) if parsed.excluded else None
    return WhooshQuery(tuple(parts), dates, excluded)
