"""How questions become search documents, and why accepted answers rank first ("search.sources").

A question is indexed as its post (walls builds that part) with the question's title, topics, state
and due time; walls leaves question posts out of its post documents (the kind's `search_type`).
Comments that are accepted answers get a boost, added to walls' comment documents as they load.
Watching Question and Acceptance keeps both in step: asking, the first answer, accepting, withdrawing.
"""
from __future__ import annotations

from sqlalchemy import inspect, select

from agora.profiles.models import Skill
from agora.questions.models import Acceptance, Question, question_topics
from agora.search.sources import Source
from agora.walls.search import count_posts, load_posts, post_ids_after

KIND = "question"
# Scales the weight of each word of an accepted answer. BM25 saturates repeated words, so 3 lifts an
# accepted answer above comments with the same words without burying a comment that matches far better.
ACCEPTED_BOOST = 3.0


def load_questions(session, ids: list[int]) -> dict[int, dict]:
    """Documents for the searchable questions among `ids`: the post's, with the question's title and state."""
    docs = load_posts(session, ids, kind=KIND)
    if not docs:
        return {}
    topics: dict[int, list[str]] = {}
    for question_id, name in session.execute(
            select(question_topics.c.question_id, Skill.name).join(Skill, Skill.id == question_topics.c.skill_id)
            .where(question_topics.c.question_id.in_(list(docs))).order_by(Skill.slug)):
        topics.setdefault(question_id, []).append(name)
    rows = session.execute(select(Question.post_id, Question.title, Question.state, Question.due_at)
                           .where(Question.post_id.in_(list(docs))))
    return {r.post_id: {**docs[r.post_id], "type": KIND, "title": r.title, "extra": " ".join(topics.get(r.post_id, [])),
                        "status": r.state, "due": r.due_at}
            for r in rows}


def mark_accepted(session, docs: dict[int, dict]) -> None:
    """Comment documents: those that are accepted answers rank above other comments with the same words."""
    for comment_id in session.scalars(select(Acceptance.comment_id).where(Acceptance.comment_id.in_(list(docs)))):
        docs[comment_id]["boost"] = ACCEPTED_BOOST


def _watch_question(session, question, change):
    # Reminders and escalations change the row too, but nothing search shows or filters on.
    if change == "dirty" and not any(inspect(question).attrs[name].history.has_changes()
                                     for name in ("title", "state", "due_at")):
        return []
    return [(KIND, question.post_id)]


def _watch_acceptance(session, acceptance, change):
    return [("comment", acceptance.comment_id)]


def sources() -> list[Source]:
    """Questions; and the accepted answers' lift on comments."""
    return [Source(KIND, load_questions, lambda session, after, limit: post_ids_after(session, after, limit, KIND),
                   lambda session: count_posts(session, KIND),
                   watch={Question: _watch_question, Acceptance: _watch_acceptance},
                   amend={"comment": mark_accepted})]
