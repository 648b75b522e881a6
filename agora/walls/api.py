"""Walls API: read a space with its posts, write on walls, read a post with its comments, edit, delete, comment, react."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, json_body, string_field
from agora.core.errors import ValidationError
from agora.core.openapi import CURSOR, INTEGER, STRING, TEXT, array, json_object, nullable, obj, operation, query, ref
from agora.profiles.services import get_person
from agora.spaces import services as spaces
from agora.spaces.serialise import person, space_json
from agora.spaces.services import get_space
from agora.walls import comments as comment_services
from agora.walls import queries, reactions, services
from agora.walls.models import REACTION_KINDS
from agora.walls.reactions import summarise
from agora.walls.serialise import COMMENT, POST, SCHEMAS, comment_json, post_json

THREAD = obj({
    **POST["properties"],
    "comments": array(obj({**COMMENT["properties"], "replies": array(ref("Comment"))}),
                      _l("Top-level comments, oldest first, each with its replies.")),
    "reactors": {"type": "object", "propertyNames": {"enum": list(REACTION_KINDS)},
                 "additionalProperties": array(obj({"handle": STRING, "name": STRING})),
                 "description": _l("Who reacted, per kind of reaction.")},
})
NEW_POST = json_object({"body": TEXT, "kind": {"enum": ["status"], "default": "status"}}, required=["body"])
REACTION = json_object({"kind": {"enum": list(REACTION_KINDS)}}, required=["kind"])
POST_CREATED = {201: (_l("The new post."), ref("Post"))}

bp = api_blueprint("walls_api", __name__, tag=(_l("Walls"), _l("Posts, comments and reactions on the walls of "
                                                               "people and spaces.")),
                   schemas={**SCHEMAS, "PostThread": THREAD})


def _body(data: dict, required: bool = True) -> str:
    limit = services.max_length()
    return string_field(data, "body", default="" if not required else None, max_length=limit) or ""


def _created(post):
    post = services.get_post(current_user, post.id)
    return post_json(post, summarise(current_user, post_ids=[post.id])), 201


@bp.get("/spaces/<slug>")
@operation(_l("A space, with its wall"), params=[query("cursor", CURSOR, _l("The page of the wall after this one."))],
           responses={200: (_l("The space; its posts when the token's owner may read it."), ref("SpaceDetail"))},
           errors=(400, 404))
def show_space(slug):
    """A space as the reader sees it, with its moderators and, for readers, a page of its wall."""
    space = spaces.get_seeable_space(current_user, slug)
    data = space_json(spaces.entry_for(current_user, space))
    data["moderators"] = [person(p) for p in spaces.moderators_of(space)]
    if data["can_read"]:
        posts = queries.space_wall(current_user, space, request.args.get("cursor") or None)
        data["posts"] = [post_json(p, posts.reactions) for p in posts.posts]
        data["next_cursor"] = posts.next_cursor
    return data


@bp.post("/people/<handle>/posts")
@operation(_l("Post on a person's wall"), body=NEW_POST, responses=POST_CREATED, errors=(403, 404))
def post_on_person(handle):
    person = get_person(handle)
    data = json_body("body")
    kind = string_field(data, "kind", default="status", max_length=20)
    return _created(services.create_post(current_user, person=person, body=_body(data), kind=kind))


@bp.post("/spaces/<slug>/posts")
@operation(_l("Post in a space"), body=NEW_POST, responses=POST_CREATED, errors=(403, 404))
def post_on_space(slug):
    space = get_space(current_user, slug)
    data = json_body("body")
    kind = string_field(data, "kind", default="status", max_length=20)
    return _created(services.create_post(current_user, space=space, body=_body(data), kind=kind))


@bp.get("/posts/<int:post_id>")
@operation(_l("Read a post with its comments"), responses={200: (_l("The post and its thread."), ref("PostThread"))},
           errors=(404,))
def show_post(post_id):
    post = services.get_post(current_user, post_id)
    thread = queries.thread(current_user, post)
    data = post_json(post, thread.reactions)
    data["comments"] = [
        {**comment_json(c, thread.reactions),
         "replies": [comment_json(r, thread.reactions) for r in thread.replies.get(c.id, [])]}
        for c in thread.comments
    ]
    data["reactors"] = {kind: [{"handle": p.handle, "name": p.name} for p in people]
                        for kind, people in thread.reactors.items()}
    return data


@bp.patch("/posts/<int:post_id>")
@operation(_l("Edit one's post"), body=json_object({"body": TEXT}, required=["body"]),
           responses={200: (_l("The edited post."), ref("Post"))}, errors=(403, 404))
def edit_post(post_id):
    post = services.get_post(current_user, post_id, "post.edit")
    data = json_body("body")
    services.edit_post(current_user, post, _body(data))
    post = services.get_post(current_user, post_id)
    return post_json(post, summarise(current_user, post_ids=[post.id]))


@bp.delete("/posts/<int:post_id>")
@operation(_l("Delete one's post"), responses={204: (_l("Deleted."), None)}, errors=(403, 404))
def delete_post(post_id):
    post = services.get_post(current_user, post_id, "post.delete")
    services.delete_post(current_user, post)
    return "", 204


@bp.post("/posts/<int:post_id>/comments")
@operation(_l("Comment on a post, or reply to a comment"),
           body=json_object({"body": TEXT, "parent_id": nullable({**INTEGER, "description": _l(
               "The comment replied to; a reply to a reply joins its thread.")})}, required=["body"]),
           responses={201: (_l("The new comment."), ref("Comment"))}, errors=(403, 404))
def comment(post_id):
    post = services.get_post(current_user, post_id)
    data = json_body("body")
    parent = data.get("parent_id")
    if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int)):
        raise ValidationError("'parent_id' must be a comment id.", {"parent_id": ["Must be an integer."]})
    created = comment_services.add_comment(current_user, post, _body(data), parent)
    return comment_json(created), 201


@bp.post("/posts/<int:post_id>/reactions")
@operation(_l("React to a post"), body=REACTION, responses={201: (_l("The post, with its reactions."), ref("Post"))},
           errors=(403, 404))
def react(post_id):
    post = services.get_post(current_user, post_id)
    kind = string_field(json_body("kind"), "kind", max_length=20)
    reactions.set_reaction(current_user, post, kind, on=True)
    post = services.get_post(current_user, post_id)
    return post_json(post, summarise(current_user, post_ids=[post.id])), 201


@bp.delete("/posts/<int:post_id>/reactions/<kind>")
@operation(_l("Take back one's reaction to a post"), path={"kind": {"enum": list(REACTION_KINDS)}},
           responses={204: (_l("Taken back (or there was none)."), None)}, errors=(400, 403, 404))
def unreact(post_id, kind):
    post = services.get_post(current_user, post_id)
    reactions.set_reaction(current_user, post, kind, on=False)
    return "", 204


@bp.post("/comments/<int:comment_id>/reactions")
@operation(_l("React to a comment"), body=REACTION,
           responses={201: (_l("The comment, with its reactions."), ref("Comment"))}, errors=(403, 404))
def react_comment(comment_id):
    comment_ = comment_services.get_comment(current_user, comment_id)
    kind = string_field(json_body("kind"), "kind", max_length=20)
    reactions.set_reaction(current_user, comment_, kind, on=True)
    return comment_json(comment_, summarise(current_user, comment_ids=[comment_.id])), 201
