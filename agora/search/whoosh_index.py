"""The Whoosh search backend (one index directory per generation).

Layout under the index root: `CURRENT` names the live index directory (`index-<n>`); a rebuild
writes a new directory and replaces `CURRENT` atomically, so readers switch on their next query.
`write.lock` admits one writer at a time across processes (non-blocking: a busy writer means the
outbox rows wait for the next drain); `rebuild.lock` is held for a whole rebuild. Segments are
written with compound=False, so opening and refreshing a searcher costs well under a millisecond.
"""
from __future__ import annotations

import fcntl
import heapq
import os
import shutil
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.index import LockError
from whoosh.scoring import BM25F

from agora.search.analysis import stems
from agora.search.backend import Hit, Hits, SearchBackend, SearchUnavailable
from agora.search.counting import CodeCache, Lru, matches
from agora.search.query import parse
from agora.search.schema import EVERYONE, doc_key, schema, scope_of, to_fields
from agora.search.spelling import correction
from agora.search.text import normalise
from agora.search.whoosh_filter import CACHE_SIZE, whoosh_filter
from agora.search.whoosh_patches import patch_whoosh
from agora.search.whoosh_query import translate

MAX_TAGS = 8
DIRECT_SCORING_MAX = 5_000  # known matches up to this many are scored one by one (see _score_directly)
# A full build keeps each spelling word in this many documents' "words" field: enough to know the
# word, without a posting per word per document (a third of all). Suggestions rank by the body's counts.
WORDS_PER_TERM = 16
BUILD_MEMORY_MB = 1024  # per indexing process: postings sorted in memory rather than spilled and merged

# BM25F normalises a field's score by its length against the average over *all* documents; short
# fields that most documents lack (skills, names) would be punished for existing. No length
# normalisation there, so a skill outranks a word in passing, as the field boosts intend.
WEIGHTING = BM25F(title_B=0.0, skills_B=0.0, extra_B=0.0, tags_B=0.0)


def _known(reader, word: str) -> bool:
    """True when the word, or one of its stems, is in the index: no correction needed."""
    if ("words", word) in reader:
        return True
    return any((name, stem) in reader for stem in stems(word) for name in ("title", "skills", "extra", "body"))


def _fresh(searcher) -> bool:
    try:
        return searcher.up_to_date()
    except Exception:
        return False


def _prime(searcher) -> None:
    """Open every file a query may read now, while they exist.

    Whoosh opens stored-field and length columns lazily, and a writer's merge unlinks the files of
    merged segments at once: a searcher that has not opened them yet would find them gone. Once open,
    POSIX keeps them readable. (This is also why a refresh opens a new searcher instead of reusing one.)
    """
    for leaf, _ in searcher.reader().leaf_readers():
        if not leaf.doc_count_all():
            continue
        leaf.stored_fields(0)
        for name in ("title", "skills", "extra", "body", "tags"):
            leaf.doc_field_length(0, name)
        if leaf.has_column("created"):
            leaf.column_reader("created")


