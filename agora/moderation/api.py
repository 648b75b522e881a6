"""Moderation API: reports, moderator actions, the ledgers, appeals and their decisions."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from agora.core.api import api_blueprint, json_body
from agora.core.errors import NotFound, ValidationError
from agora.moderation import actions, appeals, reports, services
from agora.spaces.services import get_space

bp = api_blueprint("moderation_api", __name__)
KINDS = {"posts": "post", "comments": "comment"}


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


def _limit() -> int:
    try:
        return int(request.args.get("limit", services.LEDGER_PAGE))
    except ValueError:
        raise ValidationError("'limit' must be a number.", {"limit": ["Must be a number."]}) from None


@bp.post("/<any(posts, comments):kind>/<int:target_id>/reports")
def report(kind, target_id):
    data = json_body()
    created = reports.file_report(current_user, KINDS[kind], target_id, data.get("category"), data.get("text"))
    return _report_json(created), 201


@bp.get("/spaces/<slug>/moderation-log")
def space_log(slug):
    space = get_space(current_user, slug)
    lines, next_cursor = services.space_log(current_user, space, request.args.get("cursor") or None, _limit())
    return {"items": [services.line_json(line) for line in lines], "next_cursor": next_cursor}


@bp.get("/moderation/log")
def wall_log():
    lines, next_cursor = services.wall_log(current_user, request.args.get("cursor") or None, _limit())
    return {"items": [services.line_json(line) for line in lines], "next_cursor": next_cursor}


@bp.get("/moderation/queue")
def queue():
    return {"items": [{"target": {"type": item.target_type, "id": item.content.id, "url": item.url},
                       "reports": [_report_json(r) for r in item.reports]} for item in reports.queue(current_user)],
            "appeals": [_appeal_json(a) for a in reports.pending_appeals(current_user)]}


@bp.get("/moderation/<int:action_id>")
def show_action(action_id):
    return services.line_json(services.get_line(current_user, action_id))


@bp.post("/moderation/<any(posts, comments):kind>/<int:target_id>/<name>")
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
def appeal(action_id):
    data = json_body("text")
    created = appeals.file_appeal(current_user, action_id, data.get("text"))
    return _appeal_json(created), 201


@bp.post("/moderation/appeals/<int:appeal_id>/decision")
def decide(appeal_id):
    data = json_body("decision", "reason")
    grant = {"grant": True, "refuse": False}.get(data.get("decision")) if isinstance(data.get("decision"), str) \
        else None
    line = appeals.decide(current_user, appeal_id, grant, data.get("reason"))
    return services.line_json(services.get_line(current_user, line.id)), 201
