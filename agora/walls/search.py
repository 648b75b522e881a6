"""How posts and comments become search documents (registered under the "search.sources" hook).

Posts of a kind indexed apart (walls.kinds: `search_type`, e.g. questions) are left out of the post
documents; their feature builds its documents on `load_posts(..., kind=)` and the walk helpers here,
and the watchers below name those posts under the kind's document type."""
from __future__ import annotations

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import aliased

from agora.accounts.models import User
from agora.hashtags.models import Hashtag
from agora.search.sources import Source, html_text
from agora.spaces.models import Space
from agora.walls.kinds import search_types
from agora.walls.models import Comment, Post, post_hashtags


def _changed(obj, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _searchable_posts(kind: str | None = None):
    # Deleted and hidden posts leave the index: nobody finds them by the words they contained.
    alive = (Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    if kind is not None:
        return (*alive, Post.kind == kind)
    apart = sorted(search_types())
    return (*alive, Post.kind.notin_(apart)) if apart else alive


def _key(kind: str, post_id: int, apart: dict[str, str]):
    return apart.get(kind, "post"), post_id


def load_posts(session, ids: list[int], kind: str | None = None) -> dict[int, dict]:
    """Documents for the searchable posts among `ids`: of `kind`, or (None) of the kinds indexed as posts."""
    rows = session.execute(
        select(Post.id, Post.body_html, Post.created_at, Post.space_id, User.handle, User.name,
               Space.slug, Space.name.label("space_name"))
        .join(User, User.id == Post.author_id).outerjoin(Space, Space.id == Post.space_id)
        .where(Post.id.in_(ids), *_searchable_posts(kind))).all()
    tags: dict[int, list[str]] = {}
    for post_id, slug in session.execute(select(post_hashtags.c.post_id, Hashtag.slug)
                                         .join(Hashtag, Hashtag.id == post_hashtags.c.hashtag_id)
                                         .where(post_hashtags.c.post_id.in_(ids))):
        tags.setdefault(post_id, []).append(slug)
    return {r.id: {"type": "post", "id": r.id, "url": f"/posts/{r.id}", "body": html_text(r.body_html),
                   "created": r.created_at, "visible_in": r.space_id, "space_id": r.space_id,
                   "space_slug": r.slug, "space_name": r.space_name, "author_handle": r.handle,
                   "author_name": r.name, "tags": tags.get(r.id, [])}
            for r in rows}


def load_comments(session, ids: list[int]) -> dict[int, dict]:
    """Documents for the searchable comments among `ids`: they follow their post's wall and fate."""
    rows = session.execute(
        select(Comment.id, Comment.post_id, Comment.body_html, Comment.created_at, Post.space_id, User.handle,
               User.name, Space.slug, Space.name.label("space_name"))
        .join(Post, Post.id == Comment.post_id).join(User, User.id == Comment.author_id)
        .outerjoin(Space, Space.id == Post.space_id)
        .where(Comment.id.in_(ids), Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
               Post.deleted_at.is_(None))).all()
    return {r.id: {"type": "comment", "id": r.id, "url": f"/posts/{r.post_id}#comment-{r.id}",
                   "body": html_text(r.body_html), "created": r.created_at, "visible_in": r.space_id,
                   "space_id": r.space_id, "space_slug": r.slug, "space_name": r.space_name,
                   "author_handle": r.handle, "author_name": r.name}
            for r in rows}


def post_ids_after(session, after: int | None, limit: int, kind: str | None = None) -> list[int]:
    """The next `limit` searchable post ids after `after` (a rebuild's walk), of `kind` as load_posts."""
    stmt = select(Post.id).where(*_searchable_posts(kind)).order_by(Post.id).limit(limit)
    return list(session.scalars(stmt.where(Post.id > after) if after is not None else stmt))


def count_posts(session, kind: str | None = None) -> int:
    """Searchable posts, of `kind` as load_posts."""
    return session.scalar(select(func.count(Post.id)).where(*_searchable_posts(kind)))


def _comment_filter():
    parent = aliased(Post)
    return (Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
            select(parent.id).where(parent.id == Comment.post_id, parent.deleted_at.is_(None)).exists())


def _comment_ids_after(session, after, limit):
    stmt = select(Comment.id).where(*_comment_filter()).order_by(Comment.id).limit(limit)
    return list(session.scalars(stmt.where(Comment.id > after) if after is not None else stmt))


def _watch_post(session, post, change):
    keys = [_key(post.kind, post.id, search_types())]
    # Comments live and die with their post, and are read by whoever reads its wall.
    if change == "deleted" or (change == "dirty" and _changed(post, "deleted_at", "space_id", "wall_user_id")):
        keys += [("comment", cid) for cid in session.execute(
            select(Comment.id).where(Comment.post_id == post.id)).scalars()]
    return keys


def _watch_space(session, space, change):
    # Deleting a space deletes its posts and comments in the database; they must leave the index too.
    # A renamed space: its posts show the new name in results.
    if change == "new" or (change == "dirty" and not _changed(space, "name", "slug")):
        return []
    apart = search_types()
    keys = [_key(kind, pid, apart) for pid, kind in session.execute(
        select(Post.id, Post.kind).where(Post.space_id == space.id))]
    return keys + [("comment", cid) for cid in session.execute(
        select(Comment.id).join(Post, Post.id == Comment.post_id).where(Post.space_id == space.id)).scalars()]


def _watch_author(session, user, change):
    # Results show the author's name as it is now.
    if change != "dirty" or not _changed(user, "name", "handle"):
        return []
    apart = search_types()
    keys = [_key(kind, pid, apart) for pid, kind in session.execute(
        select(Post.id, Post.kind).where(Post.author_id == user.id))]
    return keys + [("comment", cid) for cid in session.execute(
        select(Comment.id).where(Comment.author_id == user.id)).scalars()]


def sources() -> list[Source]:
    """Posts and comments."""
    return [
        Source("post", load_posts, post_ids_after, count_posts,
               watch={Post: _watch_post, Space: _watch_space, User: _watch_author}),
        Source("comment", load_comments, _comment_ids_after,
               lambda s: s.scalar(select(func.count(Comment.id)).where(*_comment_filter())),
               watch={Comment: lambda session, comment, change: [("comment", comment.id)]}),
    ]
