"""The Whoosh fixes: installed when the backend starts, on the one version they were written for, and
each returns what the Whoosh method it replaces returns, on a real index."""
from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.matching import ReadTooFar

from agora.search import whoosh_patches
from agora.search.schema import schema, to_fields

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORDS = ["budget", "réunion", "équipe", "projet", "inventaire", "stock", "revue", "annuelle", "plan", "charge"]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    """About 900 documents in three segments (so posting lists span many blocks), some deleted."""
    whoosh_patches.patch_whoosh()
    path = tmp_path_factory.mktemp("whoosh-index")
    ix = windex.create_in(str(path), schema())
    rng = random.Random(16)
    start = datetime(2026, 1, 1)
    for batch in range(3):
        writer = ix.writer()
        for n in range(batch * 300, batch * 300 + 300):
            body = " ".join(["budget"] * (n % 3) + rng.choices(WORDS, k=rng.randint(1, 12)))
            doc = {"type": ("post", "comment", "person")[n % 3], "id": n, "url": f"/x/{n}", "body": body,
                   "title": "Ana Lopez" if n % 3 == 2 else "", "skills": "Python" if n % 7 == 0 else "",
                   "created": start + timedelta(hours=n), "visible_in": None if n % 4 else 3,
                   "author_handle": "ana" if n % 2 else "bob", "tags": ["budget"] if n % 5 == 0 else []}
            writer.add_document(**to_fields(doc))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 900, 37):
        writer.delete_by_term("key", f"{('post', 'comment', 'person')[n % 3]}:{n}")
    writer.commit(merge=False)
    return ix


# Terms with long posting lists (several blocks each), short ones, and one posting.
TERMS = [("body", "budget"), ("body", "revu"), ("scope", "all"), ("scope", "s3"), ("type", "post"),
         ("author", "ana"), ("tags", "budget"), ("skills", "python"), ("key", "post:3")]


def _leaves(ix):
    reader = ix.reader()
    return [leaf for leaf, _ in reader.leaf_readers()]


def _matcher(leaf, field, text):
    matcher = leaf.postings(field, text)
    return getattr(matcher, "child", matcher)  # the codec's own matcher, under the deletions filter


def test_the_fixes_are_installed_by_the_backend_not_by_importing_it(tmp_path):
    code = ("from whoosh.codec.whoosh3 import W3LeafMatcher as M\n"
            "import agora.search.whoosh_index as w\n"
            "from agora.search import whoosh_patches as p\n"
            "assert M.skip_to is not p._skip_to, 'patched on import'\n"
            f"w.WhooshBackend({str(tmp_path)!r})\n"
            "assert M.skip_to is p._skip_to and M._read_ids is p._read_ids\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_cached_column_reader_returns_what_whoosh_returns(ix):
    own = whoosh_patches.original(W3PerDocReader, "_cached_reader")
    assert own is not whoosh_patches._cached_column_reader
    asked = [(_lenfield(name), LENGTHS_COLUMN) for name in ix.schema.names()] + [("_stored", STORED_COLUMN)]
    for theirs, ours in zip(_leaves(ix), _leaves(ix), strict=True):
        for _ in range(2):  # the second time from the cache
            for fieldname, column in asked:
                expected = own(theirs._perdoc, fieldname, column)
                found = whoosh_patches._cached_column_reader(ours._perdoc, fieldname, column)
                assert (found is None) == (expected is None), fieldname
                if expected is not None:
                    assert list(found) == list(expected), fieldname
        assert any(own(theirs._perdoc, f, c) is None for f, c in asked), "a field without a column was asked"


def test_skip_to_lands_where_whoosh_lands(ix):
    own = whoosh_patches.original(W3LeafMatcher, "skip_to")
    assert own is not whoosh_patches._skip_to
    rng = random.Random(7)
    seen = set()
    for leaf in _leaves(ix):
        size = leaf.doc_count_all()
        for field, text in TERMS:
            if (field, text) not in leaf:
                continue
            seen.add((field, text))
            for _ in range(5):
                theirs, ours = _matcher(leaf, field, text), _matcher(leaf, field, text)
                assert isinstance(ours, W3LeafMatcher)
                targets = sorted(rng.sample(range(size + 20), 12)) + [size + 50]
                for target in targets:
                    try:
                        own(theirs, target)
                    except ReadTooFar:
                        with pytest.raises(ReadTooFar):
                            whoosh_patches._skip_to(ours, target)
                        continue
                    whoosh_patches._skip_to(ours, target)
                    assert ours.is_active() == theirs.is_active(), (field, text, target)
                    if theirs.is_active():
                        assert (ours.id(), ours.weight()) == (theirs.id(), theirs.weight()), (field, text, target)
                        assert ours.block_max_id() == theirs.block_max_id()
                assert not ours.is_active()
    assert seen == set(TERMS)


@pytest.mark.parametrize("bulk", [False, True])
def test_block_reads_return_what_whoosh_reads(ix, bulk):
    own_ids = whoosh_patches.original(W3LeafMatcher, "_read_ids")
    own_weights = whoosh_patches.original(W3LeafMatcher, "_read_weights")
    blocks = 0
    for _ in range(2):  # the second pass from the block cache
        for leaf in _leaves(ix):
            for field, text in TERMS:
                if (field, text) not in leaf:
                    continue
                matcher = _matcher(leaf, field, text)
                matcher.bulk = bulk
                while matcher.is_active():
                    matcher._ids = matcher._weights = None
                    assert own_ids(matcher) is None and own_weights(matcher) is None
                    expected = list(matcher._ids), list(matcher._weights)
                    matcher._ids = matcher._weights = None
                    assert whoosh_patches._read_ids(matcher) is None
                    assert whoosh_patches._read_weights(matcher) is None
                    assert (list(matcher._ids), list(matcher._weights)) == expected, (field, text)
                    blocks += 1
                    matcher._next_block()
    assert blocks > 40


def test_another_whoosh_version_refuses_to_start(monkeypatch, tmp_path):
    from agora.search.whoosh_index import WhooshBackend

    monkeypatch.setattr("whoosh.__version__", (2, 7, 6))
    with pytest.raises(whoosh_patches.WhooshVersionError) as raised:
        WhooshBackend(tmp_path)
    assert "Whoosh-Reloaded 2.7.6 is installed" in raised.value.report()
    assert "written for Whoosh-Reloaded 2.7.5" in raised.value.report()


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGORA_", "FLASK_"))}
    return {**env, "AGORA_INSTANCE": str(tmp_path / "instance")}


# The command run as its console script would, after Whoosh says it is another version.
AS_VERSION = "import sys, whoosh; whoosh.__version__ = (2, 8, 0); sys.argv = {argv!r}; from {module} import {main}; {main}()"


def test_flask_refuses_another_whoosh_version_with_a_message(tmp_path):
    code = AS_VERSION.format(argv=[str(BIN / "flask"), "--app", "app", "routes"], module="flask.cli", main="main")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "Whoosh-Reloaded 2.8.0 is installed" in result.stderr
    assert "written for Whoosh-Reloaded 2.7.5" in result.stderr


def test_gunicorn_refuses_another_whoosh_version_once(tmp_path):
    argv = [str(BIN / "gunicorn"), "-w", "2", "-b", "127.0.0.1:0", "app:app"]
    code = AS_VERSION.format(argv=argv, module="gunicorn.app.wsgiapp", main="run")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Whoosh-Reloaded 2.8.0 is installed" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr
