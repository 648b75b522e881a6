"""Comment services: comments on posts, replies one level deep, author edits and deletes."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from agora.core.errors import NotFound, ValidationError
from agora.core.hooks import hooks
from agora.core.ids import in_range
from agora.core.policy import require
from agora.core.time import utcnow
from agora.core.transactions import transaction, transactional
from agora.extensions import db
from agora.notifications.services import notify
from agora.walls.models import Comment, EditHistory, Mention, Post
from agora.walls.rendering import render
from agora.walls.services import _notify_mentions, _remember, check_body, excerpt


def comment_url(comment: Comment) -> str:
    """The comment's place on its post's page."""
    return f"/posts/{comment.post_id}#comment-{comment.id}"


def get_comment(user, comment_id, action: str = "comment.view") -> Comment:
    """The comment if `user` may see it (and do `action`), else NotFound/Forbidden."""
    try:
        comment_id = int(comment_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    comment = db.session.get(Comment, comment_id)
    require(user, "comment.view", comment)
    if action != "comment.view":
        require(user, action, comment)
    return comment


def _link(comment: Comment, mentioned: list[int]) -> list[int]:
    before = set(db.session.scalars(select(Mention.user_id).where(Mention.comment_id == comment.id)))
    db.session.execute(delete(Mention).where(Mention.comment_id == comment.id))
    for user_id in mentioned:
        db.session.add(Mention(user_id=user_id, comment_id=comment.id))
    return [uid for uid in mentioned if uid not in before]


def add_comment(user, post: Post, body: str | None, parent_id=None) -> Comment:
    """Comment on `post`, or reply to one of its comments (a reply to a reply joins the top-level thread)."""
    require(user, "post.view", post)
    require(user, "comment.create", post)
    body = check_body(body)
    parent = None
    if parent_id not in (None, ""):
        try:
            number = int(parent_id)
            parent = db.session.get(Comment, number) if in_range(number) else None
        except (TypeError, ValueError):
            parent = None
        if parent is None or parent.post_id != post.id:
            raise ValidationError("The comment you reply to does not exist.", {"parent_id": ["Unknown comment."]})
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
        if parent.deleted_at is not None and parent.reply_count == 0:
            raise ValidationError("The comment you reply to was deleted.", {"parent_id": ["Deleted comment."]})
    rendered = render(body)
    comment = Comment(post_id=post.id, parent_id=parent.id if parent else None, author_id=user.id,
                      body_source=body, body_html=rendered.html)
    with transaction():
        db.session.add(comment)
        db.session.flush()
        post.comment_count = Post.comment_count + 1
        if parent is not None:
            parent.reply_count = Comment.reply_count + 1
        mentioned = _link(comment, rendered.mentioned)
        url, text = comment_url(comment), excerpt(rendered.html)
        told = {user.id}
        if parent is not None and parent.author_id not in told:
            notify(parent.author_id, "reply", actor_id=user.id, target_type="comment", target_id=comment.id,
                   url=url, excerpt=text)
            told.add(parent.author_id)
        if post.author_id not in told:
            notify(post.author_id, "comment", actor_id=user.id, target_type="comment", target_id=comment.id,
                   url=url, excerpt=text)
            told.add(post.author_id)
        _notify_mentions(user, post, mentioned, target_type="comment", target_id=comment.id, url=url,
                         html=rendered.html, skip=told)
    for created in hooks("content.created"):  # e.g. moderation's keyword watch
        created("comment", comment)
    return comment


@transactional
def edit_comment(user, comment: Comment, body: str | None) -> Comment:
    """Change a comment's text (author only), keeping the previous version in its history."""
    require(user, "comment.edit", comment)
    body = check_body(body)
    if body == comment.body_source:
        return comment
    rendered = render(body)
    _remember("comment", comment)
    comment.body_source, comment.body_html, comment.edited_at = body, rendered.html, utcnow()
    mentioned = _link(comment, rendered.mentioned)
    _notify_mentions(user, comment.post, mentioned, target_type="comment", target_id=comment.id,
                     url=comment_url(comment), html=rendered.html)
    return comment


@transactional
def delete_comment(user, comment: Comment) -> None:
    """Delete a comment (author only); one with replies stays as a "deleted by its author" placeholder."""
    require(user, "comment.delete", comment)
    post_id, parent_id = comment.post_id, comment.parent_id
    db.session.execute(update(Post).where(Post.id == post_id, Post.comment_count > 0)
                       .values(comment_count=Post.comment_count - 1))
    db.session.execute(delete(EditHistory).where(EditHistory.content_type == "comment",
                                                 EditHistory.content_id == comment.id))
    db.session.execute(delete(Mention).where(Mention.comment_id == comment.id))
    if comment.reply_count > 0:
        comment.deleted_at = utcnow()
        comment.body_source = comment.body_html = ""
    else:
        db.session.delete(comment)
        if parent_id is not None:
            db.session.execute(update(Comment).where(Comment.id == parent_id, Comment.reply_count > 0)
                               .values(reply_count=Comment.reply_count - 1))
            # A placeholder whose last reply goes has nothing left to hold.
            db.session.execute(delete(Comment).where(Comment.id == parent_id, Comment.deleted_at.is_not(None),
                                                     Comment.reply_count == 0))
