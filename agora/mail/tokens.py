"""Signed unsubscribe links: the token alone names the person and the list, so the link works without logging in."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "agora.mail.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make(user_id: int, list_name: str) -> str:
    """A token for unsubscribing `user_id` from `list_name` (a notification kind, or "digest")."""
    return _serializer().dumps({"u": user_id, "l": list_name})


def read(token: str) -> tuple[int, str] | None:
    """(user id, list) of a token we signed; None for anything else."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("l"), str):
        return None
    return data["u"], data["l"]
