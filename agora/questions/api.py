"""Questions API: ask, list, read with the timeline, pass, accept and withdraw answers, one's availability."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, int_arg, json_body, string_field
from agora.core.errors import ValidationError
from agora.core.openapi import (
    CURSOR,
    NEXT_CURSOR,
    STRING,
    TEXT,
    array,
    json_object,
    nullable,
    obj,
    operation,
    query,
    ref,
)
from agora.questions import lists, services
from agora.questions.serialise import SCHEMAS, question_json

NEW_QUESTION = json_object({"title": {"type": "string", "minLength": 1, "maxLength": services.TITLE_LENGTH},
                            "body": TEXT, "space": STRING,
                            "topics": {**array(STRING, _l("Up to 5 skills.")), "maxItems": services.MAX_TOPICS}},
                           required=["title", "body"])
CREATED = obj({"id": {"type": "integer"}, "state": STRING, "due_at": {"type": "string", "format": "date-time"},
               "routed_to": array(obj({"handle": STRING, "name": STRING}))})
PAGE = obj({"questions": array(ref("Question")), "next_cursor": NEXT_CURSOR})
PASS = json_object({"suggestion": {**STRING, "description": _l("A colleague's handle or email who may know.")},
                    "note": STRING})
AVAILABILITY = json_object({"away_until": nullable({"type": "string", "format": "date"})}, required=["away_until"])

bp = api_blueprint("questions_api", __name__, tag=(_l("Questions"), _l(
    "Questions routed to the colleagues who know, with a promised answer time, accepted answers and a timeline.")),
    schemas={**SCHEMAS, "QuestionPage": PAGE})


def _detail(question, timeline=False):
    return question_json(question, services.routes(question),
                         services.accepted_ids([question.post_id]).get(question.post_id, set()),
                         services.timeline(question) if timeline else None)


@bp.post("/questions")
@operation(_l("Ask a question"), body=NEW_QUESTION,
           responses={201: (_l("The question, its due time and who it went to."), CREATED)}, errors=(400, 404))
def ask():
    from agora.spaces.services import get_space
    from agora.walls.services import max_length

    data = json_body("title", "body")
    title = string_field(data, "title", max_length=services.TITLE_LENGTH)
    body = string_field(data, "body", max_length=max_length())
    if not (body or "").strip():
        raise ValidationError("body must not be blank.", {"body": ["The details must not be blank."]})
    slug = string_field(data, "space", max_length=63)
    topics = data.get("topics")
    space = get_space(current_user, slug) if slug else None
    question = services.ask(current_user, title=title, body=body, space=space, topics=topics)
    routed = [r.user for r in services.routes(question)]
    return {"id": question.post_id, "state": question.status(), "due_at": question.due_at.isoformat() + "Z",
            "routed_to": [{"handle": u.handle, "name": u.name} for u in routed]}, 201


@bp.get("/questions")
@operation(_l("List questions"), params=[
    query("state", {"enum": list(lists.FILTERS)}, _l("Only questions in this state.")),
    query("for", {"enum": ["me"]}, _l("Only questions waiting on the token's owner.")),
    query("space", STRING, _l("Only the questions of this space (its slug).")),
    query("topic", STRING, _l("Only the questions about this skill.")),
    query("cursor", CURSOR, _l("The page after this one."))],
    responses={200: (_l("A page of questions, newest first."), ref("QuestionPage"))}, errors=(400, 404))
def list_questions():
    from flask import request

    from agora.core.folding import slugify
    from agora.extensions import db
    from agora.profiles.models import Skill
    from agora.spaces.services import get_space

    who = request.args.get("for")
    if who not in (None, "me"):
        raise ValidationError("for is 'me' or absent.", {"for": ["Use for=me."]})
    slug, topic = request.args.get("space"), request.args.get("topic")
    space = get_space(current_user, slug) if slug else None
    skill = db.session.scalar(db.select(Skill).where(Skill.slug == slugify(topic))) if topic else None
    if topic and skill is None:
        return {"questions": [], "next_cursor": None}
    page = lists.questions(current_user, state=request.args.get("state") or None, for_me=who == "me",
                           space_id=space.id if space else None, topic_id=skill.id if skill else None,
                           cursor=request.args.get("cursor") or None, limit=int_arg("limit", 30))
    found = [page.reactions.extra(p.id) for p in page.posts]
    return {"questions": [_detail(card.question) for card in found if card is not None],
            "next_cursor": page.next_cursor}


@bp.get("/questions/<int:question_id>")
@operation(_l("Read a question with its timeline"), responses={200: (_l("The question."), ref("QuestionDetail"))},
           errors=(404,))
def show(question_id):
    return _detail(services.get_question(current_user, question_id), timeline=True)


@bp.post("/questions/<int:question_id>/pass")
@operation(_l("Pass a question routed to you"), body=PASS,
           responses={200: (_l("The question, routed onwards."), ref("QuestionDetail"))}, errors=(400, 403, 404))
def pass_(question_id):
    data = json_body()
    question = services.get_question(current_user, question_id)
    services.pass_question(current_user, question, string_field(data, "suggestion", max_length=254),
                           string_field(data, "note", default="", max_length=300))
    return _detail(question, timeline=True)


@bp.post("/comments/<int:comment_id>/accept")
@operation(_l("Accept an answer"), responses={200: (_l("The question, resolved."), ref("QuestionDetail"))},
           errors=(400, 403, 404))
def accept(comment_id):
    return _detail(services.accept(current_user, comment_id), timeline=True)


@bp.delete("/comments/<int:comment_id>/accept")
@operation(_l("Withdraw an accepted answer"), responses={200: (_l("The question."), ref("QuestionDetail"))},
           errors=(403, 404))
def withdraw(comment_id):
    return _detail(services.withdraw(current_user, comment_id), timeline=True)


@bp.put("/me/availability")
@operation(_l("Say until when you are away"), body=AVAILABILITY,
           responses={200: (_l("The day you are away until, or null."), obj({"away_until": nullable(STRING)}))},
           errors=(400,))
def availability():
    data = json_body("away_until")
    raw = data["away_until"]
    if raw is None:
        until = None
    else:
        try:
            until = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
        except ValueError:
            until = None
        if until is None:
            raise ValidationError("away_until is a date (YYYY-MM-DD) or null.", {"away_until": ["YYYY-MM-DD or null."]})
    found = services.set_away(current_user, until)
    return {"away_until": found.isoformat() if found else None}


