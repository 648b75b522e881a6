"""Moderation: reports, the append-only ledger of actions, and appeals."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.append_only import append_only
from agora.core.time import utcnow
from agora.extensions import db

CATEGORIES = ("harassment", "confidential", "spam", "other")


class Report(db.Model):
    """A reader's report of a post or comment (or a keyword-watch match, `reporter_id` NULL)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_space", "status", "space_id"),
        Index("ix_reports_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(10))  # post | comment
    target_id: Mapped[int]
    # The space the content lives in; NULL for person walls (HR and admins review those).
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(20))  # CATEGORIES, or "keyword" for the watch list
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | handled | dismissed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None]

    reporter = relationship("User", foreign_keys=[reporter_id])
    space = relationship("Space")


@append_only  # the ORM refuses changes; the migration adds database triggers so raw SQL cannot either
class ModerationAction(db.Model):
    """One line of the ledger: who did what to which content, under which rule, and why. Never updated or deleted."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        Index("ix_modactions_space_created", "space_id", "created_at", "id"),
        Index("ix_modactions_target", "target_type", "target_id"),
        Index("ix_modactions_subject", "subject_user_id"),
        Index("ix_modactions_to_space", "to_space_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # hide | restore | lock | unlock | pin | unpin | move | warn | suspend | dismiss | erase
    # | appeal_granted | appeal_refused
    action: Mapped[str] = mapped_column(String(20))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"))
    # A move's destination, so the line shows in both spaces' ledgers.
    to_space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"))
    # NULL actor: the command line (erasure), named in `reason`.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_type: Mapped[str] = mapped_column(String(10))  # post | comment | user
    target_id: Mapped[int]
    # The author of the content (or the person warned or suspended): who is notified and may appeal.
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(40), default="")  # a report category or a house rule
    reason: Mapped[str] = mapped_column(Text, default="")
    # Extra facts: the space moved from/to, suspension end, the report handled.
    detail: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    # For appeal outcomes: the action appealed.
    appeal_of_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_actions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
    subject = relationship("User", foreign_keys=[subject_user_id])
    space = relationship("Space", foreign_keys=[space_id])
    to_space = relationship("Space", foreign_keys=[to_space_id])


class Appeal(db.Model):
    """An author's one appeal against an action, decided by someone other than the moderator who acted."""

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("action_id", name="uq_appeal_action"),
        Index("ix_appeals_assignee_status", "assigned_to_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | granted | refused
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action = relationship(ModerationAction, foreign_keys=[action_id])
    author = relationship("User", foreign_keys=[author_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
