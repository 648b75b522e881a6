"""What walls plug into other features: media access, profile activity, notification filtering, demo data."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from agora.core.policy import can
from agora.extensions import db
from agora.walls.models import Comment, Post, post_attachments


def media_guard(user, media):
    """A post attachment is served to whoever may read the post; None for media that are not attachments."""
    post = db.session.scalar(select(Post).join(post_attachments, post_attachments.c.post_id == Post.id)
                             .where(post_attachments.c.media_id == media.id).limit(1))
    if post is None:
        return None
    return can(user, "post.view", post)


def profile_activity(viewer, person) -> list[tuple[str, Markup]]:
    """The person's latest posts and a follow button, for their profile page."""
    from agora.follows.services import is_following
    from agora.walls.queries import recent_by

    posts = recent_by(viewer, person, limit=3)
    html = render_template("walls/_activity.html", person=person, posts=posts,
                           following=is_following(viewer, "person", person.id))
    return [(_("Recent posts"), Markup(html))]


def notifications_visible(user, items) -> set[tuple[str, int]]:
    """Which (target_type, target_id) pairs about posts and comments `user` may still see."""
    post_ids = {i for t, i in items if t == "post"}
    comment_ids = {i for t, i in items if t == "comment"}
    visible: set[tuple[str, int]] = set()
    if post_ids:
        for post in db.session.scalars(select(Post).where(Post.id.in_(post_ids)).options(selectinload(Post.space))):
            if can(user, "post.view", post):
                visible.add(("post", post.id))
    if comment_ids:
        rows = db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids))
                                  .options(selectinload(Comment.post).selectinload(Post.space)))
        for comment in rows:
            if comment.deleted_at is None and can(user, "comment.view", comment):
                visible.add(("comment", comment.id))
    return visible


def demo_populate(people, rng) -> None:
    """Lively walls for the demo organisation."""
    from agora.walls.demo import populate

    populate(people, rng)
