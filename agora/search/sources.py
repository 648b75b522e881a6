"""What features tell search through the "search.sources" hook: which rows become which documents.

Search imports no feature. Each feature registers a function returning `Source`s; a Source says
which ORM classes to watch (a change to one of them names the documents to reindex), how to load
current documents by id, and how to walk every id for a rebuild; it may also amend another
source's documents with what only its feature knows (questions lift the comments that are accepted
answers). The "search.open_spaces" hook answers which spaces every colleague may read.

A document is a dict with these keys (all optional but `type`, `id` and `url`):
  type, id, url, title, body, skills, extra, created (datetime),
  visible_in (None: every colleague; a space id: that space's readers),
  space_id, space_name, space_slug, author_handle, author_name, tags (list of folded slugs), slug,
  status (a question's open, answered or resolved: the is: filter), due (datetime: an open question
  is overdue from then on), boost (a number above 1 ranks the document above its peers).
A person's `skills` holds one part a line (the skills, then "ask me about"); results show the part that matched.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import Flask, current_app

from agora.core.hooks import hooks

Key = tuple[str, int]
# watch(session, obj, change) -> keys to reindex; change is "new", "dirty" or "deleted".
Watch = Callable[[object, object, str], Iterable[Key]]
# amend(session, docs by id): adds to another source's freshly loaded documents, in place.
Amend = Callable[[object, dict[int, dict]], None]


@dataclass(frozen=True)
class Source:
    """One document type: how to load it, how to list it, and which row changes concern it."""

    doc_type: str
    load: Callable[[object, list[int]], dict[int, dict]]  # (session, ids) -> searchable documents by id
    ids_after: Callable[[object, int | None, int], list[int]]  # (session, after, limit): keyset walk for rebuilds
    count: Callable[[object], int]
    watch: dict[type, Watch] = field(default_factory=dict)
    # (obj, change) -> True when this change alters who may read some space (creation, visibility, removal).
    scopes_changed: Callable[[object, str], bool] | None = None
    # {another document type: amend}: what this feature adds to those documents whenever they are loaded.
    amend: dict[str, Amend] = field(default_factory=dict)


class _Text(HTMLParser):
    BLOCKS = {"p", "br", "li", "ul", "ol", "div", "blockquote", "pre", "tr", "td", "th", "h1", "h2", "h3", "h4",
              "h5", "h6", "hr", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    handle_endtag = handle_startendtag = lambda self, tag, *attrs: self.handle_starttag(tag, ())

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> str:
    """The text of sanitised HTML, for indexing (several times faster than a sanitiser pass; the
    result is only ever shown escaped)."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts).strip()


class Registry:
    """The sources of one app, indexed by document type and watched class."""

    def __init__(self, sources: list[Source]):
        self.sources = {s.doc_type: s for s in sources}
        self.watchers: dict[type, list[tuple[Source, Watch]]] = {}
        self.amends: dict[str, list[Amend]] = {}
        for source in sources:
            for cls, fn in source.watch.items():
                self.watchers.setdefault(cls, []).append((source, fn))
            for doc_type, fn in source.amend.items():
                self.amends.setdefault(doc_type, []).append(fn)

    def watching(self, obj) -> list[tuple[Source, Watch]]:
        for cls in type(obj).__mro__:
            if cls in self.watchers:
                return self.watchers[cls]
        return []

    def keys_for(self, session, obj, change: str) -> tuple[set[Key], bool]:
        """Documents to reindex after `change` to `obj`, and whether space readership may have changed."""
        keys: set[Key] = set()
        scopes = False
        for source, fn in self.watching(obj):
            keys.update(fn(session, obj, change))
            if source.scopes_changed is not None and source.scopes_changed(obj, change):
                scopes = True
        return keys, scopes

    def _load(self, session, source: Source, ids: list[int]) -> dict[int, dict]:
        docs = source.load(session, ids)
        for amend in self.amends.get(source.doc_type, ()):
            if docs:
                amend(session, docs)
        return docs

    def load(self, session, keys: Iterable[Key]) -> dict[Key, dict | None]:
        """Current documents for `keys`; None for those that must leave the index."""
        by_type: dict[str, list[int]] = {}
        for doc_type, doc_id in keys:
            by_type.setdefault(doc_type, []).append(doc_id)
        found: dict[Key, dict | None] = {}
        for doc_type, ids in by_type.items():
            source = self.sources.get(doc_type)
            docs = self._load(session, source, sorted(set(ids))) if source is not None else {}
            for doc_id in ids:
                found[(doc_type, doc_id)] = docs.get(doc_id)
        return found

    def total(self, session) -> int:
        return sum(source.count(session) for source in self.sources.values())

    def everything(self, session, batch: int = 500) -> Iterator[list[dict]]:
        """Every searchable document, a batch at a time (rebuilds)."""
        for source in self.sources.values():
            after = None
            while True:
                ids = source.ids_after(session, after, batch)
                if not ids:
                    break
                after = ids[-1]
                docs = self._load(session, source, ids)
                yield [docs[i] for i in ids if i in docs], len(ids)
                session.expunge_all()


def registry(app: Flask | None = None) -> Registry:
    """This app's registry, built once from the "search.sources" hook."""
    app = app or current_app
    found = app.extensions.get("agora.search.registry")
    if found is None:
        found = Registry([source for provide in hooks("search.sources", app) for source in provide()])
        app.extensions["agora.search.registry"] = found
    return found


def open_space_ids(session, app: Flask | None = None) -> set[int]:
    """Spaces every colleague may read, from the "search.open_spaces" hook."""
    ids: set[int] = set()
    for provide in hooks("search.open_spaces", app):
        ids |= set(provide(session))
    return ids
