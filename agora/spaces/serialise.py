"""JSON shapes of spaces, shared by the spaces API and the walls API's space page."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from agora.core.policy import can
from agora.spaces import services


def person(user) -> dict:
    """Someone named in a space's JSON: moderators, requesters, invited people."""
    return {"id": user.id, "handle": user.handle, "name": user.name}


def space_json(entry: services.SpaceEntry) -> dict:
    """A space as a reader sees it, with their relation to it."""
    space = entry.space
    return {
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "url": url_for("walls.space", slug=space.slug),
        "member_count": entry.member_count,
        "is_member": entry.member,
        "is_moderator": entry.moderator,
        "can_read": can(current_user, "space.view", space),
        "request_pending": entry.requested_id is not None,
        "invitation_pending": entry.invited_id is not None,
        "from_config": space.from_config,
    }
