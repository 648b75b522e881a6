"""Walls: posts on a person's or a space's wall, their comments, reactions, mentions, hashtags and history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.time import utcnow
from agora.extensions import db
from agora.hashtags.models import Hashtag

# Kinds a post may have; questions, polls, ideas and announcements get their own behaviour later.
POST_KINDS = ("status", "question", "poll", "idea", "announcement")
REACTION_KINDS = ("like", "celebrate", "support", "insightful", "curious")

post_hashtags = Table(
    "post_hashtags",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("hashtag_id", ForeignKey("hashtags.id", ondelete="CASCADE"), primary_key=True),
    # The post's own created_at, copied so that a tag's newest posts are one index walk (feed, tag page).
    Column("created_at", DateTime, nullable=False),
    Index("ix_post_hashtags_hashtag_created", "hashtag_id", "created_at", "post_id"),
)

post_attachments = Table(
    "post_attachments",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("media_id", ForeignKey("media.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_post_attachments_media", "media_id"),
)


class Post(db.Model):
    """A post on exactly one wall: a person's (`wall_user_id`) or a space's (`space_id`)."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("(wall_user_id IS NULL) <> (space_id IS NULL)", name="one_wall"),
        Index("ix_posts_created", "created_at", "id"),
        Index("ix_posts_author_created", "author_id", "created_at", "id"),
        Index("ix_posts_wall_user_created", "wall_user_id", "created_at", "id"),
        Index("ix_posts_space_created", "space_id", "created_at", "id"),
        Index("ix_posts_shared", "shared_post_id"),
        Index("ix_posts_kind_pinned", "kind", "pinned"),
        # Pins are few: a partial index finds a space's pins without walking all of its posts.
        Index("ix_posts_space_pinned", "space_id", "created_at", "id",
              sqlite_where=text("pinned = 1"), postgresql_where=text("pinned")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    wall_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="status")
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Set by moderation (spaces work); a hidden post shows a notice instead of its content.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    pinned: Mapped[bool] = mapped_column(default=False)
    comments_locked: Mapped[bool] = mapped_column(default=False)
    comment_count: Mapped[int] = mapped_column(default=0)
    reaction_count: Mapped[int] = mapped_column(default=0)
    share_count: Mapped[int] = mapped_column(default=0)
    shared_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[author_id], lazy="joined", innerjoin=True)
    wall_user = relationship("User", foreign_keys=[wall_user_id])
    space = relationship("Space")
    shared_post = relationship("Post", remote_side=[id])
    hashtags = relationship(Hashtag, secondary=post_hashtags, order_by=Hashtag.slug)
    attachments = relationship("Media", secondary=post_attachments, order_by="Media.id")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id}>"


@event.listens_for(Post, "after_update")
def _keep_tag_times(mapper, connection, post) -> None:
    # Backdating a post (demo data, imports) moves its copies of created_at in the hashtag links too.
    if inspect(post).attrs.created_at.history.deleted:
        connection.execute(update(post_hashtags).where(post_hashtags.c.post_id == post.id)
                           .values(created_at=post.created_at))


class Comment(db.Model):
    """A comment on a post; `parent_id` makes it a reply (one level deep)."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_created", "post_id", "created_at", "id"),
        Index("ix_comments_parent", "parent_id"),
        Index("ix_comments_author", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    reply_count: Mapped[int] = mapped_column(default=0)
    reaction_count: Mapped[int] = mapped_column(default=0)

    post = relationship(Post)
    author = relationship("User", lazy="joined", innerjoin=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reaction(db.Model):
    """One person's reaction of one kind to a post or a comment."""

    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("user_id", "post_id", "kind", name="uq_reactions_user_post_kind"),
        UniqueConstraint("user_id", "comment_id", "kind", name="uq_reactions_user_comment_kind"),
        CheckConstraint("(post_id IS NULL) <> (comment_id IS NULL)", name="one_target"),
        Index("ix_reactions_post", "post_id"),
        Index("ix_reactions_comment", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class Mention(db.Model):
    """A person @mentioned in a post or a comment."""

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_user", "user_id"),
        Index("ix_mentions_post", "post_id"),
        Index("ix_mentions_comment", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))


class EditHistory(db.Model):
    """A previous version of a post or comment, kept when its author edits it; readers may open it."""

    __tablename__ = "edit_history"
    __table_args__ = (Index("ix_edit_history_content", "content_type", "content_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(10))  # "post" | "comment"
    content_id: Mapped[int]
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # When this version was written (its creation or previous edit), and when it was replaced.
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
