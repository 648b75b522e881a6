"""Profiles: what a person does, where, for whom, and what they know."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.time import utcnow
from agora.extensions import db


class Department(db.Model):
    """A department of the company."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)


profile_skills = Table(
    "profile_skills",
    db.metadata,
    Column("user_id", ForeignKey("profiles.user_id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_profile_skills_skill", "skill_id", "user_id"),
)


class Skill(db.Model):
    """A skill or expertise tag, shared by everyone who lists it."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    # Lowercased, accent-free form: "Réseaux" and "reseaux" are one skill.
    slug: Mapped[str] = mapped_column(String(60), unique=True)


class Profile(db.Model):
    """One person's profile, one-to-one with their account."""

    __tablename__ = "profiles"
    __table_args__ = (
        Index("ix_profiles_department", "department_id"),
        Index("ix_profiles_manager", "manager_id"),
        Index("ix_profiles_location", "location"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    location: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")  # comma-separated, as typed
    ask_me_about: Mapped[str] = mapped_column(String(300), default="")
    # Set by the person: questions are not routed to them until this day has passed; shown on their card.
    away_until: Mapped[date | None]
    bio_source: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User", back_populates="profile", foreign_keys=[user_id])
    department = relationship(Department, lazy="joined")
    manager = relationship("User", foreign_keys=[manager_id])
    skills = relationship(Skill, secondary=profile_skills, order_by=Skill.slug)
