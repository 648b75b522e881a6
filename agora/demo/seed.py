"""`flask demo seed`: a company-sized organisation for benchmarks, written in bulk through the real rules."""
from __future__ import annotations

import json
import random
import time
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from agora.core.errors import Conflict, ValidationError
from agora.core.time import utcnow
from agora.demo import people as demo_people
from agora.demo.seed_comments import write_comments
from agora.demo.seed_db import BulkWriter, bulk_connection, finish, next_id
from agora.demo.seed_moderation import write_moderation
from agora.demo.seed_org import ADMIN_EMAIL, World, choose_reader, make_follows, make_hashtags, make_people, make_spaces
from agora.demo.seed_posts import NORMAL, plan_posts, write_posts
from agora.demo.seed_render import Renderer
from agora.demo.seed_text import TextMaker
from agora.demo.seed_words import Vocabulary
from agora.demo.seed_words import vocabulary as shared_vocabulary
from agora.extensions import db

# Every seeded account shares the demo password: one scrypt hash, computed once.
PASSWORD = demo_people.DEMO_PASSWORD
REPORT_FILE = "seed-report.json"


@dataclass
class Stage:
    """One step of the seed: what it wrote and how long it took."""

    name: str
    seconds: float = 0.0
    rows: int = 0
    cpu_seconds: float = 0.0  # this process only; rendering processes are counted in render_cpu_seconds


@dataclass
class SeedReport:
    """What `seed` did: counts, stage timings, and the facts the benchmark needs (logins, ids, words)."""

    parameters: dict
    stages: list[Stage] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    render_cpu_seconds: float = 0.0
    insert_seconds: float = 0.0
    total_seconds: float = 0.0
    search_seconds: float | None = None
    manifest: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _quiet_progress(label: str, length: int):
    @contextmanager
    def bar():
        yield lambda n=1: None
    return bar()


def _check(people: int, spaces: int, posts: int, comments: int) -> None:
    errors = {}
    if people < 5:
        errors["people"] = [_("At least %(n)s people.", n=5)]
    for name, value in (("spaces", spaces), ("posts", posts), ("comments", comments)):
        if value < 0:
            errors[name] = [_("Must not be negative.")]
    if comments and not posts:
        errors["comments"] = [_("Comments need posts.")]
    if errors:
        raise ValidationError(_("The seed parameters are not valid."), errors)
    from agora.accounts.models import User

    if db.session.scalar(select(User.id).limit(1)) is not None:
        raise Conflict(_("The database already has accounts: seed an empty database."))


def rebuild_search(progress) -> float:
    """Build the search index in bulk once the rows are in, as `flask search rebuild` does; returns seconds."""
    from agora.search.services import rebuild_index

    started = time.perf_counter()
    with ExitStack() as bars:
        bar = {}

        def on_total(total: int) -> None:
            bar["update"] = bars.enter_context(progress("search index", total))

        rebuild_index(progress=lambda n=1: bar["update"](n) if bar else None, on_total=on_total)
    return time.perf_counter() - started


def seed(*, people: int, spaces: int, posts: int, comments: int, seed: int = 42, jobs: int = 2,
         batch: int = 5000, search: bool = True, progress=None) -> SeedReport:
    """Seed an empty database with a whole company; `progress(label, total)` gives a bar with update(n)."""
    _check(people, spaces, posts, comments)
    progress = progress or _quiet_progress
    report = SeedReport(parameters=dict(people=people, spaces=spaces, posts=posts, comments=comments, seed=seed,
                                        jobs=jobs, batch=batch))
    rng = random.Random(seed)
    vocabulary = shared_vocabulary()
    world = World(now=utcnow().replace(microsecond=0))
    maker = TextMaker(vocabulary, rng)
    password_hash = generate_password_hash(PASSWORD)
    app = current_app._get_current_object()
    db.session.remove()
    started = time.perf_counter()

    def stage(name: str, total: int, work):
        began, cpu = time.perf_counter(), time.process_time()
        with progress(name, total) as update:
            rows = work(update)
        report.stages.append(Stage(name, round(time.perf_counter() - began, 3), rows or total,
                                   round(time.process_time() - cpu, 3)))

    with bulk_connection(db.engine) as conn:
        writer = BulkWriter(conn)

        def org(update):
            make_people(world, rng, people, writer, password_hash, update)
            writer.commit()

        def places(update):
            make_spaces(world, rng, spaces, writer, update)
            choose_reader(world)
            make_hashtags(world, vocabulary, writer)
            make_follows(world, rng, vocabulary, writer, lambda n=1: None)
            writer.commit()

        stage("people", people, org)
        stage("spaces and follows", spaces, places)
        from agora.walls.models import Comment, Post

        plan = plan_posts(world, rng, posts, comments, next_id(conn, Post.__table__))
        renderer = Renderer(app, jobs)
        try:
            stage("posts", posts, lambda update: write_posts(world, rng, plan, maker, writer, renderer, batch,
                                                             vocabulary.rare_word, update))
            first_comment = next_id(conn, Comment.__table__)
            stage("comments", comments, lambda update: write_comments(world, rng, plan, first_comment, maker,
                                                                      writer, renderer, batch, update))
        finally:
            renderer.close()
        stage("moderation", len(plan.moderated),
              lambda update: sum(write_moderation(world, rng, plan.moderated, writer).values()))
        report.render_cpu_seconds = round(renderer.cpu_seconds, 3)
        report.insert_seconds = round(writer.seconds, 3)

    stage("finish", 1, lambda update: finish(db.engine, _tables()))
    report.manifest = _manifest(world, plan, vocabulary)
    report.counts = counts()
    report.total_seconds = round(time.perf_counter() - started, 3)
    if search:
        report.search_seconds = round(rebuild_search(progress), 3)
        report.stages.append(Stage("search index", report.search_seconds, report.counts.get("posts", 0)
                                   + report.counts.get("comments", 0)))
        report.total_seconds = round(time.perf_counter() - started, 3)
    _save(report)
    return report


