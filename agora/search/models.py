"""The search outbox: changes waiting to reach the index, written in the same transaction as the change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.time import utcnow
from agora.extensions import db


class SearchOutbox(db.Model):
    """One document to reindex (or remove): the indexer reads its current state when it drains the row."""

    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_applied_id", "applied", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))
    doc_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Applied to the live index while a rebuild runs: kept so the rebuilt index replays it before the swap.
    applied: Mapped[bool] = mapped_column(default=False)


class SearchState(db.Model):
    """A named counter; "scopes" moves whenever a space is created, removed or changes visibility."""

    __tablename__ = "search_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
