"""Who knows: the experts of a question's topics, chosen so that work spreads, never the asker or someone away."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select

from agora.core.policy import can
from agora.extensions import db

# How strongly a reason says "this person knows": accepted answers on the topic say most.
STRENGTH = {"accepted_before": 4, "space_expert": 3, "skill": 2, "ask_me_about": 1}


@dataclass(frozen=True)
class Candidate:
    """Someone a question may go to, why, and how many open questions already wait on them."""

    user_id: int
    reason: str
    strength: int
    load: int = 0


def experts(question, post, topics, exclude: set[int], limit: int, today: date) -> list[Candidate]:
    """Up to `limit` people who know the topics and may read the post: fewest open questions first."""
    from agora.accounts.models import User
    from agora.profiles.models import Profile, profile_skills
    from agora.questions.models import Acceptance, SpaceExpert, question_topics
    from agora.walls.models import Comment

    found: dict[int, tuple[int, str]] = {}

    def add(user_ids, reason):
        for user_id in user_ids:
            if STRENGTH[reason] > found.get(user_id, (0, ""))[0]:
                found[user_id] = (STRENGTH[reason], reason)

    skill_ids = [s.id for s in topics]
    if skill_ids:
        add(db.session.scalars(select(profile_skills.c.user_id).where(profile_skills.c.skill_id.in_(skill_ids))),
            "skill")
        add(db.session.scalars(
            select(Comment.author_id).join(Acceptance, Acceptance.comment_id == Comment.id)
            .join(question_topics, question_topics.c.question_id == Acceptance.question_id)
            .where(question_topics.c.skill_id.in_(skill_ids)).distinct()), "accepted_before")
        words = [s.name.lower() for s in topics if len(s.name) >= 3]
        if words:
            add(db.session.scalars(select(Profile.user_id).where(
                or_(*[func.lower(Profile.ask_me_about).contains(w, autoescape=True) for w in words]))), "ask_me_about")
    if question.space_id is not None:
        add(db.session.scalars(select(SpaceExpert.user_id).where(SpaceExpert.space_id == question.space_id)),
            "space_expert")
    for user_id in exclude | {question.asker_id}:
        found.pop(user_id, None)
    if not found:
        return []
    ids = list(found)
    away = set(db.session.scalars(select(Profile.user_id).where(Profile.user_id.in_(ids),
                                                                Profile.away_until >= today)))
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))}
    loads = open_loads(ids)
    ranked = sorted((Candidate(i, found[i][1], found[i][0], loads.get(i, 0)) for i in ids
                     if i in people and i not in away),
                    key=lambda c: (c.load, -c.strength, c.user_id))
    chosen = []
    for candidate in ranked:
        # The policy decides: a question in a closed or secret space reaches only those who may read it.
        if can(people[candidate.user_id], "post.view", post):
            chosen.append(candidate)
            if len(chosen) == limit:
                break
    return chosen


def open_loads(user_ids: list[int]) -> dict[int, int]:
    """How many open questions are routed to each of these people and not passed."""
    from agora.questions.models import Question, Route

    if not user_ids:
        return {}
    return dict(db.session.execute(
        select(Route.user_id, func.count()).join(Question, Question.post_id == Route.question_id)
        .where(Route.user_id.in_(user_ids), Route.state == "routed", Question.state == "open")
        .group_by(Route.user_id)).all())


def fallback(question, post, exclude: set[int]) -> list[Candidate]:
    """Nobody knows: the space's moderators, or outside spaces the people named in [questions] fallback."""
    from agora.accounts.models import User
    from agora.spaces.models import Membership

    if question.space_id is not None:
        people = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.space_id == question.space_id, Membership.role == "moderator", User.active.is_(True)))
        reason = "moderator"
    else:
        emails = current_app.config["AGORA"]["questions"]["fallback"]
        people = db.session.scalars(select(User).where(User.email.in_(emails), User.active.is_(True))) if emails else []
        reason = "fallback"
    return [Candidate(p.id, reason, 0) for p in people
            if p.id not in exclude and p.id != question.asker_id and can(p, "post.view", post)]
