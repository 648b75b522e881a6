"""Post services: write, edit, delete and share posts on person and space walls."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from agora.accounts.models import User
from agora.core.errors import NotFound, ValidationError
from agora.core.hooks import hooks
from agora.core.policy import can, require
from agora.core.sanitiser import plain_text
from agora.core.time import utcnow
from agora.core.transactions import transaction, transactional
from agora.extensions import db
from agora.hashtags.services import tag_rows
from agora.notifications.services import notify
from agora.walls import kinds
from agora.walls.models import EditHistory, Mention, Post, post_attachments, post_hashtags
from agora.walls.rendering import Rendered, max_length, render

# The kind anyone writes with the plain form; the others come from their features (walls.kinds), with their row.
WRITABLE_KINDS = ("status",)
MAX_ATTACHMENTS = 5


@dataclass
class Upload:
    """A file sent with a post: its name, bytes and claimed type."""

    filename: str
    data: bytes
    content_type: str = ""


def excerpt(html: str, length: int = 200) -> str:
    """Plain text of the start of some rendered content."""
    text = " ".join(plain_text(html).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def check_body(body: str | None, *, required: bool = True, field: str = "body") -> str:
    """Normalise a Markdown body and enforce the config's length limit."""
    if body is not None and not isinstance(body, str):
        raise ValidationError(_("The text must be a string."), {field: [_("The text must be a string.")]})
    body = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if required and not body:
        message = _("Write something first.")
        raise ValidationError(message, {field: [message]})
    limit = max_length()
    if len(body) > limit:
        message = _("At most %(count)s characters (this text has %(length)s).", count=limit, length=len(body))
        raise ValidationError(message, {field: [message]})
    return body


def get_post(user, post_id, action: str = "post.view") -> Post:
    """The post `post_id` if `user` may see it (and do `action`), else NotFound/Forbidden."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    post = db.session.scalar(select(Post).where(Post.id == post_id).options(selectinload(Post.space)))
    require(user, "post.view", post)
    if action != "post.view":
        require(user, action, post)
    return post


def _link_post(post: Post, rendered: Rendered) -> list[int]:
    """Store the post's hashtags and mentions; returns the newly mentioned user ids."""
    db.session.execute(delete(post_hashtags).where(post_hashtags.c.post_id == post.id))
    tags = tag_rows(rendered.hashtags)
    if tags:
        db.session.execute(insert(post_hashtags), [{"post_id": post.id, "hashtag_id": t.id, "created_at": post.created_at}
                                                         for t in tags])
    before = set(db.session.scalars(select(Mention.user_id).where(Mention.post_id == post.id)))
    db.session.execute(delete(Mention).where(Mention.post_id == post.id))
    for user_id in rendered.mentioned:
        db.session.add(Mention(user_id=user_id, post_id=post.id))
    return [uid for uid in rendered.mentioned if uid not in before]


def _notify_mentions(actor, post: Post, user_ids: list[int], *, target_type: str, target_id: int, url: str,
                     html: str, skip: set[int] = frozenset()) -> None:
    if not user_ids:
        return
    people = db.session.scalars(select(User).where(User.id.in_(user_ids)))
    for person in people:
        # Mentioning someone who cannot read the space must not leak the content to them.
        if person.id in skip or not can(person, "post.view", post):
            continue
        notify(person.id, "mention", actor_id=actor.id, target_type=target_type, target_id=target_id,
               url=url, excerpt=excerpt(html))


def post_url(post: Post) -> str:
    """The post's page (built by hand: services also run from the CLI, outside any request)."""
    return f"/posts/{post.id}"


def _wall(author, person, space) -> dict:
    if (person is None) == (space is None):
        raise NotFound()
    if person is not None:
        require(author, "post.create_on_person_wall", person)
        return {"wall_user_id": person.id}
    require(author, "space.view", space)
    require(author, "post.create_on_space", space)
    return {"space_id": space.id}


def _attach(author, post: Post, uploads: list[Upload]) -> None:
    from agora.media.services import store_file

    uploads = [u for u in uploads if u.data or u.filename]
    if len(uploads) > MAX_ATTACHMENTS:
        message = _("At most %(count)s files per post.", count=MAX_ATTACHMENTS)
        raise ValidationError(message, {"attachments": [message]})
    rows = []
    for upload in uploads:
        media = store_file(upload.data, owner_id=author.id, filename=upload.filename,
                           content_type=upload.content_type, kind="attachment", field="attachments")
        rows.append({"post_id": post.id, "media_id": media.id})
    if rows:
        db.session.execute(insert(post_attachments), rows)


