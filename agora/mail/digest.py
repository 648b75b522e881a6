"""The digest: what waits for the reader, then the most discussed posts of their spaces and follows, only when
there is something, at the hour they chose in their time zone.

A scan every 15 minutes queues one keyed job per person whose hour it is (the key holds their local date,
or week, so a repeated scan queues nothing twice) with the period it covers, from the previous slot to this
one; the job builds the content at send time, through the permission policy, and skips people who visited
within the interval when they asked for that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, case, exists, func, or_, select

from agora.core.policy import can
from agora.core.sanitiser import plain_text
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.jobs.services import TargetGone, enqueue
from agora.mail import compose
from agora.mail.delivery import deliver
from agora.notifications import services as notifications

INTERVALS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A digest sent at 08:00:40 must not make the next day's 08:00:10 scan think one was sent "within a day".
SLACK = timedelta(hours=1)
WAITING_KINDS = ("mention", "reply")  # what waits on the reader's answer comes first
WAITING_DAYS = 30
RECENT_POSTS = timedelta(days=7)  # the discussed posts are among those published up to a week before `since`
WAITING_LIMIT, DISCUSSED_LIMIT, SHORT_LIMIT = 10, 5, 2


@dataclass
class Digest:
    """What one person's digest holds; empty means nothing is sent."""

    waiting: list = field(default_factory=list)    # (notification, sentence)
    discussed: list = field(default_factory=list)  # (post, new comments, excerpt)
    short: bool = False

    @property
    def empty(self) -> bool:
        return not self.waiting and not self.discussed


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or current_app.config["AGORA"]["site"]["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(current_app.config["AGORA"]["site"]["timezone"])


@transactional
def scan(now: datetime | None = None) -> int:
    """Queue the digest of everyone whose chosen hour it is now in their time zone; returns how many."""
    from agora.accounts.models import User
    from agora.notifications.models import EmailSettings

    now = now or utcnow()
    rows = db.session.execute(
        select(User.id, EmailSettings).outerjoin(EmailSettings, EmailSettings.user_id == User.id)
        .where(User.active.is_(True))
    ).all()
    queued = 0
    for user_id, settings in rows:
        settings = settings or notifications.email_settings(user_id)
        if settings.digest_frequency not in INTERVALS or settings.failing_since is not None:
            continue
        local = now.replace(tzinfo=UTC).astimezone(_zone(settings.timezone))
        if local.hour != settings.digest_hour:
            continue
        if settings.digest_frequency == "weekly":
            if local.weekday() != 0:  # Mondays
                continue
            year, week, _day = local.isocalendar()
            period = f"{year}-W{week:02d}"
        else:
            period = local.date().isoformat()
        since, until = slot_window(local, settings.digest_frequency)
        enqueue("mail.digest", key=f"mail.digest:{user_id}:{period}", user_id=user_id,
                since=since.isoformat(), until=until.isoformat())
        queued += 1
    return queued


def slot_window(local: datetime, frequency: str) -> tuple[datetime, datetime]:
    """The naive-UTC period a digest due at `local` (aware) covers: from the previous slot to this hour's."""
    zone = local.tzinfo
    slot = local.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    # Subtracted in local wall-clock time, so a daylight-saving change neither drops nor repeats an hour's posts.
    previous = slot - INTERVALS[frequency]
    return (previous.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None),
            slot.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None))


@dataclass
class Activity:
    """A period's discussed posts, most comments first, with what decides who reads them."""

    ranked: list  # (comments in the period, post id, space id, author id)
    tags: dict    # post id -> its hashtag ids


def _activity(since: datetime, until: datetime) -> Activity:
    """The recent posts commented in [since, until), counted once per worker process for everyone of that slot."""
    from agora.walls.models import Comment, Post, post_hashtags

    # Everyone whose digest falls in the same hour shares the period, and a past period's counts do not
    # change (but for deletions and moderation, which the job re-checks on each post it shows). Finding
    # each person's discussed posts with SQL cost 36-49 ms per digest at full scale, most of its build;
    # this pass takes 0.2 s once, then each person's scope is a few set lookups per post.
    cache = current_app.extensions.setdefault("digest_activity", {})
    key = (since, until)
    if key not in cache:
        recent = since - RECENT_POSTS
        rows = db.session.execute(
            select(func.count(Comment.id), Post.id, Post.space_id, Post.author_id)
            .join(Comment, Comment.post_id == Post.id)
            .where(Post.created_at >= recent, Post.deleted_at.is_(None), Post.hidden_at.is_(None),
                   Comment.created_at >= since, Comment.created_at < until, Comment.deleted_at.is_(None))
            .group_by(Post.id, Post.space_id, Post.author_id)).all()
        ranked = sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[1]), reverse=True)
        wanted, tags = {r[1] for r in ranked}, {}
        for post_id, tag_id in db.session.execute(
                select(post_hashtags.c.post_id, post_hashtags.c.hashtag_id).where(post_hashtags.c.created_at >= recent)):
            if post_id in wanted:
                tags.setdefault(post_id, set()).add(tag_id)
        while len(cache) >= 4:  # a worker serves a few slots at a time at most
            cache.pop(next(iter(cache)))
        cache[key] = Activity(ranked, tags)
    return cache[key]


