"""Keeping the promise, run by a periodic job: remind the experts when a quarter of the time is left, and at the
due time widen the routing and tell the asker honestly. Each step is noted on the question, so a pass that runs
late (a worker was down) catches up without sending anything twice, and never a stale reminder."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from agora.core.time import utcnow
from agora.core.transactions import transaction
from agora.extensions import db
from agora.jobs.services import Periodic, Task
from agora.notifications.services import notify
from agora.questions.models import Question, Route

BATCH = 500


def declare_tasks() -> dict[str, Task]:
    """The "jobs.tasks" hook: the escalation pass."""
    return {"questions.escalate": Task(escalate, max_attempts=3, retry_delay=60, timeout=600)}


def declare_schedules() -> list[Periodic]:
    """The "jobs.periodic" hook: the escalation pass every 5 minutes, so a reminder is at most 5 minutes late."""
    return [Periodic("questions.escalate", minute="*/5")]


def escalate(now: str | datetime | None = None) -> dict[str, int]:
    """Send the reminders that are due and escalate the questions past their due time; returns how many of each."""
    now = datetime.fromisoformat(now) if isinstance(now, str) else (now or utcnow())
    done = {"reminded": 0, "escalated": 0}
    # Reminders only while the question is not yet due: past it, the escalation says more than a reminder.
    while True:
        ids = list(db.session.scalars(
            select(Question.post_id).where(Question.state == "open", Question.reminded_at.is_(None),
                                           Question.remind_at <= now, Question.due_at > now)
            .order_by(Question.post_id).limit(BATCH)))
        if not ids:
            break
        for question_id in ids:
            done["reminded"] += _remind(question_id, now)
    while True:
        ids = list(db.session.scalars(
            select(Question.post_id).where(Question.state == "open", Question.escalated_at.is_(None),
                                           Question.due_at <= now)
            .order_by(Question.post_id).limit(BATCH)))
        if not ids:
            break
        for question_id in ids:
            done["escalated"] += _escalate(question_id, now)
    return done


def _remind(question_id: int, now: datetime) -> int:
    from agora.questions.services import _event, question_url

    with transaction():
        question = db.session.get(Question, question_id, with_for_update={"of": Question})
        if question is None or question.state != "open" or question.reminded_at is not None:
            return 0
        question.reminded_at = now
        waiting = db.session.scalars(select(Route.user_id).where(Route.question_id == question_id,
                                                                 Route.state == "routed")).all()
        for user_id in waiting:
            notify(user_id, "question_reminder", actor_id=None, target_type="post", target_id=question_id,
                   url=question_url(question_id), excerpt=question.title)
        _event(question, "reminded", detail=str(len(waiting)), at=now)
    return 1


def _escalate(question_id: int, now: datetime) -> int:
    from agora.accounts.models import User
    from agora.questions import services
    from agora.questions.routing import experts, fallback

    with transaction():
        question = db.session.get(Question, question_id, with_for_update={"of": Question})
        if question is None or question.state != "open" or question.escalated_at is not None:
            return 0
        question.escalated_at = now
        post = question.post
        if post.deleted_at is not None:  # withdrawn by its asker: nothing to escalate, nothing promised
            return 0
        question.promise_kept = False  # a question never answered counts as missed, never as absent
        asker = db.session.get(User, question.asker_id)
        cal = services.calendar_of(asker, post.space)
        taken = services.routed_ids(question)
        wider = experts(question, post, question.topics, taken, services.settings()["experts_per_question"],
                        services._today(cal))
        taken |= {c.user_id for c in wider}
        wider += fallback(question, post, taken)
        services._event(question, "missed", at=now)
        routed = services._route(question, post, wider, 2)
        services._event(question, "escalated", detail=str(len(routed)), at=now)
        notify(question.asker_id, "question_missed", actor_id=None, target_type="post", target_id=question_id,
               url=services.question_url(question_id), excerpt=question.title)
    return 1
