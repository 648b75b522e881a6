"""Spaces: a named place with a wall, a visibility, members and moderators."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.time import utcnow
from agora.extensions import db


class Space(db.Model):
    """A department, project or community space."""

    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="open")  # open | closed | secret
    # Members of this department join automatically (config `department`); NULL: none.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    # True for spaces the config file defines: `config apply` owns their name, visibility and moderators.
    from_config: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department = relationship("Department")

    def __repr__(self) -> str:
        return f"<Space {self.slug}>"


class Membership(db.Model):
    """One person in one space, as member or moderator; `source` says how they got there."""

    __tablename__ = "space_memberships"
    __table_args__ = (
        UniqueConstraint("space_id", "user_id", name="uq_membership"),
        Index("ix_memberships_user", "user_id"),
        # A wall names its moderators on every view: without this, the lookup read every membership row.
        # (Not a partial index on role = 'moderator': the role comes as a bound parameter, which
        # SQLite and PostgreSQL's generic plans cannot match against an index's predicate.)
        Index("ix_memberships_space_role", "space_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10), default="member")  # member | moderator
    source: Mapped[str] = mapped_column(String(10), default="manual")  # manual | config | department
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    space = relationship(Space)
    user = relationship("User")


class JoinRequest(db.Model):
    """A request to join a closed space, or an invitation to any space, awaiting an answer."""

    __tablename__ = "space_join_requests"
    __table_args__ = (
        Index("ix_join_requests_space_status", "space_id", "status"),
        Index("ix_join_requests_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="request")  # request (by the person) | invite
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | approved | refused | cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    space = relationship(Space)
    user = relationship("User", foreign_keys=[user_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])


class Suspension(db.Model):
    """A member barred from posting and commenting in a space until `until` (a moderation action)."""

    __tablename__ = "space_suspensions"
    __table_args__ = (Index("ix_suspensions_user_until", "user_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Lifted early (appeal granted, moderator's decision); NULL while it runs its course.
    lifted_at: Mapped[datetime | None]


class SpaceOptOut(db.Model):
    """Someone who left (or was removed from) a department space: department sync must not add them back."""

    __tablename__ = "space_opt_outs"
    __table_args__ = (UniqueConstraint("space_id", "user_id", name="uq_space_opt_out"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(10), default="left")  # left | removed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