def last_seen(user_id: int) -> datetime | None:
    """When the person last used the site (their most recent session)."""
    from agora.accounts.models import UserSession

    return db.session.scalar(select(func.max(UserSession.last_seen_at)).where(UserSession.user_id == user_id))


def build(user, now: datetime | None = None, short: bool = False,
          window: tuple[datetime, datetime] | None = None) -> Digest:
    """The digest `user` would receive now (or for the scan's `window`): what they may see, nothing already read."""
    now = now or utcnow()
    settings = notifications.email_settings(user.id)
    interval = INTERVALS.get(settings.digest_frequency, INTERVALS["daily"])
    since = settings.last_digest_at or now - interval
    activity = None
    if window is not None:
        # The slot's period, shared with everyone of that hour; a later last digest (the hour was changed
        # since) starts this one where that one ended, counted for this person alone.
        if settings.last_digest_at is None or settings.last_digest_at <= window[0]:
            since, activity = window[0], _activity(*window)
        else:
            since = max(since, window[0])
    digest = Digest(short=short)
    digest.waiting = _waiting(user, since, now)
    seen_posts = _posts_of(n for n, _ in digest.waiting)
    digest.discussed = _discussed(user, since, seen_posts, SHORT_LIMIT if short else DISCUSSED_LIMIT, activity)
    return digest


def _waiting(user, since: datetime, now: datetime) -> list:
    from agora.notifications.models import Notification
    from agora.notifications.phrases import describe

    wanted = [kind for kind in notifications.EMAIL_DEFAULTS if notifications.email_mode(user.id, kind) != "never"]
    if not wanted:
        return []
    first = case((Notification.kind.in_(WAITING_KINDS), 0), else_=1)
    rows = db.session.scalars(
        select(Notification).where(
            Notification.recipient_id == user.id, Notification.read_at.is_(None), Notification.kind.in_(wanted),
            # Unanswered mentions and replies keep waiting for a month; the rest appears once.
            or_(and_(Notification.kind.in_(WAITING_KINDS), Notification.updated_at >= now - timedelta(days=WAITING_DAYS)),
                Notification.updated_at >= since))
        .order_by(first, Notification.updated_at.desc(), Notification.id.desc()).limit(WAITING_LIMIT * 2)
    ).all()
    return [(n, describe(n)) for n in notifications.visible_to(user, rows)[:WAITING_LIMIT]]


def _posts_of(items) -> set[int]:
    from agora.walls.models import Comment

    posts = set()
    comment_ids = set()
    for n in items:
        if n.target_type == "post":
            posts.add(n.target_id)
        elif n.target_type == "comment":
            comment_ids.add(n.target_id)
    if comment_ids:
        posts |= set(db.session.scalars(select(Comment.post_id).where(Comment.id.in_(comment_ids))))
    return posts


def _discussed(user, since: datetime, skip: set[int], limit: int, activity: Activity | None = None) -> list:
    rows = _ranked(user, since, limit) if activity is None else _ranked_in(user, activity, skip, limit)
    found = []
    for post, count in rows:
        if post.id in skip or not can(user, "post.view", post):
            continue
        text = " ".join(plain_text(post.body_html).split())
        found.append((post, count, text if len(text) <= 200 else text[:199].rstrip() + "…"))
        if len(found) == limit:
            break
    return found


