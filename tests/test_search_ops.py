"""Search operations: outbox replay, concurrent writers, rebuilds, and a missing or damaged index."""
from __future__ import annotations

import logging
import multiprocessing
import shutil

import pytest

from tests.conftest import _base_config


def _backend(app):
    return app.extensions["agora.search"]


def _indexed(app, word: str) -> set[tuple[str, int]]:
    """What the index itself holds for `word` (no catch-up drain, no permission filter)."""
    from agora.search.filters import Scope
    from agora.search.query import parse

    hits = _backend(app).search(parse(word), Scope(everything=True), page=1, per_page=100)
    return {(h.type, h.id) for h in hits.items}


def _backlog(app) -> int:
    from agora.extensions import db
    from agora.search.models import SearchOutbox

    db.session.rollback()
    return db.session.scalar(db.select(db.func.count(SearchOutbox.id)))


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lopez")


def test_outbox_row_is_written_with_the_change_and_drained_after_commit(app, ana):
    from agora.walls.services import create_post

    post = create_post(ana, person=ana, body="Pingouin du lundi")
    assert _indexed(app, "pingouin") == {("post", post.id)}
    assert _backlog(app) == 0


def test_a_failed_transaction_leaves_no_outbox_row(app, ana):
    from agora.extensions import db
    from agora.walls.models import Post

    db.session.add(Post(author_id=ana.id, wall_user_id=ana.id, body_html="<p>Fantôme</p>"))
    db.session.flush()
    db.session.rollback()
    assert _backlog(app) == 0 and _indexed(app, "fantome") == set()


def test_outbox_replays_after_a_crash_between_commit_and_indexing(app, ana, monkeypatch):
    from agora.search import indexer
    from agora.walls.services import create_post

    # The process "dies" right after its commit: no drain runs.
    monkeypatch.setattr(indexer, "drain_after_commit", lambda app: None)
    post = create_post(ana, person=ana, body="Ornithorynque perdu")
    assert _backlog(app) == 1 and _indexed(app, "ornithorynque") == set()
    monkeypatch.undo()
    assert indexer.drain(app) == 1
    assert _indexed(app, "ornithorynque") == {("post", post.id)} and _backlog(app) == 0


def test_rows_applied_but_not_deleted_are_replayed_without_duplicates(app, ana, monkeypatch):
    from agora.search import indexer
    from agora.walls.services import create_post

    real_apply = type(_backend(app)).apply
    crashed = {}

    def apply_then_die(self, docs, target=None):
        real_apply(self, docs, target)  # the index commit happens...
        crashed["yes"] = True
        raise RuntimeError("killed before the outbox rows were deleted")

    monkeypatch.setattr(type(_backend(app)), "apply", apply_then_die)
    post = create_post(ana, person=ana, body="Tatou nocturne")
    assert crashed and _backlog(app) == 1
    monkeypatch.undo()
    indexer.drain(app)
    assert _indexed(app, "tatou") == {("post", post.id)} and _backlog(app) == 0
    assert _backend(app).document_count() == 2  # Ana and her post, once each


def test_a_post_made_over_http_is_indexed_once_its_response_is_sent(app, client, login, ana):
    """The author does not wait for the index commit: the server drains after sending the page."""
    login(ana)
    response = client.post(f"/people/{ana.handle}/wall", data={"body": "Ornithorynque au bureau"})
    assert response.status_code in (302, 303)
    assert _backlog(app) == 1 and _indexed(app, "ornithorynque") == set()
    response.close()  # what the WSGI server does once the response is sent
    assert _backlog(app) == 0 and len(_indexed(app, "ornithorynque")) == 1


def test_a_busy_writer_leaves_rows_for_the_next_drain_and_never_fails_the_user(app, client, login, ana):
    login(ana)
    with _backend(app).write_lock() as mine:
        assert mine
        response = client.post(f"/people/{ana.handle}/wall", data={"body": "Capybara au bureau"})
        assert response.status_code in (302, 303)
        assert _backlog(app) == 1
    page = client.get("/search?q=capybara").get_data(as_text=True)  # the search catches up first
    assert "<mark>Capybara</mark>" in page and _backlog(app) == 0


