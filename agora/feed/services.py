"""The home feed: one query picks every post that reaches the reader by any route, each once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, not_, or_, select, union

from agora.core.errors import ValidationError
from agora.core.pagination import after as after_cursor, decode_cursor
from agora.core.policy import space_access
from agora.extensions import db
from agora.follows.models import Follow
from agora.spaces.models import Space
from agora.spaces.services import readable_space_ids
from agora.walls.models import Post, post_hashtags
from agora.walls.queries import MAX_PAGE_SIZE, PAGE_SIZE, PostList, attach_walls, page_of, post_options, readable
from agora.walls.reactions import summarise

MAX_PINNED = 5


# Past this, one branch per space would make the statement too long; an IN list does.
MAX_SPACE_BRANCHES = 120


def _pinned_announcement():
    return and_(Post.kind == "announcement", Post.pinned.is_(True))


@dataclass
class Routes:
    """Why posts reach a reader: their own posts and wall, followed people, spaces and hashtags."""

    people: list[int]
    spaces: list[int]       # followed or member spaces the reader may read
    hashtags: list[int]


def routes(user) -> Routes:
    """The reader's routes, in one query (follows, with the visibility of followed spaces)."""
    followed: dict[str, set[int]] = {"person": set(), "space": set(), "hashtag": set()}
    access = space_access(user)
    spaces = set(access.member_ids)
    for target_type, target_id, space in db.session.execute(
            select(Follow.target_type, Follow.target_id, Space)
            .outerjoin(Space, and_(Follow.target_type == "space", Space.id == Follow.target_id))
            .where(Follow.user_id == user.id)):
        if target_type != "space":
            followed.setdefault(target_type, set()).add(target_id)
        # Following a closed space one has left gives nothing: the policy's own test decides.
        elif space is not None and access.reads(space):
            spaces.add(target_id)
    return Routes(sorted(followed["person"] - {user.id}), sorted(spaces), sorted(followed["hashtag"]))


def _branches(user, found: Routes, bound, limit: int | None) -> list:
    """One SELECT per route, each walking an index in feed order and stopping at `limit` rows.

    `bound(created_at, id)` gives the page's cursor conditions on the columns a branch's index orders by.
    """
    # One CTE for the readable-space list: every person and hashtag branch tests it, bound once.
    spaces = readable_space_ids(user).cte("readable_spaces")
    readable_rows = [or_(Post.space_id.is_(None), Post.space_id.in_(select(spaces.c.id)))]
    shown = [Post.deleted_at.is_(None), not_(_pinned_announcement())]
    conditions = [[Post.author_id == user.id, *readable_rows], [Post.wall_user_id == user.id, *readable_rows]]
    if found.people:
        # One branch per column, not per person: a person's posts are few, sorting them is cheap.
        conditions.append([Post.author_id.in_(found.people), *readable_rows])
        conditions.append([Post.wall_user_id.in_(found.people), *readable_rows])
    # Space ids come readable already: no per-row permission test, and each branch stays on its index.
    if len(found.spaces) <= MAX_SPACE_BRANCHES:
        conditions += [[Post.space_id == space_id] for space_id in found.spaces]
    elif found.spaces:
        conditions.append([Post.space_id.in_(found.spaces)])
    branches = [_limited(select(Post.id).where(*condition, *shown, *bound(Post.created_at, Post.id)),
                         (Post.created_at, Post.id), limit) for condition in conditions]
    tags = post_hashtags.c
    for hashtag_id in found.hashtags:
        # Walks (hashtag, created_at) in the link table; joining posts only for the rows it keeps.
        branch = (select(tags.post_id).join(Post, Post.id == tags.post_id)
                  .where(tags.hashtag_id == hashtag_id, *readable_rows, *shown, *bound(tags.created_at, tags.post_id)))
        branches.append(_limited(branch, (tags.created_at, tags.post_id), limit))
    return branches


def _limited(branch, order: tuple, limit: int | None):
    if limit is None:
        return branch
    # Wrapped, because SQLite refuses ORDER BY/LIMIT on a bare member of a UNION.
    inner = branch.order_by(*(column.desc() for column in order)).limit(limit).subquery()
    return select(inner.c[0])


def feed_query(user, bound=lambda created_at, post_id: [], limit: int | None = None):
    """Readable posts reaching `user`, pinned announcements excepted (they head the first page).

    A UNION of per-route branches, each limited to `limit` rows within `bound` (the page's cursor):
    merging a few short index walks replaces sorting every post of every followed space.
    """
    ids = union(*_branches(user, routes(user), bound, limit)).subquery()
    return select(Post).where(Post.id.in_(select(ids.c[0])))


@dataclass
class Feed:
    """One page of the home feed."""

    posts: PostList
    pinned: list[Post] = field(default_factory=list)
    new_count: int = 0
    since: str | None = None  # marker of the newest post shown, for "N new posts"


def home_feed(user, cursor: str | None = None, limit: int = PAGE_SIZE, since: str | None = None) -> Feed:
    """The reader's feed page; the first page starts with pinned announcements."""
    limit = max(1, min(int(limit or PAGE_SIZE), MAX_PAGE_SIZE))
    values = decode_cursor(cursor, (datetime, int)) if cursor else None

    def bound(created_at, post_id):
        return [after_cursor((created_at, post_id), values, True)] if values else []

    # Ids first, then the posts by primary key: joined with authors, SQLite would plan the merge worse.
    ids = feed_query(user, bound, limit + 1).with_only_columns(Post.id).order_by(
        Post.created_at.desc(), Post.id.desc()).limit(limit + 1)
    posts = page_of(user, select(Post).where(Post.id.in_(list(db.session.scalars(ids)))), cursor, limit)
    pinned: list[Post] = []
    if not cursor:
        pinned = attach_walls(list(db.session.scalars(
            select(Post).where(*readable(user), _pinned_announcement()).options(*post_options())
            .order_by(Post.created_at.desc(), Post.id.desc()).limit(MAX_PINNED))))
        if pinned:
            more = summarise(user, post_ids=[p.id for p in pinned])
            posts.reactions.counts.update(more.counts)
            posts.reactions.mine.update(more.mine)
    feed = Feed(posts, pinned, since=marker(posts.posts[0]) if posts.posts else None)
    if since:
        feed.new_count = count_newer(user, since)
    return feed


def marker(post: Post) -> str:
    """An opaque "since" marker for the newest post shown."""
    from agora.core.pagination import encode_cursor

    return encode_cursor((post.created_at, post.id))


def count_newer(user, since: str) -> int:
    """How many feed posts are newer than the `since` marker (made by `marker`)."""
    if not isinstance(since, str) or len(since) > 200:
        raise ValidationError("invalid marker", {"since": ["This link is no longer valid."]})
    created_at, post_id = decode_cursor(since, (datetime, int))

    def newer(created_column, id_column):
        return [or_(created_column > created_at, and_(created_column == created_at, id_column > post_id))]

    return db.session.scalar(select(func.count()).select_from(feed_query(user, newer).subquery())) or 0
