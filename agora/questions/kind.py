"""The question as a post kind: its label, what its card and its answers show, loaded once per page."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from agora.core.time import utcnow
from agora.extensions import db
from agora.walls.kinds import PostKind


@dataclass
class Card:
    """What a question's card shows: its row, the accepted answers, and the reader's rights on it."""

    question: object
    accepted: set
    may_accept: bool
    now: object

    def timeline(self) -> list:
        """The question's steps, oldest first: one query, asked only by the question's own page."""
        from agora.questions.services import timeline

        return timeline(self.question)


def post_kinds() -> list[PostKind]:
    """The "posts.kinds" hook: questions."""
    return [PostKind("question", _l("Question"), "questions/_card.html", load,
                     comment_partial="questions/_answer.html", detail_partial="questions/_timeline.html",
                     search_type="question")]


def load(user, posts) -> dict[int, Card]:
    """The questions of these posts, with their topics and accepted answers (three queries, however many posts)."""
    from agora.core.policy import can
    from agora.questions.models import Question
    from agora.questions.services import accepted_ids

    ids = [p.id for p in posts]
    # The posts are loaded already (their question finds its own in the session), the topics in one go.
    rows = {q.post_id: q for q in db.session.scalars(
        select(Question).where(Question.post_id.in_(ids)).options(lazyload(Question.post), selectinload(Question.topics)))}
    accepted = accepted_ids(rows) if rows else {}
    by_id = {p.id: p for p in posts}
    now = utcnow()
    return {i: Card(q, accepted.get(i, set()), can(user, "question.accept", by_id[i]), now) for i, q in rows.items()}
