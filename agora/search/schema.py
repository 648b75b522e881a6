"""The Whoosh schema, and how a source's document becomes Whoosh fields."""
from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from agora.core.folding import fold
from agora.search.analysis import analyzer
from agora.search.text import words

EVERYONE = "all"
# Field boosts: a skill or a name says more about a document than a word in passing.
BOOSTS = {"title": 2.5, "skills": 4.0, "extra": 1.5, "body": 1.0, "tags": 2.0}
TEXT_FIELDS = ("title", "skills", "extra", "body")


def schema() -> Schema:
    """Fields of every document; text fields share the French+English analyzer."""
    text = analyzer()
    return Schema(
        key=ID(unique=True, stored=True),        # "post:12"
        type=ID(stored=True),
        doc_id=STORED(),
        scope=ID(),                              # "all", or "s<space id>": who may read it
        in_space=ID(),                           # "s<space id>" for space content (space: filter)
        author=ID(),                             # author handle (author: filter)
        slug=ID(stored=True),                    # a space's slug
        tags=KEYWORD(scorable=True),             # folded hashtag slugs
        created=DATETIME(stored=True, sortable=True),
        status=ID(stored=True),                  # a question's open, answered or resolved (is: filter)
        due=DATETIME(stored=True),               # when an open question becomes overdue
        title=TEXT(analyzer=text, stored=True),
        skills=TEXT(analyzer=text, stored=True),
        extra=TEXT(analyzer=text, stored=True),
        body=TEXT(analyzer=text, stored=True),
        words=KEYWORD(),                         # distinct folded words: the "did you mean" vocabulary
        url=STORED(),
        author_name=STORED(),
        author_handle=STORED(),
        space_name=STORED(),
        space_slug=STORED(),
    )


def doc_key(doc_type: str, doc_id: int) -> str:
    return f"{doc_type}:{doc_id}"


def scope_of(space_id) -> str:
    return EVERYONE if space_id is None else f"s{space_id}"


def to_fields(doc: dict) -> dict:
    """Whoosh fields for one source document (see agora.search.sources)."""
    texts = {name: (doc.get(name) or "").strip() for name in TEXT_FIELDS}
    fields = {
        "key": doc_key(doc["type"], doc["id"]),
        "type": doc["type"],
        "doc_id": doc["id"],
        "scope": scope_of(doc.get("visible_in")),
        "url": doc.get("url") or "",
        "words": " ".join(sorted(set(words(" ".join(texts.values()))))),
        **texts,
    }
    if doc.get("space_id") is not None:
        fields["in_space"] = f"s{doc['space_id']}"
        fields["space_name"] = doc.get("space_name") or ""
        fields["space_slug"] = doc.get("space_slug") or ""
    if doc.get("author_handle"):
        fields["author"] = doc["author_handle"].lower()
        fields["author_handle"] = doc["author_handle"]
        fields["author_name"] = doc.get("author_name") or doc["author_handle"]
    if doc.get("slug"):
        fields["slug"] = doc["slug"]
    if doc.get("tags"):
        fields["tags"] = " ".join(fold(t) for t in doc["tags"])
    if doc.get("created") is not None:
        fields["created"] = doc["created"]
    if doc.get("status"):
        fields["status"] = doc["status"]
    if doc.get("due") is not None:
        fields["due"] = doc["due"]
    if doc.get("boost"):
        # Scales the weight of every word of the document (BM25 saturates it: a lift, not a multiple).
        fields["_boost"] = float(doc["boost"])
    return fields