def _ranked_in(user, activity: Activity, skip: set[int], limit: int) -> list:
    """(post, comments) of the period's posts in the reader's scope that they have not answered, most first."""
    from agora.follows.models import Follow
    from agora.spaces.models import Membership
    from agora.walls.models import Comment, Post, Reaction

    follows = {"space": set(), "person": set(), "hashtag": set()}
    for kind, target in db.session.execute(select(Follow.target_type, Follow.target_id)
                                           .where(Follow.user_id == user.id)):
        follows.setdefault(kind, set()).add(target)
    spaces = follows["space"] | set(db.session.scalars(select(Membership.space_id)
                                                       .where(Membership.user_id == user.id)))
    people, tags = follows["person"], follows["hashtag"]
    candidates = [(n, post_id) for n, post_id, space_id, author_id in activity.ranked
                  if author_id != user.id and post_id not in skip
                  and (space_id in spaces or author_id in people or (tags and tags & activity.tags.get(post_id, set())))]
    rows = []
    for start in range(0, len(candidates), limit * 3):
        chunk = candidates[start:start + limit * 3]
        ids = [post_id for _n, post_id in chunk]
        # Posts the reader commented on or reacted to are read already.
        answered = set(db.session.scalars(select(Comment.post_id).where(Comment.author_id == user.id,
                                                                        Comment.post_id.in_(ids))))
        answered |= set(db.session.scalars(select(Reaction.post_id).where(Reaction.user_id == user.id,
                                                                          Reaction.post_id.in_(ids))))
        ids = [i for i in ids if i not in answered]
        posts = {p.id: p for p in db.session.scalars(select(Post).where(
            Post.id.in_(ids), Post.deleted_at.is_(None), Post.hidden_at.is_(None)))} if ids else {}
        rows += [(posts[post_id], n) for n, post_id in chunk if post_id in posts]
        if len(rows) >= limit * 3:
            break
    return rows


def _ranked(user, since: datetime, limit: int) -> list:
    """(post, comments since `since`) of the reader's scope that they have not answered, most first, in SQL."""
    from agora.follows.models import Follow
    from agora.spaces.models import Membership
    from agora.walls.models import Comment, Post, Reaction, post_hashtags

    def followed(kind):
        return select(Follow.target_id).where(Follow.user_id == user.id, Follow.target_type == kind)

    # Driven from the reader's scope (their spaces' and follows' posts of the week before `since` and after),
    # each one's new comments counted on its (post_id, created_at) index. Counting every comment since `since`
    # first and joining the scope after cost 162-175 ms per digest at full scale (114,000 comments in the
    # day); this 36-49 ms, with the same posts but for a few older than that week.
    fresh = (select(func.count()).select_from(Comment)
             .where(Comment.post_id == Post.id, Comment.created_at >= since, Comment.deleted_at.is_(None))
             .correlate(Post).scalar_subquery())
    answered = (exists().where(Comment.post_id == Post.id, Comment.author_id == user.id)
                | exists().where(Reaction.post_id == Post.id, Reaction.user_id == user.id))
    scoped = select(Post.id.label("id"), fresh.label("n")).where(
        Post.created_at >= since - RECENT_POSTS, Post.deleted_at.is_(None), Post.hidden_at.is_(None),
        Post.author_id != user.id,
        or_(Post.space_id.in_(select(Membership.space_id).where(Membership.user_id == user.id)),
            Post.space_id.in_(followed("space")), Post.author_id.in_(followed("person")),
            Post.id.in_(select(post_hashtags.c.post_id).where(post_hashtags.c.hashtag_id.in_(followed("hashtag"))))),
        # Posts the reader commented on or reacted to are read already.
        ~answered).subquery()
    return db.session.execute(
        select(Post, scoped.c.n).join(scoped, scoped.c.id == Post.id).where(scoped.c.n > 0)
        .order_by(scoped.c.n.desc(), Post.id.desc()).limit(limit * 3)
    ).all()


@transactional
def send_digest(user_id: int, since: str | None = None, until: str | None = None) -> None:
    """The job: build and send one person's digest, or end quietly when there is nothing or they visited."""
    from agora.accounts.models import User

    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise TargetGone("the person is no longer active")
    settings = notifications.email_settings(user.id)
    interval = INTERVALS.get(settings.digest_frequency)
    if interval is None:
        raise TargetGone("the person no longer wants a digest")
    now = utcnow()
    recent = now - interval + SLACK
    visited = (last_seen(user.id) or datetime.min) > recent or (settings.last_emailed_at or datetime.min) > recent
    if visited and settings.skip_if_visited:
        raise TargetGone("visited or emailed within the interval (skip if visited)")
    window = (datetime.fromisoformat(since), datetime.fromisoformat(until)) if since and until else None
    with force_locale(compose.language_of(user)):
        digest = build(user, now, short=visited, window=window)
    if digest.empty:
        raise TargetGone("nothing new for this person")
    deliver(user, compose.build(user, "digest", "digest", digest=digest, link=compose.site_url,
                                frequency=settings.digest_frequency))
    settings = notifications.email_settings(user.id, create=True)
    settings.last_digest_at = window[1] if window else now
