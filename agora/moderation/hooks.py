"""What moderation plugs into other features: the keyword watch, notification filtering, hidden attachments."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from agora.core.policy import can
from agora.extensions import db
from agora.moderation.models import Appeal, ModerationAction
from agora.walls.models import Post, post_attachments


def content_created(target_type: str, content) -> None:
    """A new post or comment: check it against the keyword watch list."""
    from agora.moderation.reports import content_created as watch

    watch(target_type, content)


def notifications_visible(user, items) -> set[tuple[str, int]]:
    """Notifications about ledger lines and appeals stay visible while the reader may still see them."""
    action_ids = {i for t, i in items if t == "moderation"}
    appeal_ids = {i for t, i in items if t == "appeal"}
    visible: set[tuple[str, int]] = set()
    if action_ids:
        for action in db.session.scalars(select(ModerationAction).where(ModerationAction.id.in_(action_ids))
                                         .options(selectinload(ModerationAction.space),
                                                  selectinload(ModerationAction.to_space))):
            if can(user, "moderation.ledger_view", action):
                visible.add(("moderation", action.id))
    if appeal_ids:
        for appeal in db.session.scalars(select(Appeal).where(Appeal.id.in_(appeal_ids))
                                         .options(selectinload(Appeal.action).selectinload(ModerationAction.space))):
            if appeal.author_id == user.id or can(user, "moderation.decide_appeal", appeal):
                visible.add(("appeal", appeal.id))
    return visible


def media_guard(user, media):
    """Files of a hidden post are for those who may see the hidden original; None (abstain) otherwise."""
    post = db.session.scalar(select(Post).join(post_attachments, post_attachments.c.post_id == Post.id)
                             .where(post_attachments.c.media_id == media.id, Post.hidden_at.is_not(None)).limit(1))
    if post is None:
        return None
    return False if not can(user, "post.view_hidden", post) else None