def test_a_post_committed_while_another_drain_writes_is_indexed_by_that_drain(app, ana, monkeypatch):
    """Its own drain finds the index busy; the busy one picks the post up before it stops."""
    from agora.search import indexer
    from agora.walls.services import create_post

    backend_type = type(_backend(app))
    real_apply, late = backend_type.apply, []

    def apply_while_a_colleague_posts(self, docs, target=None):
        done = real_apply(self, docs, target)
        if not late:  # another worker commits now; its after-commit drain finds the lock taken
            late.append(create_post(ana, person=ana, body="Wombat en retard"))
            assert _backlog(app) == 2  # its row, and the one this drain has yet to delete
        return done

    monkeypatch.setattr(indexer, "drain_after_commit", lambda app: None)
    create_post(ana, person=ana, body="Ornithorynque ponctuel")
    monkeypatch.undo()
    monkeypatch.setattr(backend_type, "apply", apply_while_a_colleague_posts)
    assert indexer.drain(app) == 2
    assert _indexed(app, "wombat") == {("post", late[0].id)} and _backlog(app) == 0


def _writer_process(config, author_id, label, count, queue):
    """A separate process writing posts through the services, as a gunicorn worker would."""
    errors = []

    class Collect(logging.Handler):
        def emit(self, record):
            errors.append(record.getMessage() + (str(record.exc_info[1]) if record.exc_info else ""))

    logging.getLogger("agora.search").addHandler(Collect(level=logging.WARNING))
    try:
        from agora import create_app
        from agora.accounts.models import User
        from agora.extensions import db
        from agora.walls.services import create_post

        app = create_app(config)
        with app.app_context():
            author = db.session.get(User, author_id)
            for i in range(count):
                create_post(author, person=author, body=f"concurrent {label} number{i}")
    except Exception as exc:  # reported to the parent, which fails the test
        errors.append(repr(exc))
    queue.put(errors)


