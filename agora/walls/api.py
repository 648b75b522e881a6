"""Walls API: write on walls, read a post with its comments, edit, delete, comment, react."""
from __future__ import annotations

from flask_login import current_user

from agora.core.api import api_blueprint, json_body, string_field
from agora.core.errors import ValidationError
from agora.profiles.services import get_person
from agora.spaces.services import get_space
from agora.walls import comments as comment_services
from agora.walls import queries, reactions, services
from agora.walls.reactions import summarise
from agora.walls.serialise import comment_json, post_json

bp = api_blueprint("walls_api", __name__)


def _body(data: dict, required: bool = True) -> str:
    limit = services.max_length()
    return string_field(data, "body", default="" if not required else None, max_length=limit) or ""


def _created(post):
    post = services.get_post(current_user, post.id)
    return post_json(post, summarise(current_user, post_ids=[post.id])), 201


@bp.post("/people/<handle>/posts")
def post_on_person(handle):
    person = get_person(handle)
    data = json_body("body")
    kind = string_field(data, "kind", default="status", max_length=20)
    return _created(services.create_post(current_user, person=person, body=_body(data), kind=kind))


@bp.post("/spaces/<slug>/posts")
def post_on_space(slug):
    space = get_space(current_user, slug)
    data = json_body("body")
    kind = string_field(data, "kind", default="status", max_length=20)
    return _created(services.create_post(current_user, space=space, body=_body(data), kind=kind))


@bp.get("/posts/<int:post_id>")
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
def edit_post(post_id):
    post = services.get_post(current_user, post_id, "post.edit")
    data = json_body("body")
    services.edit_post(current_user, post, _body(data))
    post = services.get_post(current_user, post_id)
    return post_json(post, summarise(current_user, post_ids=[post.id]))


@bp.delete("/posts/<int:post_id>")
def delete_post(post_id):
    post = services.get_post(current_user, post_id, "post.delete")
    services.delete_post(current_user, post)
    return "", 204


@bp.post("/posts/<int:post_id>/comments")
def comment(post_id):
    post = services.get_post(current_user, post_id)
    data = json_body("body")
    parent = data.get("parent_id")
    if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int)):
        raise ValidationError("'parent_id' must be a comment id.", {"parent_id": ["Must be an integer."]})
    created = comment_services.add_comment(current_user, post, _body(data), parent)
    return comment_json(created), 201


@bp.post("/posts/<int:post_id>/reactions")
def react(post_id):
    post = services.get_post(current_user, post_id)
    kind = string_field(json_body("kind"), "kind", max_length=20)
    reactions.set_reaction(current_user, post, kind, on=True)
    post = services.get_post(current_user, post_id)
    return post_json(post, summarise(current_user, post_ids=[post.id])), 201


@bp.delete("/posts/<int:post_id>/reactions/<kind>")
def unreact(post_id, kind):
    post = services.get_post(current_user, post_id)
    reactions.set_reaction(current_user, post, kind, on=False)
    return "", 204


@bp.post("/comments/<int:comment_id>/reactions")
def react_comment(comment_id):
    comment_ = comment_services.get_comment(current_user, comment_id)
    kind = string_field(json_body("kind"), "kind", max_length=20)
    reactions.set_reaction(current_user, comment_, kind, on=True)
    return comment_json(comment_, summarise(current_user, comment_ids=[comment_.id])), 201
