"""Moderation API: reports, moderator actions, the ledgers, appeals and their decisions."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, int_arg, json_body
from agora.core.errors import NotFound
from agora.core.openapi import (
    CURSOR,
    DATE_TIME,
    INTEGER,
    NEXT_CURSOR,
    NOT_BLANK,
    STRING,
    array,
    json_object,
    nullable,
    obj,
    operation,
    query,
    ref,
)
from agora.moderation import actions, appeals, reports, services
from agora.moderation.models import CATEGORIES
from agora.spaces.services import get_space

KINDS = {"posts": "post", "comments": "comment"}
WHO = nullable(obj({"handle": STRING, "name": STRING}))
TARGET = obj({"type": {"enum": ["post", "comment"]}, "id": INTEGER})
SCHEMAS = {
    "Report": obj({"id": INTEGER, "target": TARGET, "category": {"enum": list(CATEGORIES)}, "text": STRING,
                   "status": {"enum": ["open", "handled", "dismissed"]}, "created_at": DATE_TIME}),
    "Appeal": obj({"id": INTEGER, "action_id": INTEGER, "status": {"enum": ["pending", "granted", "refused"]},
                   "text": STRING, "assigned_to": WHO, "decision_reason": nullable(STRING), "created_at": DATE_TIME}),
    "LedgerLine": obj({
        "id": INTEGER,
        "action": {"enum": sorted({*actions.POST_ACTIONS, *actions.COMMENT_ACTIONS, "erase", "appeal_granted",
                                   "appeal_refused"})},
        "created_at": DATE_TIME,
        "actor": {**WHO, "description": _l("Null for the command line (an erasure).")},
        "subject": {**WHO, "description": _l("The person concerned: the author, or the person warned.")},
        "target": obj({"type": {"enum": ["post", "comment", "user"]}, "id": INTEGER,
                       "url": nullable({**STRING, "description": _l("Null when the reader may not follow it.")})}),
        "space": nullable(STRING),
        "to_space": nullable({**STRING, "description": _l("Where a post was moved.")}),
        "rule": STRING,
        "reason": STRING,
        "detail": {"type": "object", "description": _l("Extra facts: the spaces of a move, a suspension's end.")},
        "report_id": nullable(INTEGER),
        "appeal_of_id": nullable({**INTEGER, "description": _l("For an appeal's outcome: the action appealed.")}),
        "appeal": nullable(obj({"id": INTEGER, "status": {"enum": ["pending", "granted", "refused"]},
                                "decision_reason": nullable(STRING)})),
    }),
    "Ledger": obj({"items": array(ref("LedgerLine"), _l("Newest first.")), "next_cursor": NEXT_CURSOR}),
}
LEDGER_PARAMS = [query("cursor", CURSOR, _l("The page after this one.")),
                 query("limit", INTEGER, _l("Lines per page: 1 to 100 (others are brought within), 30 by default."))]
LEDGER = {200: (_l("A page of the record."), ref("Ledger"))}
LINE_CREATED = {201: (_l("The new line of the moderation record."), ref("LedgerLine"))}

bp = api_blueprint("moderation_api", __name__, tag=(_l("Moderation"), _l(
    "Reports, moderators' actions, the public record of them, appeals and their decisions.")), schemas=SCHEMAS)


def _report_json(report) -> dict:
    return {"id": report.id, "target": {"type": report.target_type, "id": report.target_id},
            "category": report.category, "text": report.text, "status": report.status,
            "created_at": report.created_at.isoformat() + "Z"}


def _appeal_json(appeal) -> dict:
    return {"id": appeal.id, "action_id": appeal.action_id, "status": appeal.status, "text": appeal.text,
            "assigned_to": None if appeal.assigned_to is None else {"handle": appeal.assigned_to.handle,
                                                                    "name": appeal.assigned_to.name},
            "decision_reason": appeal.decision_reason or None,
            "created_at": appeal.created_at.isoformat() + "Z"}


@bp.post("/<any(posts, comments):kind>/<int:target_id>/reports")
@operation(_l("Report a post or comment"), body=json_object({
    "category": {"enum": list(CATEGORIES)},
    "text": {**STRING, "pattern": NOT_BLANK, "maxLength": reports.TEXT_LENGTH,
             "description": _l("What is wrong, for the moderators.")},
}, required=["category", "text"]), responses={201: (_l("The report."), ref("Report"))}, errors=(403, 404))
def report(kind, target_id):
    data = json_body()
    created = reports.file_report(current_user, KINDS[kind], target_id, data.get("category"), data.get("text"))
    return _report_json(created), 201


@bp.get("/spaces/<slug>/moderation-log")
@operation(_l("A space's moderation record"), params=LEDGER_PARAMS, responses=LEDGER, errors=(400, 404))
def space_log(slug):
    space = get_space(current_user, slug)
    lines, next_cursor = services.space_log(current_user, space, request.args.get("cursor") or None, int_arg("limit", services.LEDGER_PAGE))
    return {"items": [services.line_json(line) for line in lines], "next_cursor": next_cursor}


@bp.get("/moderation/log")
@operation(_l("The moderation record of person walls"), params=LEDGER_PARAMS, responses=LEDGER, errors=(400,))
def wall_log():
    lines, next_cursor = services.wall_log(current_user, request.args.get("cursor") or None, int_arg("limit", services.LEDGER_PAGE))
    return {"items": [services.line_json(line) for line in lines], "next_cursor": next_cursor}


@bp.get("/moderation/queue")
@operation(_l("The review queue"), description=_l("Reported content the token's owner moderates, and the appeals "
                                                   "assigned to them; empty for others."),
           responses={200: (_l("The queue."), obj({
               "items": array(obj({"target": obj({"type": {"enum": ["post", "comment"]}, "id": INTEGER,
                                                  "url": STRING}),
                                   "reports": array(ref("Report"))})),
               "appeals": array(ref("Appeal")),
           }))}, errors=(403,))
def queue():
    return {"items": [{"target": {"type": item.target_type, "id": item.content.id, "url": item.url},
                       "reports": [_report_json(r) for r in item.reports]} for item in reports.queue(current_user)],
            "appeals": [_appeal_json(a) for a in reports.pending_appeals(current_user)]}


@bp.get("/moderation/<int:action_id>")
@operation(_l("A line of the moderation record"), responses={200: (_l("The line."), ref("LedgerLine"))},
           errors=(404,))
def show_action(action_id):
    return services.line_json(services.get_line(current_user, action_id))


@bp.post("/moderation/<any(posts, comments):kind>/<int:target_id>/<name>")
@operation(_l("Take a moderator action"), description=_l(
    "On posts: hide, restore, lock, unlock, pin, unpin, move, warn, suspend, dismiss; on comments: hide, restore, "
    "warn, suspend, dismiss. Hiding, locking, moving, warning and suspending need a reason."),
    path={"name": {"enum": list(actions.POST_ACTIONS)}},
    body=json_object({
        "reason": {**STRING, "maxLength": services.REASON_LENGTH,
                   "description": _l("Shown to the author and the record's readers.")},
        "rule": {**STRING, "maxLength": services.RULE_LENGTH,
                 "description": _l("A report category or a house rule.")},
        "days": {**INTEGER, "minimum": 1, "description": _l("For suspend: up to the configured maximum.")},
        "space": {**STRING, "description": _l("For move: the destination's slug.")},
    }), responses=LINE_CREATED, errors=(403, 404, 409))
def act(kind, target_id, name):
    data = json_body()
    if name not in actions.ACTIONS[KINDS[kind]]:
        # Unknown actions answer like unknown addresses, after the content check (no existence leak).
        services.get_content(current_user, KINDS[kind], target_id, "moderate")
        raise NotFound(f"No moderator action named {name!r}.")
    line = actions.act(current_user, KINDS[kind], target_id, name, reason=data.get("reason"), rule=data.get("rule"),
                       days=data.get("days"), space=data.get("space"))
    return services.line_json(services.get_line(current_user, line.id)), 201


@bp.post("/moderation/<int:action_id>/appeal")
@operation(_l("Appeal a decision, once"), body=json_object({"text": {
    **STRING, "pattern": NOT_BLANK, "maxLength": appeals.TEXT_LENGTH, "description": _l("Why the decision is wrong.")}},
    required=["text"]),
    responses={201: (_l("The appeal."), ref("Appeal"))}, errors=(403, 404, 409))
def appeal(action_id):
    data = json_body("text")
    created = appeals.file_appeal(current_user, action_id, data.get("text"))
    return _appeal_json(created), 201


@bp.post("/moderation/appeals/<int:appeal_id>/decision")
@operation(_l("Decide an appeal"), body=json_object({
    "decision": {"enum": ["grant", "refuse"], "description": _l("grant undoes the action.")},
    "reason": {**STRING, "pattern": NOT_BLANK, "maxLength": services.REASON_LENGTH,
               "description": _l("Shown to the author.")},
}, required=["decision", "reason"]), responses=LINE_CREATED, errors=(403, 404, 409))
def decide(appeal_id):
    data = json_body("decision", "reason")
    grant = {"grant": True, "refuse": False}.get(data.get("decision")) if isinstance(data.get("decision"), str) \
        else None
    line = appeals.decide(current_user, appeal_id, grant, data.get("reason"))
    return services.line_json(services.get_line(current_user, line.id)), 201
