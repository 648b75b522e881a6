"""Questions as JSON for the API, with the shapes the description gives them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from agora.core.openapi import BOOLEAN, DATE_TIME, INTEGER, STRING, array, nullable, obj
from agora.core.time import utcnow

PERSON = obj({"handle": STRING, "name": STRING})
QUESTION = obj({
    "id": INTEGER, "title": STRING,
    "state": {"enum": ["open", "overdue", "answered", "resolved"]},
    "space": nullable(STRING), "asker": PERSON,
    "asked_at": DATE_TIME, "due_at": DATE_TIME, "first_answer_at": nullable(DATE_TIME),
    "resolved_at": nullable(DATE_TIME),
    "promise_kept": nullable({**BOOLEAN, "description": _l("Null until answered or due; false once missed.")}),
    "topics": array(STRING, _l("The skills the question is about.")),
    "routed_to": array(obj({"handle": STRING, "name": STRING, "reason": STRING, "state": STRING})),
    "accepted": array(INTEGER, _l("The ids of the accepted answers (comments).")),
    "url": STRING,
})
EVENT = obj({"kind": STRING, "at": DATE_TIME, "actor": nullable(PERSON), "person": nullable(PERSON),
             "comment": nullable(INTEGER), "detail": STRING})
DETAIL = obj({**QUESTION["properties"], "timeline": array(EVENT, _l("Every step, oldest first."))})
SCHEMAS = {"Question": QUESTION, "QuestionDetail": DETAIL}


def _when(value):
    return value.isoformat() + "Z" if value is not None else None


def _person(user):
    return {"handle": user.handle, "name": user.name} if user is not None else None


def question_json(question, routes=(), accepted=(), timeline=None) -> dict:
    """The question's public shape; with `timeline` for one question."""
    from agora.questions.services import question_url

    post = question.post
    data = {
        "id": question.post_id, "title": question.title, "state": question.status(utcnow()),
        "space": post.space.slug if post.space_id is not None else None, "asker": _person(post.author),
        "asked_at": _when(question.asked_at), "due_at": _when(question.due_at),
        "first_answer_at": _when(question.first_answer_at), "resolved_at": _when(question.resolved_at),
        "promise_kept": question.promise_kept, "topics": [t.name for t in question.topics],
        "routed_to": [{"handle": r.user.handle, "name": r.user.name, "reason": r.reason, "state": r.state}
                      for r in routes],
        "accepted": sorted(accepted), "url": question_url(question),
    }
    if timeline is not None:
        data["timeline"] = [{"kind": e.kind, "at": _when(e.created_at), "actor": _person(e.actor),
                             "person": _person(e.person), "comment": e.comment_id, "detail": e.detail}
                            for e in timeline]
    return data
