"""Seeding comments: threads under the planned posts, replies one level deep, mentions, reactions, counters."""
from __future__ import annotations

import random
from datetime import timedelta

from agora.demo.seed_db import BulkWriter
from agora.demo.seed_names import HIDE_REASONS
from agora.demo.seed_org import World
from agora.demo.seed_posts import REACTION_COLUMNS, Moderated, PostPlan, handle_picker, reaction_rows, readers
from agora.demo.seed_render import Pipeline, Renderer
from agora.demo.seed_text import TextMaker
from agora.walls.models import Comment, Mention, Reaction

COMMENT_COLUMNS = ("id", "post_id", "parent_id", "author_id", "body_source", "body_html", "created_at",
                   "hidden_at", "hidden_reason", "reply_count", "reaction_count")


def write_comments(world: World, rng: random.Random, plan: PostPlan, first_id: int, maker: TextMaker,
                   writer: BulkWriter, renderer: Renderer, batch_size: int, progress) -> int:
    """Generate, render and insert the comments the plan gives each post; returns how many."""
    now = world.now
    pick = handle_picker(world, rng)
    later = random.Random(rng.getrandbits(64))

    def write(batch, rendered) -> None:
        rows, mentions = [], []
        replies: dict[int, int] = {}
        first_of: dict[int, int] = {}
        for post, comment_id, parent, *_rest in batch:
            first_of.setdefault(post, comment_id)
            if parent is not None:
                replies[parent] = replies.get(parent, 0) + 1
        reactions = []
        for (post, comment_id, parent, author, text, created, reaction_list), (html, mentioned, _tags) in \
                zip(batch, rendered, strict=True):
            space = plan.space[post]
            hidden_at = hidden_reason = None
            forced = post == plan.hidden_comment_post and comment_id == first_of.get(post)
            if later.random() < (0.002 if space >= 0 else 0.0005) or forced:
                category = later.choice(list(HIDE_REASONS))
                hidden_at = min(now, created + timedelta(hours=later.randint(1, 48)))
                hidden_reason = HIDE_REASONS[category]
                plan.moderated.append(Moderated("comment", comment_id, space, author, created, hidden_at, category))
            elif later.random() < 0.001:
                plan.moderated.append(Moderated("comment", comment_id, space, author, created))
            rows.append((comment_id, plan.first_id + post, parent, world.people[author].id, text, html, created,
                         hidden_at, hidden_reason, replies.get(comment_id, 0), len(reaction_list)))
            mentions.extend((user_id, None, comment_id) for user_id in mentioned)
            reactions.extend(reaction_list)
        writer.insert(Comment.__table__, COMMENT_COLUMNS, rows)
        writer.insert(Mention.__table__, ("user_id", "post_id", "comment_id"), mentions)
        writer.insert(Reaction.__table__, REACTION_COLUMNS, reactions)
        writer.commit()
        progress(len(rows))

    pipeline = Pipeline(renderer, write)
    comment_id = first_id
    batch, texts = [], []
    for post, count in enumerate(plan.comments):
        if not count:
            continue
        space, when = plan.space[post], plan.created[post]
        top_level: list[int] = []
        for _ in range(count):
            when = when + timedelta(seconds=30 + int(rng.expovariate(1 / 5400)))
            created = min(now, when)
            author = plan.author[post] if rng.random() < 0.15 else readers(world, rng, space, 1)[0]
            parent = None
            if top_level and rng.random() < 0.3:
                parent = rng.choice(top_level)
            else:
                top_level.append(comment_id)
            language = plan.language[post] if rng.random() < 0.85 else rng.choice(("fr", "en"))
            text = maker.comment(language, pick)
            k = int(rng.paretovariate(2.5)) - 1
            reaction_list = reaction_rows(world, rng, space, k, None, comment_id, created, now)
            batch.append((post, comment_id, parent, author, text, created, reaction_list))
            texts.append(text)
            comment_id += 1
        # A post's thread stays in one batch, so reply counts are complete when the batch is written.
        if len(batch) >= batch_size:
            pipeline.push(batch, texts)
            batch, texts = [], []
    if batch:
        pipeline.push(batch, texts)
    pipeline.drain()
    return comment_id - first_id
