"""The questions lists: open (with time left), overdue, answered, resolved; for me; by space, topic, department."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from agora.core.errors import ValidationError
from agora.core.time import utcnow
from agora.extensions import db
from agora.questions.models import Question, Route, question_topics
from agora.walls.models import Post
from agora.walls.queries import PAGE_SIZE, PostList, page_of, readable

FILTERS = ("open", "overdue", "answered", "resolved", "unanswered")


@dataclass
class Chosen:
    """The filters a reader picked: the space, topic and department, and their ids for the query."""

    space: object = None
    topic: object = None
    department: object = None

    @property
    def ids(self) -> dict:
        return {"space_id": self.space.id if self.space else None, "topic_id": self.topic.id if self.topic else None,
                "department_id": self.department.id if self.department else None}

    @property
    def args(self) -> dict:
        """The filters as query arguments, for the tabs and the next page."""
        return {k: v for k, v in (("space", self.space and self.space.slug), ("topic", self.topic and self.topic.name),
                                  ("department", self.department and self.department.slug)) if v}


def chosen_filters(user, space: str | None, topic: str | None, department: str | None) -> Chosen | None:
    """The filters named in a request, or None when one names nothing the reader may see."""
    from agora.core.errors import NotFound
    from agora.core.folding import slugify
    from agora.profiles.models import Department, Skill
    from agora.spaces.services import get_space

    chosen = Chosen()
    try:
        chosen.space = get_space(user, space) if space else None
    except NotFound:
        return None
    if topic:
        chosen.topic = db.session.scalar(select(Skill).where(Skill.slug == slugify(topic)))
        if chosen.topic is None:
            return None
    if department:
        chosen.department = db.session.scalar(select(Department).where(Department.slug == department))
        if chosen.department is None:
            return None
    return chosen


def departments() -> list:
    """Every department, for the filter."""
    from agora.profiles.models import Department

    return list(db.session.scalars(select(Department).order_by(Department.name)))


def questions(user, *, state: str | None = None, for_me: bool = False, space_id: int | None = None,
              topic_id: int | None = None, department_id: int | None = None, cursor: str | None = None,
              limit: int = PAGE_SIZE) -> PostList:
    """A page of the questions `user` may read, newest first, with their cards."""
    if state and state not in FILTERS:
        message = f"state is one of {', '.join(FILTERS)}."
        raise ValidationError(message, {"state": [message]})
    now = utcnow()
    stmt = select(Post).join(Question, Question.post_id == Post.id).where(*readable(user), Post.hidden_at.is_(None))
    if state == "open":
        stmt = stmt.where(Question.state == "open", Question.due_at > now)
    elif state == "overdue":
        stmt = stmt.where(Question.state == "open", Question.due_at <= now)
    elif state == "unanswered":
        stmt = stmt.where(Question.state == "open")
    elif state:
        stmt = stmt.where(Question.state == state)
    if for_me:
        stmt = stmt.where(Question.post_id.in_(select(Route.question_id).where(Route.user_id == user.id,
                                                                             Route.state == "routed")))
    if space_id is not None:
        stmt = stmt.where(Question.space_id == space_id)
    if topic_id is not None:
        stmt = stmt.where(Question.post_id.in_(select(question_topics.c.question_id)
                                              .where(question_topics.c.skill_id == topic_id)))
    if department_id is not None:
        stmt = stmt.where(Question.asker_department_id == department_id)
    return page_of(user, stmt, cursor, limit)


def similar(user, text: str, limit: int = 5) -> list[Question]:
    """Answered questions whose titles share the words of `text`, that `user` may read: to answer oneself at once."""
    from agora.core.folding import fold
    from agora.core.policy import can

    words = [w for w in fold(text).split() if len(w) >= 4][:6]
    if not words:
        return []
    from sqlalchemy import func, or_
    found = db.session.scalars(
        select(Question).join(Post, Post.id == Question.post_id)
        .where(*readable(user), Post.hidden_at.is_(None), Question.state.in_(("answered", "resolved")),
               or_(*[func.lower(Question.title).contains(w, autoescape=True) for w in words]))
        .order_by(Question.asked_at.desc()).limit(limit * 3))
    return [q for q in found if can(user, "post.view", q.post)][:limit]


def common_skills(limit: int = 200) -> list[str]:
    """The skills most people declare, for the topics' suggestions (a <datalist>: no script needed)."""
    from sqlalchemy import func

    from agora.profiles.models import Skill, profile_skills

    return list(db.session.scalars(
        select(Skill.name).join(profile_skills, profile_skills.c.skill_id == Skill.id)
        .group_by(Skill.id, Skill.name).order_by(func.count().desc(), Skill.name).limit(limit)))
