"""Follows: one row per (follower, followed thing)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.time import utcnow
from agora.extensions import db

TARGET_TYPES = ("person", "space", "hashtag")


class Follow(db.Model):
    """`user_id` follows a person, a space or a hashtag (`target_type`, `target_id`)."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id", name="uq_follows_user_target"),
        Index("ix_follows_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