def test_two_processes_writing_at_once(app, ana, backend, request, tmp_path):
    from agora.search import indexer

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    config = _base_config(url, app.instance_path)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer_process, args=(config, ana.id, label, 15, queue)) for label in ("alpha", "beta")]
    for proc in procs:
        proc.start()
    reports = [queue.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    assert reports == [[], []]  # no LockError, nothing logged
    indexer.drain(app, blocking=True)  # whatever a busy moment left behind
    assert len(_indexed(app, "concurrent")) == 30 and _backlog(app) == 0


def test_rebuild_command_swaps_a_fresh_index_in(app, ana):
    from agora.walls.services import create_post

    create_post(ana, person=ana, body="Koala matinal")
    before = _backend(app).current_name()
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 documents" in result.output
    after = _backend(app).current_name()
    assert after != before and not (_backend(app).root / before).exists()
    assert len(_indexed(app, "koala")) == 1
    status = app.test_cli_runner().invoke(args=["search", "status"])
    assert "Documents:       2" in status.output and "Outbox backlog:  0" in status.output


def test_changes_during_a_rebuild_reach_the_new_index(app, ana, monkeypatch):
    from agora.search import indexer
    from agora.walls.services import create_post

    backend = _backend(app)
    real_build = type(backend).build

    def build_while_writing(self, batches, progress=None, procs=1):
        name = real_build(self, batches, progress, procs)
        # Written while the rebuild runs: the live index gets it, the outbox keeps it for the new one.
        post = create_post(ana, person=ana, body="Wombat pendant la reconstruction")
        assert ("post", post.id) in _indexed(app, "wombat")
        return name

    monkeypatch.setattr(type(backend), "build", build_while_writing)
    indexer.rebuild(app)
    assert len(_indexed(app, "wombat")) == 1 and _backlog(app) == 0


def test_only_one_rebuild_at_a_time(app, ana):
    with _backend(app).rebuild_lock() as mine:
        assert mine
        result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code != 0 and "Another rebuild is running" in result.output


def test_deleted_index_directory_is_rebuilt_and_the_site_keeps_working(app, client, login, ana):
    from agora.walls.services import create_post

    create_post(ana, person=ana, body="Lémurien disparu")
    login(ana)
    shutil.rmtree(_backend(app).root)
    response = client.get("/search?q=lemurien")  # a small site rebuilds on the spot
    assert response.status_code == 200 and "<mark>Lémurien</mark>" in response.get_data(as_text=True)


def test_deleted_index_on_a_large_site_says_it_is_being_rebuilt(app, client, login, ana, monkeypatch):
    import threading

    from agora.accounts.services import create_token
    from agora.search import indexer
    from agora.walls.services import create_post

    release = threading.Event()
    real_rebuild = indexer.rebuild

    def slow_rebuild(*args, **kwargs):
        release.wait(30)  # a large site takes a while
        return real_rebuild(*args, **kwargs)

    secret = create_token(ana, "t")[1]
    create_post(ana, person=ana, body="Lémurien disparu")
    login(ana)
    app.config["SEARCH_INLINE_REBUILD_MAX"] = 0  # pretend the site is too big to rebuild during a request
    shutil.rmtree(_backend(app).root)
    monkeypatch.setattr(indexer, "rebuild", slow_rebuild)
    response = client.get("/search?q=lemurien")
    assert response.status_code == 503 and "being rebuilt" in response.get_data(as_text=True)
    api = client.get("/api/v1/search?q=lemurien", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "search_unavailable"
    assert client.get("/").status_code == 200
    post = client.post(f"/people/{ana.handle}/wall", data={"body": "Écrit pendant la panne"})
    assert post.status_code in (302, 303)
    thread = _backend(app).rebuild_thread
    assert thread is not None and thread.is_alive()
    release.set()
    thread.join(60)
    assert "<mark>Lémurien</mark>" in client.get("/search?q=lemurien").get_data(as_text=True)
    assert "<mark>panne</mark>" in client.get("/search?q=panne").get_data(as_text=True)


def test_a_corrupt_index_is_repaired(app, client, login, ana):
    from agora.walls.services import create_post

    create_post(ana, person=ana, body="Axolotl rose")
    login(ana)
    index_dir = _backend(app).root / _backend(app).current_name()
    for path in index_dir.iterdir():
        if path.suffix in (".toc", ".trm", ".pst"):
            path.write_bytes(b"\x00garbage" * 10)
    response = client.get("/search?q=axolotl")
    assert response.status_code == 200 and "<mark>Axolotl</mark>" in response.get_data(as_text=True)


def test_a_savepoint_does_not_start_a_drain_inside_the_open_transaction(app, caplog):
    import time

    from agora.accounts.services import create_user
    from agora.core.transactions import transaction
    from agora.profiles.services import update_personal

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="agora.search"):
        with transaction():
            user = create_user("zoe@example.com", "Zoé Leroy", "correct horse battery")
            update_personal(user, user, bio="", skills=["Origami"])  # a new skill is inserted under a savepoint
    assert not [r for r in caplog.records if r.name.startswith("agora.search")]
    assert time.monotonic() - started < 5  # a drain waiting on SQLite's write lock would take 15 s and fail
    assert _indexed(app, "origami") == {("person", user.id)} and _backlog(app) == 0


def test_a_rolled_back_savepoint_does_not_lose_later_changes(app, ana):
    from sqlalchemy.exc import IntegrityError

    from agora.extensions import db
    from agora.profiles.models import Skill

    try:
        with db.session.begin_nested():
            ana.profile.title = "Temporary"
            db.session.flush()  # the outbox row for Ana is written inside the savepoint...
            db.session.add_all([Skill(name="dup", slug="dup"), Skill(name="dup", slug="dup")])
            db.session.flush()
    except IntegrityError:
        pass  # ...and rolled back with it: the next change must write it again
    ana.profile.title = "Garcia expert"
    db.session.commit()
    assert _indexed(app, "garcia") == {("person", ana.id)} and _backlog(app) == 0
