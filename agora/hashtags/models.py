"""The hashtags table; which posts carry a tag is walls' post_hashtags."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from agora.extensions import db


class Hashtag(db.Model):
    """A #tag; `slug` is the folded form, so #Réunion and #reunion are one tag."""

    __tablename__ = "hashtags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
