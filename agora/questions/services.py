"""Asking, routing, passing, answering and accepting: the question's life, each step on its timeline."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from agora.core.errors import NotFound, ValidationError
from agora.core.ids import in_range
from agora.core.policy import can, require
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.notifications.services import notify
from agora.questions import calendar
from agora.questions.models import Acceptance, Event, Question, Route, question_topics
from agora.questions.routing import Candidate, experts, fallback

TITLE_LENGTH = 200
MAX_TOPICS = 5


def settings() -> dict:
    """The [questions] section of the config."""
    return current_app.config["AGORA"]["questions"]


def calendar_of(asker, space) -> calendar.Calendar:
    """The business calendar of a question: the space's promise if it sets one, else the asker's location's."""
    cfg = current_app.config["AGORA"]
    entry = next((s for s in cfg.get("spaces", []) if space is not None and s["slug"] == space.slug), None)
    profile = getattr(asker, "profile", None)
    return calendar.calendar_for(cfg, location=profile.location if profile is not None else "", space=entry)


def question_url(question_or_post_id) -> str:
    """The question's page (its post page)."""
    from agora.walls.models import Post
    from agora.walls.services import post_url

    post_id = getattr(question_or_post_id, "post_id", question_or_post_id)
    return post_url(db.session.get(Post, post_id))


def _event(question: Question, kind: str, *, actor_id=None, person_id=None, comment_id=None, detail="", at=None):
    db.session.add(Event(question_id=question.post_id, kind=kind, actor_id=actor_id, person_id=person_id,
                         comment_id=comment_id, detail=detail[:300], created_at=at or utcnow()))


def _topics(names) -> list:
    from agora.profiles.services import get_skills

    if names is None:
        return []
    if isinstance(names, str):
        names = [n for n in names.split(",")]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValidationError(_("Topics are a list of skills."), {"topics": [_("Topics are a list of skills.")]})
    names = [n.strip() for n in names if n.strip()]
    if len(names) > MAX_TOPICS:
        message = _("At most %(num)d topics.", num=MAX_TOPICS)
        raise ValidationError(message, {"topics": [message]})
    return get_skills(names)


def _hashtag_topics(body: str, taken: set[int]) -> list:
    """The skills named by the question's hashtags (#payroll is the skill Payroll): topics too, never created."""
    from agora.profiles.models import Skill
    from agora.walls.rendering import render

    slugs = list(render(body).hashtags)
    if not slugs:
        return []
    return [s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(slugs))) if s.id not in taken]


def _route(question: Question, post, people: list[Candidate], round_: int, actor_id=None) -> list[int]:
    now = utcnow()
    routed = []
    for candidate in people:
        db.session.add(Route(question_id=question.post_id, user_id=candidate.user_id, reason=candidate.reason,
                             round=round_, routed_at=now))
        _event(question, "routed", actor_id=actor_id, person_id=candidate.user_id, detail=candidate.reason, at=now)
        notify(candidate.user_id, "question_routed", actor_id=question.asker_id, target_type="post",
               target_id=question.post_id, url=question_url(question.post_id), excerpt=question.title)
        routed.append(candidate.user_id)
    return routed


def routed_ids(question: Question) -> set[int]:
    """Everyone the question was ever routed to."""
    return set(db.session.scalars(select(Route.user_id).where(Route.question_id == question.post_id)))


def _today(cal) -> date:
    return datetime.now(cal.zone).date()


def ask(asker, *, title: str | None, body: str | None, space=None, topics=None, now: datetime | None = None):
    """Post a question (on `space`'s wall, or company-wide on the asker's own) and route it to who knows."""
    from agora.walls.services import create_post

    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("A question needs a short title."), {"title": [_("A question needs a short title.")]})
    if len(title) > TITLE_LENGTH:
        message = _("At most %(num)d characters.", num=TITLE_LENGTH)
        raise ValidationError(message, {"title": [message]})
    skills = _topics(topics)
    skills += _hashtag_topics(body or "", {s.id for s in skills})
    now = now or utcnow()
    cal = calendar_of(asker, space)
    due = calendar.due_at(cal, now)
    profile = getattr(asker, "profile", None)
    holder: dict = {}

    def attach(post):
        question = Question(post_id=post.id, space_id=post.space_id, asker_id=asker.id, title=title,
                            asker_department_id=profile.department_id if profile is not None else None,
                            asked_at=now, due_at=due, remind_at=calendar.remind_at(cal, now, due))
        db.session.add(question)
        db.session.flush()
        if skills:
            db.session.execute(question_topics.insert(), [{"question_id": post.id, "skill_id": s.id} for s in skills])
        _event(question, "asked", actor_id=asker.id, at=now)
        chosen = experts(question, post, skills, set(), settings()["experts_per_question"], _today(cal)) \
            or fallback(question, post, set())
        _route(question, post, chosen, 1)
        holder["question"] = question

    create_post(asker, space=space, person=None if space is not None else asker, body=body or title,
                kind="question", attach=attach)
    return holder["question"]


