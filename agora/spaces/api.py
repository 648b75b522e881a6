"""Spaces API: list and read spaces, join, leave, members, requests."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from agora.core.api import api_blueprint, json_body, string_field
from agora.core.errors import ValidationError
from agora.core.policy import can, require
from agora.spaces import membership, services

bp = api_blueprint("spaces_api", __name__)


def _person(user) -> dict:
    return {"id": user.id, "handle": user.handle, "name": user.name}


def space_json(entry: services.SpaceEntry) -> dict:
    """A space as a reader sees it, with their relation to it."""
    space = entry.space
    return {
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "url": url_for("spaces.show", slug=space.slug),
        "member_count": entry.member_count,
        "is_member": entry.member,
        "is_moderator": entry.moderator,
        "can_read": can(current_user, "space.view", space),
        "request_pending": entry.requested_id is not None,
        "invitation_pending": entry.invited_id is not None,
        "from_config": space.from_config,
    }


@bp.get("/spaces")
def list_spaces():
    invitations = [{"id": i.id, "space": {"slug": i.space.slug, "name": i.space.name,
                                          "description": i.space.description, "visibility": i.space.visibility},
                    "invited_by": _person(i.invited_by) if i.invited_by else None}
                   for i in services.pending_invitations(current_user)]
    return {"items": [space_json(e) for e in services.directory(current_user)], "invitations": invitations}


@bp.get("/spaces/<slug>")
def show_space(slug):
    space = services.get_seeable_space(current_user, slug)
    data = space_json(services.entry_for(current_user, space))
    data["moderators"] = [_person(p) for p in services.moderators_of(space)]
    if data["can_read"]:
        from agora.walls.queries import space_wall
        from agora.walls.serialise import post_json

        posts = space_wall(current_user, space, request.args.get("cursor") or None)
        data["posts"] = [post_json(p, posts.reactions) for p in posts.posts]
        data["next_cursor"] = posts.next_cursor
    return data


@bp.post("/spaces/<slug>/join")
def join(slug):
    """Open spaces: joined at once (201). Closed spaces: a request to the moderators (202, "requested")."""
    space = services.get_seeable_space(current_user, slug)
    if space.visibility == "closed" and not can(current_user, "space.join", space):
        data = request.get_json(silent=True) or {}
        if not isinstance(data, dict):
            raise ValidationError("The request body must be a JSON object.")
        message = string_field(data, "message", default="", max_length=membership.MESSAGE_LENGTH)
        result = membership.request_to_join(current_user, space, message)
        if result.kind == "invite":  # a pending invitation was accepted instead
            return {"status": "joined", "slug": space.slug}, 201
        return {"status": "requested", "slug": space.slug, "request_id": result.id}, 202
    membership.join(current_user, space)
    return {"status": "joined", "slug": space.slug}, 201


@bp.post("/spaces/<slug>/leave")
def leave(slug):
    space = services.get_seeable_space(current_user, slug)
    membership.leave(current_user, space)
    return {"status": "left", "slug": space.slug}


@bp.get("/spaces/<slug>/members")
def members(slug):
    space = services.get_space(current_user, slug)
    roster = services.roster(current_user, space)
    data = {"items": [{**_person(m.user), "role": m.role, "source": m.source} for m in roster.memberships]}
    if can(current_user, "space.moderate", space):
        data["requests"] = [{"id": r.id, "person": _person(r.user), "message": r.message,
                             "created_at": r.created_at.isoformat() + "Z"} for r in roster.requests]
        data["invitations"] = [{"id": r.id, "person": _person(r.user)} for r in roster.invitations]
    return data


@bp.post("/spaces/<slug>/requests/<int:request_id>/<any(approve, refuse):decision>")
def decide(slug, request_id, decision):
    space = services.get_space(current_user, slug)
    require(current_user, "space.moderate", space)
    result = membership.decide_request(current_user, space, request_id, decision == "approve")
    return {"id": result.id, "status": result.status}


@bp.post("/spaces/<slug>/invitations")
def invite(slug):
    from agora.profiles.services import find_person

    space = services.get_space(current_user, slug)
    data = json_body("person")
    result = membership.invite(current_user, space, find_person(string_field(data, "person", max_length=320) or ""))
    if result.status == "approved":
        return {"status": "joined", "handle": result.user.handle}, 201
    return {"status": "invited", "id": result.id, "handle": result.user.handle}, 201


@bp.post("/spaces/invitations/<int:request_id>/<any(accept, decline):answer>")
def answer(request_id, answer):
    result = membership.answer_invitation(current_user, request_id, answer == "accept")
    return {"id": result.id, "status": result.status, "slug": result.space.slug}
