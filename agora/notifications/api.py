"""Notifications API: the reader's list, read marks, and what they receive in the app and by email."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, json_body
from agora.core.openapi import (
    BOOLEAN,
    CURSOR,
    DATE_TIME,
    INTEGER,
    NEXT_CURSOR,
    STRING,
    array,
    nullable,
    obj,
    operation,
    query,
    ref,
)
from agora.notifications import services

NOTIFICATION = obj({
    "id": INTEGER,
    "kind": {**STRING, "description": _l("What happened, e.g. comment, mention, reaction.")},
    "actor": nullable(obj({"handle": STRING, "name": STRING})),
    "actor_count": {**INTEGER, "description": _l("How many people did it (grouped kinds).")},
    "target": obj({"type": STRING, "id": INTEGER}),
    "url": STRING,
    "excerpt": STRING,
    "created_at": DATE_TIME,
    "updated_at": nullable(DATE_TIME),
    "read": BOOLEAN,
})
NOTIFICATIONS = obj({"unread": INTEGER, "results": array(ref("Notification")), "next_cursor": NEXT_CURSOR})


def _preferences(optional: bool) -> dict:
    """The preferences' shape, from the kinds services declare; in a PUT every part may be left out."""
    def choice(kind):
        modes = list(services.EMAIL_MODES) if kind in services.EMAIL_DEFAULTS else ["never"]
        return obj({"in_app": BOOLEAN, "email": {"enum": modes}}, optional=("in_app", "email") if optional else ())

    kinds = list(services.KINDS)
    return obj({
        "kinds": obj({kind: choice(kind) for kind in kinds}, optional=kinds if optional else (),
                     description=_l("Per kind: shown in the app, and when it is emailed (never for the kinds "
                                    "that are not).")),
        "digest": obj({"frequency": {"enum": list(services.DIGEST_FREQUENCIES)},
                       "hour": {**INTEGER, "minimum": 0, "maximum": 23,
                                "description": _l("The hour the digest is sent, in the person's time zone.")}},
                      optional=("frequency", "hour") if optional else ()),
    }, optional=("kinds", "digest") if optional else ())

bp = api_blueprint("notifications_api", __name__, tag=(_l("Notifications"), _l("What happened to the token "
                                                                               "owner's content.")),
                   schemas={"Notification": NOTIFICATION, "Notifications": NOTIFICATIONS,
                            "NotificationPreferences": _preferences(optional=False)})


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
@operation(_l("The token owner's notifications"), params=[
    query("cursor", CURSOR, _l("The page after this one.")),
    query("unread", STRING, _l("1 or true: only unread ones; anything else: all.")),
], responses={200: (_l("Newest first, with the unread count."), ref("Notifications"))}, errors=(400,))
def list_():
    page = services.list_notifications(current_user, cursor=request.args.get("cursor") or None,
                                       unread_only=request.args.get("unread") in ("1", "true"))
    return jsonify({
        "unread": services.unread_count(current_user),
        "results": [notification_json(n) for n in page.items],
        "next_cursor": page.next_cursor,
    })


@bp.post("/notifications/<int:notification_id>/read")
@operation(_l("Mark a notification read"), responses={200: (_l("The notification."), ref("Notification"))},
           errors=(404,))
def read(notification_id: int):
    return jsonify(notification_json(services.mark_read(current_user, notification_id)))


@bp.post("/notifications/read-all")
@operation(_l("Mark every notification read"), responses={200: (_l("How many changed."), obj(
    {"marked": INTEGER, "unread": INTEGER}))})
def read_all():
    changed = services.mark_all_read(current_user)
    return jsonify({"marked": changed, "unread": services.unread_count(current_user)})


@bp.get("/me/notification-preferences")
@operation(_l("The token owner's notification preferences"),
           responses={200: (_l("Every kind's choices and the digest's."), ref("NotificationPreferences"))})
def preferences():
    return jsonify(services.all_preferences(current_user))


@bp.put("/me/notification-preferences")
@operation(_l("Change one's notification preferences"), description=_l(
    "In the shape GET answers; kinds and keys left out keep their choice. Nothing is saved if any part is "
    "invalid."), body={**_preferences(optional=True), "additionalProperties": True},
    responses={200: (_l("All the preferences, as saved."), ref("NotificationPreferences"))})
def set_preferences():
    return jsonify(services.set_all_preferences(current_user, json_body()))
