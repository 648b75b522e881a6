"""Notifications API: the reader's list, read marks, and what they receive in the app and by email."""
from flask import jsonify, request
from flask_login import current_user

from agora.core.api import api_blueprint, json_body
from agora.notifications import services

bp = api_blueprint("notifications_api", __name__)


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def notification_json(n) -> dict:
    """The public shape of one notification."""
    return {
        "id": n.id,
        "kind": n.kind,
        "actor": {"handle": n.actor.handle, "name": n.actor.name} if n.actor is not None else None,
        "actor_count": n.actor_count,
        "target": {"type": n.target_type, "id": n.target_id},
        "url": n.url,
        "excerpt": n.excerpt,
        "created_at": _iso(n.created_at),
        "updated_at": _iso(n.updated_at),
        "read": n.read,
    }


@bp.get("/notifications")
def list_():
    page = services.list_notifications(current_user, cursor=request.args.get("cursor") or None,
                                       unread_only=request.args.get("unread") in ("1", "true"))
    return jsonify({
        "unread": services.unread_count(current_user),
        "results": [notification_json(n) for n in page.items],
        "next_cursor": page.next_cursor,
    })


@bp.post("/notifications/<int:notification_id>/read")
def read(notification_id: int):
    return jsonify(notification_json(services.mark_read(current_user, notification_id)))


@bp.post("/notifications/read-all")
def read_all():
    changed = services.mark_all_read(current_user)
    return jsonify({"marked": changed, "unread": services.unread_count(current_user)})


@bp.get("/me/notification-preferences")
def preferences():
    return jsonify(services.all_preferences(current_user))


@bp.put("/me/notification-preferences")
def set_preferences():
    return jsonify(services.set_all_preferences(current_user, json_body()))