def get_question(user, question_id) -> Question:
    """The question if `user` may read its post; the same NotFound for missing and out of sight."""
    try:
        number = int(question_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    question = db.session.get(Question, number) if in_range(number) else None
    if question is None or question.post.deleted_at is not None:
        raise NotFound()
    require(user, "post.view", question.post)
    return question


@transactional
def pass_question(user, question: Question, suggestion: str | None = None, note: str = "") -> list[int]:
    """The expert says "not for me" (maybe naming someone); the question goes to the next who knows."""
    from agora.profiles.services import find_person

    require(user, "question.pass", question)
    route = db.session.scalar(select(Route).where(Route.question_id == question.post_id, Route.user_id == user.id))
    route.state, route.passed_at = "passed", utcnow()
    suggested = find_person(suggestion.strip()) if suggestion and suggestion.strip() else None
    if suggestion and suggestion.strip() and suggested is None:
        message = _("Nobody has this handle or email.")
        raise ValidationError(message, {"suggestion": [message]})
    _event(question, "passed", actor_id=user.id, person_id=suggested.id if suggested else None, detail=note)
    taken = routed_ids(question)
    post = question.post
    if suggested is not None and suggested.id not in taken and suggested.id != question.asker_id \
            and suggested.active and can(suggested, "post.view", post):
        chosen = [Candidate(suggested.id, "suggested", 0)]
    else:
        cal = calendar_of(db.session.get(type(user), question.asker_id), post.space)
        chosen = experts(question, post, question.topics, taken, 1, _today(cal)) or fallback(question, post, taken)[:1]
    return _route(question, post, chosen, route.round + 1, actor_id=user.id)


def on_content_created(target_type: str, content) -> None:
    """The "content.created" hook: the first answer by someone other than the asker answers the question."""
    if target_type != "comment":
        return
    post = content.post
    if post.kind != "question":
        return
    record_answer(content)


@transactional
def record_answer(comment) -> None:
    """Note the first answer and the figures insights reads; the routes of its author are answered."""
    from agora.accounts.models import User

    question = db.session.get(Question, comment.post_id)
    if question is None or comment.author_id == question.asker_id:
        return
    route = db.session.scalar(select(Route).where(Route.question_id == question.post_id,
                                                  Route.user_id == comment.author_id, Route.state == "routed"))
    if route is not None:
        route.state = "answered"
    if question.first_answer_at is not None:
        return
    at = comment.created_at
    asker = db.session.get(User, question.asker_id)
    cal = calendar_of(asker, question.post.space)
    question.first_answer_at, question.first_answer_id = at, comment.id
    if question.state == "open":
        question.state = "answered"
    question.wall_seconds_to_answer = max(0.0, (at - question.asked_at).total_seconds())
    question.business_seconds_to_answer = calendar.business_seconds(cal, question.asked_at, at)
    question.promise_kept = at <= question.due_at
    answerer = db.session.get(User, comment.author_id)
    theirs = answerer.profile.department_id if answerer.profile is not None else None
    if question.asker_department_id is not None and theirs is not None:
        question.across_departments = theirs != question.asker_department_id
    _event(question, "answered", actor_id=comment.author_id, comment_id=comment.id, at=at)


def _comment_of(user, comment_id):
    from agora.walls.comments import get_comment

    comment = get_comment(user, comment_id)
    question = db.session.get(Question, comment.post_id)
    if question is None or comment.deleted_at is not None:
        raise NotFound()
    return comment, question


@transactional
def accept(user, comment_id) -> Question:
    """Accept an answer (the asker or a moderator); the question is resolved and the answerer told."""
    comment, question = _comment_of(user, comment_id)
    require(user, "question.accept", question.post)
    if comment.author_id == question.asker_id:
        message = _("The asker's own comment cannot be the accepted answer.")
        raise ValidationError(message, {"comment": [message]})
    if db.session.get(Acceptance, comment.id) is None:
        now = utcnow()
        db.session.add(Acceptance(comment_id=comment.id, question_id=question.post_id, accepted_by=user.id,
                                  accepted_at=now))
        question.state, question.resolved_at = "resolved", question.resolved_at or now
        _event(question, "accepted", actor_id=user.id, person_id=comment.author_id, comment_id=comment.id, at=now)
        from agora.walls.comments import comment_url
        notify(comment.author_id, "answer_accepted", actor_id=user.id, target_type="comment", target_id=comment.id,
               url=comment_url(comment), excerpt=question.title)
    return question


@transactional
def withdraw(user, comment_id) -> Question:
    """Withdraw an accepted answer; without any left, the question is answered again, not resolved."""
    comment, question = _comment_of(user, comment_id)
    require(user, "question.accept", question.post)
    found = db.session.get(Acceptance, comment.id)
    if found is not None:
        db.session.delete(found)
        db.session.flush()
        _event(question, "withdrawn", actor_id=user.id, person_id=comment.author_id, comment_id=comment.id)
        if not db.session.scalar(select(Acceptance.comment_id).where(Acceptance.question_id == question.post_id)):
            question.state = "answered" if question.first_answer_at else "open"
            question.resolved_at = None
    return question


def accepted_ids(question_ids) -> dict[int, set[int]]:
    """The accepted comment ids of each question."""
    found: dict[int, set[int]] = {}
    ids = list(question_ids)
    if ids:
        for question_id, comment_id in db.session.execute(
                select(Acceptance.question_id, Acceptance.comment_id).where(Acceptance.question_id.in_(ids))):
            found.setdefault(question_id, set()).add(comment_id)
    return found


def timeline(question: Question) -> list[Event]:
    """Every step of the question, oldest first, with the people it names (one query however many)."""
    return list(db.session.scalars(select(Event).where(Event.question_id == question.post_id).order_by(Event.id)
                                   .options(joinedload(Event.actor), joinedload(Event.person))))


def routes(question: Question) -> list[Route]:
    """Who the question went to, in order."""
    return list(db.session.scalars(select(Route).where(Route.question_id == question.post_id).order_by(Route.id)))


@transactional
def set_away(user, until: date | None) -> date | None:
    """Mark oneself away until a day (questions are not routed meanwhile), or back (None)."""
    from agora.profiles.models import Profile

    if until is not None and until < date.today():
        until = None  # a day already past means available: the same as no day
    profile = db.session.get(Profile, user.id)
    if profile is None:
        profile = Profile(user_id=user.id)
        db.session.add(profile)
    profile.away_until = until
    return until


def space_experts(space) -> list:
    """The people named experts of `space`, by name."""
    from agora.accounts.models import User
    from agora.questions.models import SpaceExpert

    return list(db.session.scalars(select(User).join(SpaceExpert, SpaceExpert.user_id == User.id)
                                   .where(SpaceExpert.space_id == space.id).order_by(User.sort_name, User.id)))


@transactional
def name_expert(actor, space, who: str | None):
    """Name someone who may read the space an expert of it (its moderators, HR, admins)."""
    from agora.profiles.services import find_person
    from agora.questions.models import SpaceExpert

    require(actor, "space.name_experts", space)
    person = find_person((who or "").strip()) if (who or "").strip() else None
    if person is None or not person.active or not can(person, "space.view", space):
        message = _("Nobody who reads this space has this handle or email.")
        raise ValidationError(message, {"person": [message]})
    if db.session.get(SpaceExpert, (space.id, person.id)) is None:
        db.session.add(SpaceExpert(space_id=space.id, user_id=person.id, named_by=actor.id))
    return person


@transactional
def unname_expert(actor, space, handle: str) -> None:
    """No longer route the space's questions to this person as its expert."""
    from agora.profiles.services import find_person
    from agora.questions.models import SpaceExpert

    require(actor, "space.name_experts", space)
    person = find_person(handle)
    found = db.session.get(SpaceExpert, (space.id, person.id)) if person is not None else None
    if found is not None:
        db.session.delete(found)
