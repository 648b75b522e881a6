"""The home feed: one query picks every post that reaches the reader by any route, each once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, func, not_, or_, select, true, union
from sqlalchemy.dialects.postgresql import ARRAY

from agora.core.errors import ValidationError
from agora.core.pagination import after as after_cursor
from agora.core.pagination import decode_cursor
from agora.core.policy import space_access
from agora.extensions import db
from agora.follows.models import Follow
from agora.spaces.models import Space
from agora.spaces.services import readable_space_form, readable_space_sql
from agora.walls.kinds import load_extras
from agora.walls.models import Post, post_hashtags
from agora.walls.queries import MAX_PAGE_SIZE, PAGE_SIZE, PostList, attach_walls, page_of, post_options, readable
from agora.walls.reactions import summarise

MAX_PINNED = 5


# SQLite: past this, one branch per space would make the statement too long; an IN list does.
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


@dataclass(frozen=True)
class _Shape:
    """What a feed statement's SQL depends on; the values (ids, cursor) are bound at execution."""

    spaces_form: str        # readable_space_form: "every", "open" or "ids"
    people: bool            # follows anyone
    space_branches: int     # one branch per followed or member space; -1: one IN list
    hashtags: int           # one branch per followed hashtag
    lateral: bool           # PostgreSQL: spaces, then hashtags, in one LATERAL branch each (counts 0 or 1)
    bound: str | None       # None, "older" (a page's cursor) or "newer" (posts since a marker)
    limit: int | None       # rows per branch; None to count


def _shape_and_params(user, bound: str | None = None, values: tuple = (), limit: int | None = None):
    """The feed statement's shape for `user` and the parameters that fill it."""
    found = routes(user)
    form, readable_ids = readable_space_form(user)
    params = {"user_id": user.id, "readable_ids": sorted(readable_ids), "people": found.people}
    many = len(found.spaces) > MAX_SPACE_BRANCHES
    # PostgreSQL plans each branch of the union at every execution (its generic plan is worse):
    # a branch per space and hashtag cost more to plan than to run. One LATERAL walk over an
    # array of them runs the same index scans in a statement a third faster.
    lateral = db.session.get_bind().dialect.name == "postgresql"
    if many or lateral:
        params["spaces"] = found.spaces  # one IN list, or the array the LATERAL walk reads
    if lateral:
        spaces, hashtags = -1 if many else int(bool(found.spaces)), int(bool(found.hashtags))
        params["tags"] = found.hashtags
    else:
        spaces, hashtags = -1 if many else len(found.spaces), len(found.hashtags)
        if not many:
            params.update((f"space_{i}", space_id) for i, space_id in enumerate(found.spaces))
        params.update((f"tag_{i}", tag_id) for i, tag_id in enumerate(found.hashtags))
    if bound:
        params["bound_created"], params["bound_id"] = values
    return _Shape(form, bool(found.people), spaces, hashtags, lateral, bound, limit), params


def _bound(shape: _Shape, created_at, post_id) -> list:
    """The page's cursor conditions on the columns a branch's index orders by."""
    at, post = bindparam("bound_created"), bindparam("bound_id")
    if shape.bound == "older":
        return [after_cursor((created_at, post_id), (at, post), True)]
    if shape.bound == "newer":
        return [or_(created_at > at, and_(created_at == at, post_id > post))]
    return []