class WhooshBackend(SearchBackend):
    """Whoosh indexes under `root`; one searcher per thread, refreshed before each query."""

    def __init__(self, root: Path):
        patch_whoosh()  # checks the Whoosh version first: another one stops the start with a message
        super().__init__()
        self.root = Path(root)
        self.allowed = Lru(CACHE_SIZE)  # readers' filters, per (segment, spaces): see whoosh_filter
        self.codes = CodeCache()
        self._lock = threading.Lock()
        self._ix = None
        self._ix_name: str | None = None
        self._local = threading.local()

    @property
    def location(self) -> str:
        return str(self.root)

    # --- storage and locks ------------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except OSError:
            return None
        return name if name.startswith("index-") and (self.root / name).is_dir() else None

    def _open(self):
        name = self.current_name()
        if name is None:
            raise SearchUnavailable("no index")
        with self._lock:
            if self._ix is None or self._ix_name != name:
                try:
                    self._ix = windex.open_dir(str(self.root / name))
                except Exception as exc:  # a damaged TOC or segment: the rebuild repairs it
                    self._ix = self._ix_name = None
                    raise SearchUnavailable(str(exc)) from exc
                missing = set(schema().names()) - set(self._ix.schema.names())
                if missing:
                    # Written before fields were added (e.g. a question's state): documents could not be
                    # written nor those fields searched, so it is treated as unreadable and rebuilt.
                    self._ix = self._ix_name = None
                    raise SearchUnavailable(f"the index lacks the fields {', '.join(sorted(missing))}")
                self._ix_name = name
            return self._ix, name

    def searcher(self):
        """This thread's searcher on the live index, refreshed to its latest commit."""
        ix, name = self._open()
        local = self._local
        searcher = getattr(local, "searcher", None)
        if searcher is not None and local.name == name and _fresh(searcher):
            return searcher
        if searcher is not None:
            searcher.close()
        local.searcher = None
        for attempt in range(3):
            try:
                searcher = ix.searcher(weighting=WEIGHTING)
                _prime(searcher)
                break
            except Exception as exc:
                # A writer in another process may have merged (and unlinked) segments we were opening.
                if attempt == 2:
                    raise SearchUnavailable(str(exc)) from exc
        local.searcher, local.name = searcher, name
        return searcher

    @contextmanager
    def _flock(self, filename: str, blocking: bool):
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / filename, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def write_lock(self, blocking: bool = False):
        """Held by the one process writing to the index (drains, and a rebuild's final replay)."""
        return self._flock("write.lock", blocking)

    def rebuild_lock(self, blocking: bool = False):
        return self._flock("rebuild.lock", blocking)

    # --- SearchBackend ------------------------------------------------------------------
    def available(self) -> bool:
        try:
            self.searcher().doc_count()
        except SearchUnavailable:
            return False
        return True

    def document_count(self) -> int:
        return self.searcher().doc_count()

    def apply(self, docs, target=None) -> bool:
        ix = windex.open_dir(str(self.root / target)) if target else self._open()[0]
        try:
            writer = ix.writer(timeout=0.0, compound=False)
        except LockError:
            return False
        try:
            for (doc_type, doc_id), doc in docs.items():
                if doc is None:
                    writer.delete_by_term("key", doc_key(doc_type, doc_id))
                else:
                    writer.update_document(**to_fields(doc))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return True

    def build(self, batches, progress=None, procs: int = 1) -> str:
        name = f"index-{time.time_ns()}"
        path = self.root / name
        path.mkdir(parents=True)
        ix = windex.create_in(str(path), schema())
        options = {"limitmb": BUILD_MEMORY_MB, "compound": False}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer = ix.writer(**options)
        spelled: Counter = Counter()
        try:
            for docs, seen in batches:
                for doc in docs:
                    fields = to_fields(doc)
                    kept = []
                    for word in fields["words"].split():
                        spelled[word] += 1
                        if spelled[word] <= WORDS_PER_TERM:
                            kept.append(word)
                    fields["words"] = " ".join(kept)
                    writer.add_document(**fields)
                if progress is not None:
                    progress(seen)
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(path, ignore_errors=True)
            raise
        return name

    def swap(self, name: str) -> None:
        temp = self.root / f"CURRENT.{os.getpid()}.tmp"
        with open(temp, "w") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.root / "CURRENT")
        # Readers still holding old files keep them open (POSIX); their next query opens the new index.
        for old in self.root.glob("index-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)

    def terms(self, word: str) -> tuple[str, ...]:
        return stems(word)

    def search(self, parsed, scope, *, doc_type=None, page=1, per_page=20, order="relevance",
               suggest_below=0) -> Hits:
        searcher = self.searcher()
        # The reader's filter and the query's translation, each built once for everything below.
        allowed = whoosh_filter(searcher, scope, self.allowed, self._ix_name)
        if allowed is not None and not len(allowed):
            return Hits(total=0)
        translated = translate(parsed, self._space_ids(searcher))
        hits = self._search(parsed, translated, scope, searcher, allowed, doc_type, page, per_page, order)
        if hits.total < suggest_below:
            hits.suggestion = self._suggestion(parsed, searcher, allowed)
        return hits

    def _search(self, parsed, translated, scope, searcher, allowed, doc_type, page, per_page, order) -> Hits:
        sort = {"sortedby": "created", "reverse": True} if order == "date" else {}
        query = translated.query(parsed.type)
        kind = doc_type or parsed.type
        tags = self.tags(parsed, scope, searcher, allowed) if kind in (None, "tag") and parsed.groups else []
        # Counts come from set algebra, so the ranked search below may skip blocks that cannot reach
        # the page (Whoosh's block-quality optimisation) instead of scoring every match.
        names = None if scope.everything else frozenset([EVERYONE, *(scope_of(i) for i in scope.spaces)])
        found = matches(query, searcher, names, self.codes, self._ix_name)
        counts = found.counts
        if kind and kind != parsed.type:
            query = translated.query(kind)
        direct = found.docs is not None and len(found.docs) <= DIRECT_SCORING_MAX and order != "date"
        if found.docs is not None and _has_phrase(query):
            # Whoosh checks positions posting by posting; the matches are known (and cached) already,
            # so rank them by their words instead: the same documents, a small filter, no position walk.
            query, allowed = _rarest_words(query, searcher), found.docs
        if tags:
            counts["tag"] = len(tags)
        if kind == "tag":
            return Hits(total=len(tags), counts={**counts, "tag": len(tags)}, tags=tags)
        total = counts.get(kind, 0) if kind else sum(n for name, n in counts.items() if name != "tag")
        page = max(1, page)
        items = []
        # A page past the end shows nothing rather than repeating the last page.
        if total and (page - 1) * per_page < total:
            if direct:
                # Few matches, known already: score exactly those, each by jumping to it, instead of
                # intersecting whole posting lists (a space or author filter on a common word).
                ranked = _score_directly(searcher, query, found.docs, page * per_page)
            else:
                results = searcher.search(query, limit=page * per_page, filter=allowed, terms=False, **sort)
                ranked = [(hit.score, hit.docnum, hit) for hit in results]
            for score, docnum, hit in ranked[(page - 1) * per_page:page * per_page]:
                hit = hit if hit is not None else searcher.stored_fields(docnum)
                items.append(Hit(type=hit["type"], id=hit["doc_id"], url=hit.get("url", ""),
                                 title=hit.get("title", ""), body=hit.get("body", ""), skills=hit.get("skills", ""),
                                 extra=hit.get("extra", ""), author_handle=hit.get("author_handle"),
                                 author_name=hit.get("author_name"), space_slug=hit.get("space_slug"),
                                 space_name=hit.get("space_name"), created=hit.get("created"),
                                 status=hit.get("status", ""), due=hit.get("due"), score=score or 0.0))
        return Hits(total=total, counts=counts, items=items, tags=tags)

    @staticmethod
    def _space_ids(searcher):
        def space_id_for(slug):
            found = searcher.document(type="space", slug=slug)
            return found["doc_id"] if found else None
        return space_id_for

    def tags(self, parsed, scope, searcher, allowed) -> list[tuple[str, int]]:
        """Hashtags starting with a query word that the reader's visible posts carry, with their counts."""
        candidates: list[str] = []
        reader = searcher.reader()
        for word in sorted({normalise(w) for w in parsed.positive_words()}):
            if len(word) < 3:
                continue  # "de" would start half the hashtags
            for term in reader.expand_prefix("tags", word):
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                if term not in candidates:
                    candidates.append(term)
                if len(candidates) >= MAX_TAGS:
                    break
        found = []
        for tag in candidates:
            count = len(searcher.search(wq.Term("tags", tag), filter=allowed, limit=1))
            if count:
                found.append((tag, count))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found[:MAX_TAGS]

    def _suggestion(self, parsed, searcher, allowed) -> str | None:
        """A corrected query that finds something within `allowed`, from the index's own words."""
        if not parsed.word_parts:
            return None
        reader = searcher.reader()
        parts, changed = list(parsed.parts), False
        for index, word in parsed.word_parts.items():
            if len(word) < 3 or not word.isalpha() or _known(reader, word):
                continue
            found = correction(reader, word)
            if found:
                parts[index], changed = found, True
        if not changed:
            return None
        # Offer only a correction that finds something this reader may see: index words from
        # content they cannot read must not leak through suggestions.
        corrected = " ".join(parts)
        reparsed = parse(corrected)
        query = translate(reparsed, self._space_ids(searcher)).query(reparsed.type)
        return corrected if len(searcher.search(query, filter=allowed, limit=1)) else None


def _has_phrase(q: wq.Query) -> bool:
    return isinstance(q, wq.Phrase) or any(_has_phrase(child) for child in q.children())


def _rarest_words(q: wq.Query, searcher) -> wq.Query:
    """`q` with each phrase replaced by its rarest word (ranking only: the matches are known).

    Among documents that hold the phrase, the most distinctive word's weight orders them much as
    the phrase's would, and one posting list skips by block quality where a phrase cannot.
    """
    if isinstance(q, wq.Phrase):
        word = min(q.words, key=lambda w: searcher.doc_frequency(q.fieldname, w))
        return wq.Term(q.fieldname, word, boost=q.boost)
    return q.apply(lambda child: _rarest_words(child, searcher))


def _score_directly(searcher, q: wq.Query, docs: set[int], limit: int) -> list[tuple[float, int, None]]:
    """The best `limit` of `docs` (global numbers, all matching `q`) by `q`'s score, best first.

    The same matchers, weighting and index-wide statistics as `searcher.search`, so the same
    scores; each matcher only jumps from one known document to the next.
    """
    context = searcher.context()
    scored: list[tuple[float, int]] = []
    ordered = sorted(docs)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in ordered if offset <= d < end]
        if not local:
            continue
        matcher = q.matcher(leaf, context)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                scored.append((-matcher.score(), offset + docnum))
    # Ties in document order, as Whoosh's collector breaks them.
    return [(-score, docnum, None) for score, docnum in heapq.nsmallest(limit, scored)]
