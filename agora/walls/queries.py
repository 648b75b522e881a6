"""Read side of walls: pages of posts and a post with its thread, in a constant number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from agora.accounts.models import User
from agora.core.pagination import Page, keyset
from agora.core.policy import can, comment_rights
from agora.extensions import db
from agora.follows.services import is_following
from agora.hashtags.models import Hashtag
from agora.spaces.models import Space
from agora.spaces.services import readable_space_ids
from agora.walls.kinds import load_extras
from agora.walls.models import Comment, Post, post_hashtags
from agora.walls.reactions import Summary, comment_reactors, reactors, summarise

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@lru_cache(maxsize=1)
def post_options() -> tuple:
    """Eager loads for rendering posts: attachments and the shared original (walls: `attach_walls`)."""
    # Separate queries, not joins: PostgreSQL plans every request afresh, and each join beside the
    # author's three costs it more than the round trip it saves (measured: every page slower).
    # Built once: loader options are immutable, and building them cost more than running their query.
    return (
        selectinload(Post.attachments),
        selectinload(Post.shared_post).options(selectinload(Post.space), selectinload(Post.attachments)),
    )


def attach_walls(posts: list[Post]) -> list[Post]:
    """Give each post its space and wall's person, loading in one query each only those the session lacks."""
    # selectinload would fetch even what the request holds already: the wall's space, the profile's
    # person, the feed's followed spaces (a round trip per page saved, most on PostgreSQL).
    for relation, model, key in (("space", Space, "space_id"), ("wall_user", User, "wall_user_id")):
        found = {i: db.session.identity_map.get(identity_key(model, i)) for i in {getattr(p, key) for p in posts}
                 if i is not None}
        missing = sorted(i for i, obj in found.items() if obj is None)
        if missing:
            found.update((obj.id, obj) for obj in db.session.scalars(select(model).where(model.id.in_(missing))))
        for post in posts:
            set_committed_value(post, relation, found.get(getattr(post, key)))
    return posts


def readable(user) -> list:
    """SQL conditions for posts `user` may read: the policy's "post.view" for lists."""
    return [Post.deleted_at.is_(None),
            or_(Post.space_id.is_(None), Post.space_id.in_(readable_space_ids(user)))]


@dataclass
class PostList:
    """A page of posts with their reaction summary."""

    posts: list[Post]
    next_cursor: str | None
    reactions: Summary = field(default_factory=Summary)


def page_of(user, stmt: Select, cursor: str | None, limit: int = PAGE_SIZE,
            order: tuple = (Post.created_at, Post.id)) -> PostList:
    """Run a post query with keyset pagination (newest first) and load what its rendering needs.

    `order` names the columns holding the post's (created_at, id) that the query's index walks.
    """
    limit = max(1, min(int(limit or PAGE_SIZE), MAX_PAGE_SIZE))
    from datetime import datetime

    page: Page = keyset(stmt.options(*post_options()), order, cursor, limit, (datetime, int),
                        attributes=("created_at", "id"))
    attach_walls(page.items)
    # The policy has the last word on every post shown, even though the query already filtered.
    posts = [p for p in page.items if can(user, "post.view", p)]
    summary = summarise(user, post_ids=[p.id for p in posts])
    summary.extras = load_extras(user, posts)
    return PostList(posts, page.next_cursor, summary)


def person_wall(user, person, cursor: str | None = None, limit: int = PAGE_SIZE) -> PostList:
    """Posts on `person`'s wall."""
    stmt = select(Post).where(Post.wall_user_id == person.id, *readable(user))
    return page_of(user, stmt, cursor, limit)


def space_wall(user, space, cursor: str | None = None, limit: int = PAGE_SIZE) -> PostList:
    """Posts on `space`'s wall (the caller has checked "space.view")."""
    if not can(user, "space.view", space):
        return PostList([], None)
    # Readable as a whole, so no per-row space test: SQLite then walks (space_id, created_at) and stops.
    stmt = select(Post).where(Post.space_id == space.id, Post.deleted_at.is_(None))
    return page_of(user, stmt, cursor, limit)


def pinned_posts(user, space, limit: int = 5) -> PostList:
    """Posts a moderator pinned on `space`'s wall, newest first (shown above the wall's first page)."""
    if not can(user, "space.view", space):
        return PostList([], None)
    stmt = select(Post).where(Post.space_id == space.id, Post.pinned == True, Post.deleted_at.is_(None))  # noqa: E712 - "= 1" matches the partial index
    pinned = page_of(user, stmt, None, limit)
    pinned.next_cursor = None  # the wall's own pages follow; older pins stay in the wall itself
    return pinned


def tag_posts(user, slug: str, cursor: str | None = None,
              limit: int = PAGE_SIZE) -> tuple[Hashtag | None, PostList, bool]:
    """The hashtag `slug` as the reader may know it, its readable posts, and whether the reader follows it."""
    tag = db.session.scalar(select(Hashtag).where(Hashtag.slug == slug))
    if tag is None:
        return None, PostList([], None), False
    stmt = select(Post).join(post_hashtags, post_hashtags.c.post_id == Post.id).where(
        post_hashtags.c.hashtag_id == tag.id, *readable(user))
    # Ordered by the link table's copy of created_at, so the walk stays on (hashtag, created_at).
    posts = page_of(user, stmt, cursor, limit, order=(post_hashtags.c.created_at, post_hashtags.c.post_id))
    following = is_following(user, "hashtag", tag.id)
    # A tag used only where the reader cannot read must look unused: its stored spelling would reveal it.
    return (tag if posts.posts or following else None), posts, following


def recent_by(user, person, limit: int = 3) -> PostList:
    """`person`'s latest readable posts, wherever they wrote them."""
    stmt = select(Post).where(Post.author_id == person.id, *readable(user))
    return page_of(user, stmt, None, limit)


@dataclass
class Thread:
    """A post's page: the post, its comments with their replies, reactions and who reacted."""

    post: Post
    comments: list[Comment]
    replies: dict[int, list[Comment]]
    reactions: Summary
    reactors: dict
    comment_reactors: dict = field(default_factory=dict)
    rights: dict = field(default_factory=dict)  # comment id -> what the reader may do on it


def thread(user, post: Post) -> Thread:
    """Everything the post page shows, in a fixed number of queries."""
    attach_walls(db.session.scalars(select(Post).where(Post.id == post.id).options(*post_options())).all())
    comments = list(db.session.scalars(select(Comment).where(Comment.post_id == post.id)
                                       .order_by(Comment.created_at, Comment.id)))
    top = [c for c in comments if c.parent_id is None]
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    for c in comments:
        set_committed_value(c, "post", post)  # known already: spares a lazy load per comment in policy checks
    summary = summarise(user, post_ids=[post.id], comment_ids=[c.id for c in comments])
    summary.extras = load_extras(user, [post])
    return Thread(post, top, replies, summary, reactors(post.id),
                  comment_reactors(c.id for c in comments if c.deleted_at is None),
                  comment_rights(user, post, comments))


def spaces_for(user) -> list[Space]:
    """Spaces `user` may post in, for the share form."""
    return [s for s in db.session.scalars(select(Space).where(Space.id.in_(readable_space_ids(user)))
                                          .order_by(Space.name)) if can(user, "post.create_on_space", s)]