@lru_cache(maxsize=256)
def _union(shape: _Shape):
    """One SELECT per route, each walking an index in feed order and stopping at `limit` rows, in a UNION.

    Built once per shape and reused with new parameters: building this tree afresh cost more than
    running it (about 3.5 ms of a 20 ms feed page at full scale).
    """
    # One CTE for the readable-space list: every person and hashtag branch tests it, bound once.
    spaces = readable_space_sql(shape.spaces_form, bindparam("readable_ids", expanding=True)).cte("readable_spaces")
    readable_rows = [or_(Post.space_id.is_(None), Post.space_id.in_(select(spaces.c.id)))]
    shown = [Post.deleted_at.is_(None), not_(_pinned_announcement())]
    user_id = bindparam("user_id")
    conditions = [[Post.author_id == user_id, *readable_rows], [Post.wall_user_id == user_id, *readable_rows]]
    if shape.people:
        # One branch per column, not per person: a person's posts are few, sorting them is cheap.
        people = bindparam("people", expanding=True)
        conditions.append([Post.author_id.in_(people), *readable_rows])
        conditions.append([Post.wall_user_id.in_(people), *readable_rows])
    if shape.space_branches < 0:
        conditions.append([Post.space_id.in_(bindparam("spaces", expanding=True))])

    # Each branch yields (created_at, id), its index's own order: the page is then sorted from the
    # union alone, without looking every candidate up again by primary key (400 lookups a page).
    def posts_where(*condition):
        return select(Post.created_at, Post.id).where(*condition, *shown, *_bound(shape, Post.created_at, Post.id))

    # Space ids come readable already: no per-row permission test, and each branch stays on its index.
    def in_space(space_id):
        return posts_where(Post.space_id == space_id)

    def tagged(hashtag_id):
        # Walks (hashtag, created_at) in the link table, whose created_at copies the post's;
        # joining posts only for the rows it keeps.
        tags = post_hashtags.c
        return (select(tags.created_at, tags.post_id).join(Post, Post.id == tags.post_id)
                .where(tags.hashtag_id == hashtag_id, *readable_rows, *shown,
                       *_bound(shape, tags.created_at, tags.post_id)))

    branches = [_limited(posts_where(*condition), shape.limit) for condition in conditions]
    if shape.lateral:
        branches += [_each("spaces", in_space, shape.limit)] if shape.space_branches > 0 else []
        branches += [_each("tags", tagged, shape.limit)] if shape.hashtags else []
    else:
        branches += [_limited(in_space(bindparam(f"space_{i}")), shape.limit) for i in range(shape.space_branches)]
        branches += [_limited(tagged(bindparam(f"tag_{i}")), shape.limit) for i in range(shape.hashtags)]
    return union(*branches).subquery()


def _ordered(walk, limit: int | None):
    if limit is None:
        return walk
    return walk.order_by(*(column.desc() for column in walk.selected_columns)).limit(limit)


def _limited(branch, limit: int | None):
    if limit is None:
        return branch
    # Wrapped, because SQLite refuses ORDER BY/LIMIT on a bare member of a UNION.
    inner = _ordered(branch, limit).subquery()
    return select(*inner.c)


def _each(name: str, walk, limit: int | None):
    """PostgreSQL: `walk(id)` for every id of the array parameter `name`, as one LATERAL branch."""
    ids = func.unnest(bindparam(name, type_=ARRAY(Integer))).table_valued("id").render_derived(name=name)
    inner = _ordered(walk(ids.c.id), limit).lateral(f"{name}_walk")
    return select(*inner.c).select_from(ids).join(inner, true())


@lru_cache(maxsize=256)
def _page_ids(shape: _Shape):
    # Ids first, then the posts by primary key: joined with authors, SQLite would plan the merge worse.
    candidates = _union(shape)
    created_at, post_id = candidates.c
    return select(post_id).order_by(created_at.desc(), post_id.desc()).limit(shape.limit)


@lru_cache(maxsize=256)
def _count(shape: _Shape):
    return select(func.count()).select_from(_union(shape))


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

    shape, params = _shape_and_params(user, "older" if values else None, values or (), limit + 1)
    ids = list(db.session.scalars(_page_ids(shape), params))
    posts = page_of(user, select(Post).where(Post.id.in_(ids)), cursor, limit)
    pinned: list[Post] = []
    if not cursor:
        pinned = attach_walls(list(db.session.scalars(
            select(Post).where(*readable(user), _pinned_announcement()).options(*post_options())
            .order_by(Post.created_at.desc(), Post.id.desc()).limit(MAX_PINNED))))
        if pinned:
            more = summarise(user, post_ids=[p.id for p in pinned])
            posts.reactions.counts.update(more.counts)
            posts.reactions.mine.update(more.mine)
            posts.reactions.extras.update(load_extras(user, pinned))
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
    shape, params = _shape_and_params(user, "newer", decode_cursor(since, (datetime, int)))
    return db.session.scalar(_count(shape), params) or 0
