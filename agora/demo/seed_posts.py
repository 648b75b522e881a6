"""Seeding posts: who writes where and when, their text rendered by the real renderer, tags, mentions, reactions."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from agora.demo.seed_db import BulkWriter
from agora.demo.seed_names import HIDE_REASONS
from agora.demo.seed_org import World
from agora.demo.seed_render import Pipeline, Renderer
from agora.demo.seed_text import TextMaker
from agora.demo.seed_words import Zipf
from agora.hashtags.models import Hashtag
from agora.walls.models import REACTION_KINDS, Mention, Post, Reaction, post_hashtags

SPAN_DAYS = 730
NORMAL, DELETED, HIDDEN = 0, 1, 2
REACTION_WEIGHTS = (55, 12, 10, 13, 10)  # like, celebrate, support, insightful, curious
POST_COLUMNS = ("id", "author_id", "wall_user_id", "space_id", "kind", "body_source", "body_html", "created_at",
                "deleted_at", "hidden_at", "hidden_reason", "pinned", "comments_locked", "comment_count",
                "reaction_count", "share_count")
REACTION_COLUMNS = ("user_id", "post_id", "comment_id", "kind", "created_at")


@dataclass
class Moderated:
    """Content the seeder hid or someone reported, for the moderation stage."""

    target_type: str
    target_id: int
    space: int          # space index, -1 for a person wall
    author: int         # person index
    created_at: datetime
    hidden_at: datetime | None = None
    category: str = ""


@dataclass
class PostPlan:
    """Every post's place, author, time and fate, decided before any text is written."""

    first_id: int
    author: list[int] = field(default_factory=list)
    space: list[int] = field(default_factory=list)      # space index or -1
    wall: list[int] = field(default_factory=list)       # person index, or -1 on a space
    created: list[datetime] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    state: bytearray = field(default_factory=bytearray)
    comments: list[int] = field(default_factory=list)
    rare: set[int] = field(default_factory=set)
    bench_post: int = -1
    hidden_comment_post: int = -1  # its first comment is hidden, so even a tiny seed has a hidden comment
    moderated: list[Moderated] = field(default_factory=list)


def readers(world: World, rng: random.Random, space: int, k: int) -> list[int]:
    """Up to `k` distinct people likely to read something: the space's members, or anyone by activity."""
    if k <= 0:
        return []
    if space >= 0:
        info = world.spaces[space]
        if info.visibility != "open" or rng.random() < 0.6:
            return list(dict.fromkeys(rng.choices(info.members, cum_weights=info.member_weights, k=k)))
    return list(dict.fromkeys(world.activity.draw(rng, k)))


def reaction_rows(world: World, rng: random.Random, space: int, k: int, post_id, comment_id, when: datetime,
                  now: datetime) -> list[tuple]:
    """Reactions from distinct readers (one kind each, as the unique constraint wants)."""
    rows = []
    for person in readers(world, rng, space, k):
        kind = rng.choices(REACTION_KINDS, weights=REACTION_WEIGHTS)[0]
        at = min(now, when + timedelta(minutes=rng.randint(1, 3000)))
        rows.append((world.people[person].id, post_id, comment_id, kind, at))
    return rows


def handle_picker(world: World, rng: random.Random):
    """A function drawing `n` handles of colleagues to @mention, most active people most often."""
    def pick(n: int) -> list[str]:
        return [world.people[i].handle for i in world.activity.draw(rng, n)]
    return pick