def create_post(author, *, person=None, space=None, body: str | None = "", kind: str = "status",
                uploads: list[Upload] | None = None, shared_post: Post | None = None, attach=None) -> Post:
    """Publish a post on `person`'s wall or on `space`'s wall; notifies the wall owner and mentioned people.

    A kind's feature passes `attach(post)`, called in the same transaction once the post has its id, to add its row.
    """
    wall = _wall(author, person, space)
    if kind not in WRITABLE_KINDS and not (attach is not None and kind in kinds.registered()):
        raise ValidationError(_("Unknown kind of post."), {"kind": [_("Unknown kind of post.")]})
    uploads = uploads or []
    body = check_body(body, required=not uploads and shared_post is None)
    rendered = render(body)
    post = Post(author_id=author.id, kind=kind, body_source=body, body_html=rendered.html,
                shared_post_id=shared_post.id if shared_post is not None else None, **wall)
    with transaction():
        db.session.add(post)
        db.session.flush()
        _attach(author, post, uploads)
        if attach is not None:
            attach(post)
        mentioned = _link_post(post, rendered)
        if shared_post is not None:
            shared_post.share_count = Post.share_count + 1
        url = post_url(post)
        if person is not None and person.id != author.id:
            notify(person.id, "wall_post", actor_id=author.id, target_type="post", target_id=post.id,
                   url=url, excerpt=excerpt(rendered.html))
        skip = {person.id} if person is not None else set()
        _notify_mentions(author, post, mentioned, target_type="post", target_id=post.id, url=url,
                         html=rendered.html, skip=skip)
    for created in hooks("content.created"):  # e.g. moderation's keyword watch
        created("post", post)
    return post


def share_post(user, original: Post, *, person=None, space=None, body: str | None = "") -> Post:
    """Share `original` (or what it shares) to a wall with a comment, linking back to it."""
    require(user, "post.share", original)
    if original.shared_post_id is not None and original.shared_post is not None:
        original = original.shared_post
        require(user, "post.share", original)
    return create_post(user, person=person, space=space, body=body, shared_post=original)


def _remember(content_type: str, obj) -> None:
    db.session.add(EditHistory(content_type=content_type, content_id=obj.id, body_source=obj.body_source,
                               body_html=obj.body_html, written_at=obj.edited_at or obj.created_at))


@transactional
def edit_post(user, post: Post, body: str | None) -> Post:
    """Change a post's text (author only), keeping the previous version in its history."""
    require(user, "post.edit", post)
    body = check_body(body, required=post.shared_post_id is None and not post.attachments)
    if body == post.body_source:
        return post
    rendered = render(body)
    _remember("post", post)
    post.body_source, post.body_html, post.edited_at = body, rendered.html, utcnow()
    mentioned = _link_post(post, rendered)
    _notify_mentions(user, post, mentioned, target_type="post", target_id=post.id, url=post_url(post),
                     html=rendered.html)
    return post


@transactional
def delete_post(user, post: Post) -> None:
    """Delete a post (author only): its text, history, links and attachments go; shares show it is gone."""
    require(user, "post.delete", post)
    from agora.media.services import delete_media

    media_ids = [m.id for m in post.attachments]
    post.deleted_at = utcnow()
    post.body_source = post.body_html = ""
    if post.shared_post_id is not None:
        db.session.execute(db.update(Post).where(Post.id == post.shared_post_id, Post.share_count > 0)
                           .values(share_count=Post.share_count - 1))
    db.session.execute(delete(EditHistory).where(EditHistory.content_type == "post",
                                                 EditHistory.content_id == post.id))
    db.session.execute(delete(Mention).where(Mention.post_id == post.id))
    db.session.execute(delete(post_hashtags).where(post_hashtags.c.post_id == post.id))
    db.session.execute(delete(post_attachments).where(post_attachments.c.post_id == post.id))
    for media_id in media_ids:
        delete_media(media_id)


def history(user, content_type: str, obj) -> list[EditHistory]:
    """Earlier versions of a post or comment, newest first, for anyone who may read it."""
    require(user, f"{content_type}.view", obj)
    return list(db.session.scalars(
        select(EditHistory).where(EditHistory.content_type == content_type, EditHistory.content_id == obj.id)
        .order_by(EditHistory.id.desc())))
