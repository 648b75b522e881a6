"""The home feed: one query picks every post that reaches the reader by any route, each once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, not_, or_, select

from agora.core.errors import ValidationError
from agora.core.pagination import decode_cursor
from agora.extensions import db
from agora.follows.models import Follow
from agora.spaces.services import member_space_ids
from agora.walls.models import Post, post_hashtags
from agora.walls.queries import PAGE_SIZE, PostList, page_of, post_options, readable
from agora.walls.reactions import summarise

MAX_PINNED = 5


def _followed(user, target_type: str):
    return select(Follow.target_id).where(Follow.user_id == user.id, Follow.target_type == target_type)


def _pinned_announcement():
    return and_(Post.kind == "announcement", Post.pinned.is_(True))


def routes(user):
    """Why a post reaches `user`: any one route is enough (an OR inside one query, so no duplicates)."""
    followed_people = _followed(user, "person")
    tagged = exists().where(post_hashtags.c.post_id == Post.id,
                            post_hashtags.c.hashtag_id.in_(_followed(user, "hashtag")))
    return or_(
        Post.author_id == user.id,
        Post.wall_user_id == user.id,
        Post.author_id.in_(followed_people),
        Post.wall_user_id.in_(followed_people),
        Post.space_id.in_(_followed(user, "space")),
        Post.space_id.in_(member_space_ids(user)),
        tagged,
    )


def feed_query(user):
    """Readable posts reaching `user`, pinned announcements excepted (they head the first page)."""
    return select(Post).where(*readable(user), routes(user), not_(_pinned_announcement()))


@dataclass
class Feed:
    """One page of the home feed."""

    posts: PostList
    pinned: list[Post] = field(default_factory=list)
    new_count: int = 0
    since: str | None = None  # marker of the newest post shown, for "N new posts"


def home_feed(user, cursor: str | None = None, limit: int = PAGE_SIZE, since: str | None = None) -> Feed:
    """The reader's feed page; the first page starts with pinned announcements."""
    posts = page_of(user, feed_query(user), cursor, limit)
    pinned: list[Post] = []
    if not cursor:
        pinned = list(db.session.scalars(select(Post).where(*readable(user), _pinned_announcement())
                                         .options(*post_options())
                                         .order_by(Post.created_at.desc(), Post.id.desc()).limit(MAX_PINNED)))
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
    newer = or_(Post.created_at > created_at, and_(Post.created_at == created_at, Post.id > post_id))
    return db.session.scalar(select(func.count()).select_from(
        feed_query(user).where(newer).subquery())) or 0
