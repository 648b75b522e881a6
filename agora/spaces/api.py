"""Spaces API: list spaces, join, leave, members, requests (walls' API reads one, with its posts)."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, json_body, string_field
from agora.core.openapi import (
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NEXT_CURSOR,
    STRING,
    array,
    json_object,
    obj,
    operation,
    ref,
)
from agora.core.policy import can, require
from agora.spaces import membership, services
from agora.spaces.serialise import person, space_json

VISIBILITY = {"enum": ["open", "closed", "secret"]}
SPACE_FIELDS = {
    "slug": STRING,
    "name": STRING,
    "description": STRING,
    "visibility": VISIBILITY,
    "url": STRING,
    "member_count": INTEGER,
    "is_member": BOOLEAN,
    "is_moderator": BOOLEAN,
    "can_read": {**BOOLEAN, "description": _l("Whether the token's owner may read its wall and members.")},
    "request_pending": BOOLEAN,
    "invitation_pending": BOOLEAN,
    "from_config": {**BOOLEAN, "description": _l("Defined in the config file (edited there).")},
}
SCHEMAS = {
    "PersonRef": obj({"id": INTEGER, "handle": STRING, "name": STRING}),
    "Space": obj(SPACE_FIELDS),
    "SpaceDetail": obj({
        **SPACE_FIELDS,
        "moderators": array(ref("PersonRef")),
        "posts": array(ref("Post"), _l("Its wall, newest first, when the token's owner may read it.")),
        "next_cursor": NEXT_CURSOR,
    }, optional=("posts", "next_cursor")),
    "Spaces": obj({
        "items": array(ref("Space"), _l("Every space the token's owner may know of.")),
        "invitations": array(obj({
            "id": INTEGER,
            "space": obj({"slug": STRING, "name": STRING, "description": STRING, "visibility": VISIBILITY}),
            "invited_by": {"anyOf": [ref("PersonRef"), {"type": "null"}]},
        }), _l("Invitations waiting for the token owner's answer.")),
    }),
    "Members": obj({
        "items": array(obj({"id": INTEGER, "handle": STRING, "name": STRING,
                            "role": {"enum": ["member", "moderator"]},
                            "source": {"enum": ["manual", "config", "department"]}})),
        "requests": array(obj({"id": INTEGER, "person": ref("PersonRef"), "message": STRING,
                               "created_at": DATE_TIME}), _l("Pending requests to join: moderators only.")),
        "invitations": array(obj({"id": INTEGER, "person": ref("PersonRef")}),
                             _l("Invitations not answered yet: moderators only.")),
    }, optional=("requests", "invitations")),
}
JOINED = obj({"status": {"const": "joined"}, "slug": STRING})
MEMBERSHIP_DECISION = obj({"id": INTEGER, "status": {"enum": ["pending", "approved", "refused", "cancelled"]}})

bp = api_blueprint("spaces_api", __name__, tag=(_l("Spaces"), _l("Spaces, their members, requests to join and "
                                                                 "invitations.")), schemas=SCHEMAS)


@bp.get("/spaces")
@operation(_l("The spaces one may know of"), responses={200: (_l("Spaces and pending invitations."), ref("Spaces"))})
def list_spaces():
    invitations = [{"id": i.id, "space": {"slug": i.space.slug, "name": i.space.name,
                                          "description": i.space.description, "visibility": i.space.visibility},
                    "invited_by": person(i.invited_by) if i.invited_by else None}
                   for i in services.pending_invitations(current_user)]
    return {"items": [space_json(e) for e in services.directory(current_user)], "invitations": invitations}


@bp.post("/spaces/<slug>/join")
@operation(_l("Join a space, or ask to"), description=_l(
    "Open spaces are joined at once. For closed ones this asks the moderators, with an optional message in "
    "the body; a pending invitation is accepted instead."),
    body=json_object({"message": {**STRING, "maxLength": membership.MESSAGE_LENGTH, "description": _l(
        "For the moderators of a closed space.")}}), body_required=False,
    responses={201: (_l("Joined."), JOINED),
               202: (_l("Asked: the moderators decide."), obj({"status": {"const": "requested"}, "slug": STRING,
                                                                "request_id": INTEGER}))},
    errors=(400, 403, 404, 409))
def join(slug):
    """Open spaces: joined at once (201). Closed spaces: a request to the moderators (202, "requested")."""
    space = services.get_seeable_space(current_user, slug)
    # The body is optional, but one that is sent must be a JSON object (its message is for closed spaces).
    data = json_body() if request.get_data() else {}
    message = string_field(data, "message", default="", max_length=membership.MESSAGE_LENGTH)
    if space.visibility == "closed" and not can(current_user, "space.join", space):
        result = membership.request_to_join(current_user, space, message)
        if result.kind == "invite":  # a pending invitation was accepted instead
            return {"status": "joined", "slug": space.slug}, 201
        return {"status": "requested", "slug": space.slug, "request_id": result.id}, 202
    membership.join(current_user, space)
    return {"status": "joined", "slug": space.slug}, 201


@bp.post("/spaces/<slug>/leave")
@operation(_l("Leave a space"), responses={200: (_l("Left."), obj({"status": {"const": "left"}, "slug": STRING}))},
           errors=(403, 404, 409))
def leave(slug):
    space = services.get_seeable_space(current_user, slug)
    membership.leave(current_user, space)
    return {"status": "left", "slug": space.slug}


@bp.get("/spaces/<slug>/members")
@operation(_l("A space's members"), responses={200: (_l("Members; requests and invitations for moderators."),
                                                   ref("Members"))}, errors=(404,))
def members(slug):
    space = services.get_space(current_user, slug)
    roster = services.roster(current_user, space)
    data = {"items": [{**person(m.user), "role": m.role, "source": m.source} for m in roster.memberships]}
    if can(current_user, "space.moderate", space):
        data["requests"] = [{"id": r.id, "person": person(r.user), "message": r.message,
                             "created_at": r.created_at.isoformat() + "Z"} for r in roster.requests]
        data["invitations"] = [{"id": r.id, "person": person(r.user)} for r in roster.invitations]
    return data


@bp.post("/spaces/<slug>/requests/<int:request_id>/<any(approve, refuse):decision>")
@operation(_l("Approve or refuse a request to join"), responses={200: (_l("The request."), MEMBERSHIP_DECISION)},
           errors=(403, 404, 409))
def decide(slug, request_id, decision):
    space = services.get_space(current_user, slug)
    require(current_user, "space.moderate", space)
    result = membership.decide_request(current_user, space, request_id, decision == "approve")
    return {"id": result.id, "status": result.status}


@bp.post("/spaces/<slug>/invitations")
@operation(_l("Invite a colleague"), body=json_object({"person": {**STRING, "description": _l(
    "Their handle or email.")}}, required=["person"]), responses={201: (_l(
        "Invited, or added at once when they had asked to join."), {"oneOf": [
            obj({"status": {"const": "joined"}, "handle": STRING}),
            obj({"status": {"const": "invited"}, "id": INTEGER, "handle": STRING})]})},
    errors=(403, 404, 409))
def invite(slug):
    from agora.profiles.services import find_person

    space = services.get_space(current_user, slug)
    data = json_body("person")
    result = membership.invite(current_user, space, find_person(string_field(data, "person", max_length=320) or ""))
    if result.status == "approved":
        return {"status": "joined", "handle": result.user.handle}, 201
    return {"status": "invited", "id": result.id, "handle": result.user.handle}, 201


@bp.post("/spaces/invitations/<int:request_id>/<any(accept, decline):answer>")
@operation(_l("Accept or decline an invitation"), responses={200: (_l("The invitation."), obj({
    **MEMBERSHIP_DECISION["properties"], "slug": STRING}))}, errors=(404, 409))
def answer(request_id, answer):
    result = membership.answer_invitation(current_user, request_id, answer == "accept")
    return {"id": result.id, "status": result.status, "slug": result.space.slug}
