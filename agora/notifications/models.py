"""Notifications: what happened to a person's content, and which kinds they want to hear about."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.time import utcnow
from agora.extensions import db


class Notification(db.Model):
    """One line in a person's notification list; grouped kinds count their actors."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_read", "recipient_id", "read_at"),
        Index("ix_notifications_recipient_updated", "recipient_id", "updated_at", "id"),
        Index("ix_notifications_recipient_group", "recipient_id", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    # The latest actor; earlier ones of a group are only counted.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_count: Mapped[int] = mapped_column(default=1)
    # Comma-separated ids of a group's actors, so one person reacting twice counts once.
    actor_ids: Mapped[str] = mapped_column(Text, default="")
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    url: Mapped[str] = mapped_column(String(500))
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    group_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    actor = relationship("User", foreign_keys=[actor_id])

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def others(self) -> int:
        """How many actors besides the latest one."""
        return max(self.actor_count - 1, 0)


class NotificationPreference(db.Model):
    """A person's override for one kind; kinds without a row are on."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)


class EmailPreference(db.Model):
    """A person's email mode for one kind ("immediately", "digest", "never"); kinds without a row keep their default."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))


class EmailSettings(db.Model):
    """A person's digest choices and the state of their address; people without a row have the defaults."""

    __tablename__ = "email_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest_frequency: Mapped[str] = mapped_column(String(8), default="daily")
    digest_hour: Mapped[int] = mapped_column(default=8)
    # The person's time zone for the digest hour; empty: the site's.
    timezone: Mapped[str] = mapped_column(String(64), default="")
    # Discourse's rule: no digest for someone who visited within the interval.
    skip_if_visited: Mapped[bool] = mapped_column(default=True)
    last_digest_at: Mapped[datetime | None]
    last_emailed_at: Mapped[datetime | None]
    # Set when the mail server refused the address permanently (5xx); nothing is sent until it is confirmed.
    failing_since: Mapped[datetime | None]
    failing_reason: Mapped[str] = mapped_column(String(300), default="")
