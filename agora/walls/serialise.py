"""JSON shapes of posts and comments, shared by the walls and feed APIs."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.openapi import BOOLEAN, DATE_TIME, INTEGER, STRING, array, nullable, obj, ref
from agora.core.policy import can
from agora.walls.models import POST_KINDS, REACTION_KINDS, Comment, Post
from agora.walls.reactions import Summary


def _iso(value):
    return value.isoformat() + "Z" if value else None


def person(user) -> dict:
    return {"id": user.id, "handle": user.handle, "name": user.name}


def _hidden(kind: str, obj, viewer) -> tuple[dict | None, bool]:
    """Moderation's notice for hidden content, and whether `viewer` (the author, moderators) still sees the original."""
    if obj.hidden_at is None:
        return None, True
    notice = {"at": _iso(obj.hidden_at), "reason": obj.hidden_reason or ""}
    return notice, can(current_user if viewer is None else viewer, f"{kind}.view_hidden", obj)


def post_json(post: Post, summary: Summary | None = None, viewer=None) -> dict:
    """A post as the API shows it; hidden content is blanked for readers who may not see the original."""
    counts, mine = summary.for_post(post.id) if summary else ({}, set())
    hidden, original = _hidden("post", post, viewer)
    data = {
        "id": post.id,
        "kind": post.kind,
        "url": url_for("walls.show_post", post_id=post.id, _external=False),
        "author": person(post.author),
        "wall": ({"type": "space", "slug": post.space.slug, "name": post.space.name} if post.space_id
                 else {"type": "person", **person(post.wall_user)}),
        "body": post.body_source,
        "html": post.body_html,
        "created_at": _iso(post.created_at),
        "edited_at": _iso(post.edited_at),
        "pinned": post.pinned,
        "comments_locked": post.comments_locked,
        "comment_count": post.comment_count,
        "reaction_count": post.reaction_count,
        "share_count": post.share_count,
        "reactions": counts,
        "my_reactions": sorted(mine),
        "attachments": [{"id": m.id, "url": url_for("media.show", media_id=m.id), "filename": m.filename,
                         "content_type": m.content_type, "size": m.size} for m in post.attachments],
        "shared_post_id": post.shared_post_id,
        "hidden": hidden,
    }
    if not original:
        data.update(body="", html="", attachments=[])
    return data


def comment_json(comment: Comment, summary: Summary | None = None, viewer=None) -> dict:
    """A comment as the API shows it; a deleted one keeps only its place in the thread, a hidden one its notice."""
    counts, mine = summary.for_comment(comment.id) if summary else ({}, set())
    deleted = comment.deleted_at is not None
    hidden, original = (None, True) if deleted else _hidden("comment", comment, viewer)
    deleted_or_hidden = deleted or not original
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "author": None if deleted else person(comment.author),
        "deleted": deleted,
        "body": "" if deleted_or_hidden else comment.body_source,
        "html": "" if deleted_or_hidden else comment.body_html,
        "hidden": hidden,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "reply_count": comment.reply_count,
        "reactions": counts,
        "my_reactions": sorted(mine),
    }


# The shapes above, for the API's description (agora/core/openapi.py); keep them in step with the functions.
PERSON = obj({"id": INTEGER, "handle": STRING, "name": STRING})
REACTIONS = {"type": "object", "propertyNames": {"enum": list(REACTION_KINDS)},
             "additionalProperties": {"type": "integer", "minimum": 1},
             "description": _l("How many people reacted, per kind of reaction.")}
MY_REACTIONS = array({"enum": list(REACTION_KINDS)}, _l("The token owner's own reactions."))
HIDDEN = nullable(obj({"at": DATE_TIME, "reason": STRING},
                      description=_l("Set when moderation hid it; the text is then blank unless the token's owner "
                                     "wrote it or moderates it.")))
POST = obj({
    "id": INTEGER,
    "kind": {"enum": list(POST_KINDS)},
    "url": STRING,
    "author": ref("Person"),
    "wall": {"oneOf": [
        obj({"type": {"const": "space"}, "slug": STRING, "name": STRING}),
        obj({"type": {"const": "person"}, "id": INTEGER, "handle": STRING, "name": STRING}),
    ]},
    "body": {"type": "string", "description": _l("The Markdown source.")},
    "html": {"type": "string", "description": _l("The sanitised HTML.")},
    "created_at": DATE_TIME,
    "edited_at": nullable(DATE_TIME),
    "pinned": BOOLEAN,
    "comments_locked": BOOLEAN,
    "comment_count": INTEGER,
    "reaction_count": INTEGER,
    "share_count": INTEGER,
    "reactions": REACTIONS,
    "my_reactions": MY_REACTIONS,
    "attachments": array(obj({"id": INTEGER, "url": STRING, "filename": STRING, "content_type": STRING,
                              "size": INTEGER})),
    "shared_post_id": nullable(INTEGER),
    "hidden": HIDDEN,
})
COMMENT = obj({
    "id": INTEGER,
    "post_id": INTEGER,
    "parent_id": nullable(INTEGER),
    "author": nullable(ref("Person")),
    "deleted": BOOLEAN,
    "body": STRING,
    "html": STRING,
    "hidden": HIDDEN,
    "created_at": DATE_TIME,
    "edited_at": nullable(DATE_TIME),
    "reply_count": INTEGER,
    "reactions": REACTIONS,
    "my_reactions": MY_REACTIONS,
})
SCHEMAS = {"Person": PERSON, "Post": POST, "Comment": COMMENT}
