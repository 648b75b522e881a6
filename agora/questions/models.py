"""Questions: a post of kind "question" with a title, its promise (due time), routes to experts, accepted answers
and a timeline; space experts named by moderators; the figures kept for insights."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.time import utcnow
from agora.extensions import db

STATES = ("open", "answered", "resolved")  # "overdue" is open past its due time, computed when read
EVENTS = ("asked", "routed", "passed", "reminded", "escalated", "missed", "answered", "accepted", "withdrawn")

question_topics = Table(
    "question_topics",
    db.metadata,
    Column("question_id", ForeignKey("questions.post_id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_question_topics_skill", "skill_id", "question_id"),
)


class Question(db.Model):
    """The question part of a post, one-to-one: title, state, promise and the figures insights reads."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_state_due", "state", "due_at"),
        Index("ix_questions_state_remind", "state", "remind_at"),
        Index("ix_questions_asked", "asked_at", "post_id"),
        Index("ix_questions_space_asked", "space_id", "asked_at"),
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    # Copied from the post so that lists filter without joining it (a question never moves wall).
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    asker_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12), default="open")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    remind_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    first_answer_at: Mapped[datetime | None]
    first_answer_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    # Figures for insights: set at the first answer; a question never answered counts as missed once due.
    business_seconds_to_answer: Mapped[float | None]
    wall_seconds_to_answer: Mapped[float | None]
    promise_kept: Mapped[bool | None]
    across_departments: Mapped[bool | None]

    post = relationship("Post", lazy="joined", innerjoin=True)
    topics = relationship("Skill", secondary=question_topics, order_by="Skill.slug")

    def overdue(self, now: datetime | None = None) -> bool:
        """Open and past its due time."""
        return self.state == "open" and (now or utcnow()) >= self.due_at

    def status(self, now: datetime | None = None) -> str:
        """open, overdue, answered or resolved."""
        return "overdue" if self.overdue(now) else self.state

    def is_routed_to(self, user_id: int) -> bool:
        """The question waits on this person: routed to them, not passed (the policy's question.pass)."""
        return db.session.scalar(select(Route.id).where(Route.question_id == self.post_id, Route.user_id == user_id,
                                                        Route.state == "routed")) is not None


class Route(db.Model):
    """One expert a question was sent to, why, and what they did with it."""

    __tablename__ = "question_routes"
    __table_args__ = (
        Index("ix_question_routes_user_state", "user_id", "state", "question_id"),
        Index("ix_question_routes_question", "question_id", "user_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.post_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # skill, ask_me_about, space_expert, accepted_before, suggested, moderator, fallback
    reason: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(12), default="routed")  # routed, passed, answered, closed
    round: Mapped[int] = mapped_column(default=1)  # 1 when asked; 2 and more after escalations and passes
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)
    passed_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined", innerjoin=True)


class Acceptance(db.Model):
    """An answer (comment) the asker or a moderator accepted."""

    __tablename__ = "question_acceptances"
    __table_args__ = (Index("ix_question_acceptances_question", "question_id", "comment_id"),)

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.post_id", ondelete="CASCADE"))
    accepted_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(db.Model):
    """One step of a question's timeline, readable by its readers; rows are only ever added."""

    __tablename__ = "question_events"
    __table_args__ = (Index("ix_question_events_question", "question_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.post_id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # routed, passed to
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
    person = relationship("User", foreign_keys=[person_id])


class SpaceExpert(db.Model):
    """Someone a space's moderators named an expert of that space: questions there reach them."""

    __tablename__ = "space_experts"

    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    named_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(default=utcnow)
