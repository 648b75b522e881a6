"""The audit log's one table, append-only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.append_only import append_only
from agora.core.time import utcnow
from agora.extensions import db


@append_only  # the ORM refuses changes; the migration adds database triggers so raw SQL cannot either
class AuditEntry(db.Model):
    """The admin audit log: logins, role changes, config applies, erasures. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(40))  # login | login_failed | role_change | config_apply | erase ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User")