def plan_posts(world: World, rng: random.Random, count: int, comments: int, first_id: int) -> PostPlan:
    """Decide walls, authors, times, deletions, hiding and comment counts for `count` posts."""
    plan = PostPlan(first_id)
    now, people = world.now, world.people
    start = now - timedelta(days=SPAN_DAYS)
    span = timedelta(days=SPAN_DAYS).total_seconds()
    order = list(range(len(world.spaces)))
    rng.shuffle(order)
    space_zipf = Zipf(order, s=0.9) if order else None
    for i in range(count):
        # Activity grows over the two years: more posts lately, ids in time order.
        created = start + timedelta(seconds=int(span * ((i + 0.5) / count) ** 0.7))
        space = space_zipf.one(rng) if space_zipf and rng.random() < 0.55 else -1
        if space >= 0:
            info = world.spaces[space]
            author = rng.choices(info.members, cum_weights=info.member_weights)[0]
            wall = -1
        else:
            author = world.activity.one(rng)
            wall = author
            if rng.random() < 0.15:
                person = people[author]
                wall = person.manager if person.manager is not None and rng.random() < 0.5 else \
                    rng.randrange(len(people))
                if not people[wall].active:  # nobody writes on a departed colleague's wall
                    wall = author
        language = people[author].language if rng.random() < 0.85 else rng.choice(("fr", "en"))
        r = rng.random()
        state = DELETED if r < 0.004 else HIDDEN if r < (0.007 if space >= 0 else 0.005) else NORMAL
        plan.author.append(author)
        plan.space.append(space)
        plan.wall.append(wall)
        plan.created.append(created)
        plan.language.append(language)
        plan.state.append(state)
    in_spaces = [i for i in range(count) if plan.space[i] >= 0]
    if in_spaces and HIDDEN not in plan.state:
        # Even a tiny seed shows moderation at work.
        plan.state[in_spaces[len(in_spaces) // 2]] = HIDDEN
    _plan_comments(world, rng, plan, count, comments)
    threads = [i for i in in_spaces if plan.comments[i] and i != plan.bench_post]
    plan.hidden_comment_post = threads[0] if threads else -1
    visible = [i for i in range(count) if plan.state[i] == NORMAL and
               (plan.space[i] < 0 or world.spaces[plan.space[i]].visibility == "open")]
    plan.rare = set(rng.sample(visible, k=min(3, len(visible))))
    return plan


def _plan_comments(world: World, rng: random.Random, plan: PostPlan, count: int, total: int) -> None:
    plan.comments = [0] * count
    if not count:
        return
    # A few posts draw long threads, most get a handful: Pareto weights.
    weights = [0.0 if plan.state[i] == DELETED else rng.paretovariate(1.2) for i in range(count)]
    cumulative = list(accumulate(weights))
    left = total
    while left > 0 and cumulative[-1] > 0:
        chunk = min(left, 100_000)
        for i in rng.choices(range(count), cum_weights=cumulative, k=chunk):
            plan.comments[i] += 1
        left -= chunk
    # The benchmark's "post with 50 comments": the latest visible post of the busiest open space.
    per_space: dict[int, int] = {}
    for i in range(count):
        if plan.space[i] >= 0 and world.spaces[plan.space[i]].visibility == "open":
            per_space[plan.space[i]] = per_space.get(plan.space[i], 0) + 1
    busiest = max(per_space, key=per_space.get) if per_space else -1
    candidates = [i for i in range(count) if plan.state[i] == NORMAL and plan.space[i] == busiest] or \
        [i for i in range(count) if plan.state[i] == NORMAL]
    if not candidates:
        return
    bench = plan.bench_post = candidates[-1]
    want = min(50, total)
    others = [i for i in range(count) if i != bench and plan.state[i] != DELETED]
    while plan.comments[bench] > want:
        plan.comments[bench] -= 1
        plan.comments[rng.choice(others or [bench])] += 1
    donors = [i for i in others if plan.comments[i] > 0]
    while plan.comments[bench] < want and donors:
        i = rng.randrange(len(donors))
        plan.comments[donors[i]] -= 1
        plan.comments[bench] += 1
        if plan.comments[donors[i]] == 0:
            donors[i] = donors[-1]
            donors.pop()


def write_posts(world: World, rng: random.Random, plan: PostPlan, maker: TextMaker, writer: BulkWriter,
                renderer: Renderer, batch_size: int, rare_word: str, progress) -> None:
    """Generate, render and insert every planned post, batch by batch, with counters set in the same pass."""
    now = world.now
    pick = handle_picker(world, rng)
    # Decisions taken when a batch is written use their own stream, independent of rendering.
    later = random.Random(rng.getrandbits(64))
    new_tags: list[tuple] = []

    def tag_id(slug: str, name: str) -> int:
        if slug not in world.hashtags:
            world.hashtags[slug] = max(world.hashtags.values(), default=0) + 1
            new_tags.append((world.hashtags[slug], name[:60], slug[:60]))
        return world.hashtags[slug]

    def write(batch, rendered) -> None:
        rows, tags, mentions, reactions = [], [], [], []
        results = iter(rendered)
        for i, text, reaction_list in batch:
            post_id = plan.first_id + i
            html, mentioned, hashtags = next(results) if text else ("", [], {})
            state, created = plan.state[i], plan.created[i]
            hidden_at = hidden_reason = None
            if state == HIDDEN:
                category = later.choice(list(HIDE_REASONS))
                hidden_at = min(now, created + timedelta(hours=later.randint(1, 72)))
                hidden_reason = HIDE_REASONS[category]
                plan.moderated.append(Moderated("post", post_id, plan.space[i], plan.author[i], created,
                                                hidden_at, category))
            elif state == NORMAL and later.random() < 0.002:
                plan.moderated.append(Moderated("post", post_id, plan.space[i], plan.author[i], created))
            space, wall = plan.space[i], plan.wall[i]
            rows.append((post_id, world.people[plan.author[i]].id,
                         world.people[wall].id if wall >= 0 else None,
                         world.spaces[space].id if space >= 0 else None, "status", text, html, created,
                         min(now, created + timedelta(days=1)) if state == DELETED else None,
                         hidden_at, hidden_reason, False, False, plan.comments[i], len(reaction_list), 0))
            for slug, name in hashtags.items():
                tags.append((post_id, tag_id(slug, name), created))
            mentions.extend((user_id, post_id, None) for user_id in mentioned)
            reactions.extend(reaction_list)
        writer.insert(Hashtag.__table__, ("id", "name", "slug"), new_tags)
        new_tags.clear()
        writer.insert(Post.__table__, POST_COLUMNS, rows)
        writer.insert(post_hashtags, ("post_id", "hashtag_id", "created_at"), tags)
        writer.insert(Mention.__table__, ("user_id", "post_id", "comment_id"), mentions)
        writer.insert(Reaction.__table__, REACTION_COLUMNS, reactions)
        writer.commit()
        progress(len(rows))

    pipeline = Pipeline(renderer, write)
    count = len(plan.author)
    for start in range(0, count, batch_size):
        batch, texts = [], []
        for i in range(start, min(count, start + batch_size)):
            text = ""
            reactions: list[tuple] = []
            if plan.state[i] != DELETED:
                text = maker.post(plan.language[i], pick)
                if i in plan.rare:
                    text += f" {rare_word}"
                texts.append(text)
                k = int(rng.paretovariate(1.4)) - 1
                reactions = reaction_rows(world, rng, plan.space[i], k, plan.first_id + i, None,
                                          plan.created[i], now)
            batch.append((i, text, reactions))
        pipeline.push(batch, texts)
    pipeline.drain()