def _tables():
    from agora.accounts.models import User
    from agora.follows.models import Follow
    from agora.hashtags.models import Hashtag
    from agora.moderation.models import ModerationAction, Report
    from agora.profiles.models import Department, Skill
    from agora.spaces.models import JoinRequest, Membership, Space, Suspension
    from agora.walls.models import Comment, Mention, Post, Reaction

    return [m.__table__ for m in (User, Department, Skill, Space, Membership, JoinRequest, Suspension, Follow,
                                  Hashtag, Post, Comment, Reaction, Mention, Report, ModerationAction)]


def counts() -> dict[str, int]:
    """Rows per seeded table."""
    from agora.profiles.models import profile_skills
    from agora.walls.models import post_hashtags

    found = {}
    for table in _tables() + [profile_skills, post_hashtags]:
        found[table.name] = db.session.scalar(select(func.count()).select_from(table)) or 0
    db.session.rollback()
    return found


def _manifest(world: World, plan, vocabulary: Vocabulary) -> dict:
    """Logins, pages and words for the benchmark, chosen from what was seeded."""
    from agora.profiles.models import Skill, profile_skills

    people = world.people
    reader = world.reader
    open_posts: dict[int, int] = {}
    for i, space in enumerate(plan.space):
        if space >= 0 and world.spaces[space].visibility == "open" and plan.state[i] == NORMAL:
            open_posts[space] = open_posts.get(space, 0) + 1
    busiest = max(open_posts, key=open_posts.get) if open_posts else None
    top_skill = db.session.execute(
        select(Skill.slug, Skill.name, func.count()).join(profile_skills, profile_skills.c.skill_id == Skill.id)
        .group_by(Skill.slug, Skill.name).order_by(func.count().desc(), Skill.slug).limit(1)).first()
    db.session.rollback()
    popular = next(i for i in world.activity.items if people[i].active)
    return {
        "password": PASSWORD,
        "admin_email": ADMIN_EMAIL,
        "reader_email": people[reader].email,
        "reader_handle": people[reader].handle,
        "profile_handle": people[popular].handle,
        "space_slug": world.spaces[busiest].slug if busiest is not None else None,
        "space_posts": open_posts.get(busiest, 0) if busiest is not None else 0,
        "post_id": plan.first_id + plan.bench_post if plan.bench_post >= 0 else None,
        "post_comments": plan.comments[plan.bench_post] if plan.bench_post >= 0 else 0,
        "skill_slug": top_skill[0] if top_skill else None,
        "skill_name": top_skill[1] if top_skill else None,
        "skill_people": top_skill[2] if top_skill else 0,
        "common_word": vocabulary.common_word["fr"],
        "rare_word": vocabulary.rare_word,
        "phrase": vocabulary.phrase["fr"],
        "author_handle": people[popular].handle,
    }


def _save(report: SeedReport) -> None:
    path = Path(current_app.instance_path) / REPORT_FILE
    path.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str), encoding="utf-8")


def load_report() -> dict | None:
    """The last seed's report from the instance folder, if any."""
    path = Path(current_app.instance_path) / REPORT_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
