"""Reactions: like and a small fixed set, one of each kind per person and target."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from agora.accounts.models import User
from agora.core.errors import ValidationError
from agora.core.policy import require
from agora.core.transactions import transactional
from agora.extensions import db
from agora.notifications.services import notify
from agora.walls.models import REACTION_KINDS, Comment, Post, Reaction
from agora.walls.services import excerpt

LABELS = {
    "like": _l("Like"),
    "celebrate": _l("Celebrate"),
    "support": _l("Support"),
    "insightful": _l("Insightful"),
    "curious": _l("Curious"),
}
SYMBOLS = {"like": "👍", "celebrate": "🎉", "support": "🤝", "insightful": "💡", "curious": "🤔"}


def _check_kind(kind) -> str:
    if kind not in REACTION_KINDS:
        raise ValidationError("Unknown reaction.", {"kind": [f"One of: {', '.join(REACTION_KINDS)}."]})
    return kind


def _target(target) -> tuple[str, object, object]:
    if isinstance(target, Comment):
        return "comment", Reaction.comment_id, Comment
    return "post", Reaction.post_id, Post


@transactional
def set_reaction(user, target, kind: str, on: bool | None = None) -> bool:
    """Add (on=True), remove (on=False) or toggle (None) `user`'s reaction; returns whether it is now on."""
    kind = _check_kind(kind)
    target_type, column, model = _target(target)
    require(user, f"{target_type}.react", target)
    existing = db.session.scalar(select(Reaction.id).where(Reaction.user_id == user.id, column == target.id,
                                                           Reaction.kind == kind))
    want = (existing is None) if on is None else on
    if want and existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(Reaction(user_id=user.id, kind=kind, **{column.key: target.id}))
        except IntegrityError:
            # A double click raced us; the reaction is there, which is what was asked.
            return True
        db.session.execute(update(model).where(model.id == target.id)
                           .values(reaction_count=model.reaction_count + 1))
        url = f"/posts/{target.id}" if target_type == "post" else f"/posts/{target.post_id}#comment-{target.id}"
        notify(target.author_id, "reaction", actor_id=user.id, target_type=target_type, target_id=target.id,
               url=url, excerpt=excerpt(target.body_html, 120), group_key=f"reaction:{target_type}:{target.id}")
    elif not want and existing is not None:
        db.session.execute(delete(Reaction).where(Reaction.id == existing))
        db.session.execute(update(model).where(model.id == target.id, model.reaction_count > 0)
                           .values(reaction_count=model.reaction_count - 1))
    return want


class Summary:
    """Reaction counts per kind and the reader's own reactions, for a set of posts and comments."""

    def __init__(self):
        self.counts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
        self.mine: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.extras: dict[int, object] = {}  # post id -> its kind's row (walls.kinds), set by the page's query

    def extra(self, post_id: int):
        """The row the post's kind attaches (a question, a poll...), or None."""
        return self.extras.get(post_id)

    def for_post(self, post_id: int) -> tuple[dict[str, int], set[str]]:
        return self.counts.get(("post", post_id), {}), self.mine.get(("post", post_id), set())

    def for_comment(self, comment_id: int) -> tuple[dict[str, int], set[str]]:
        return self.counts.get(("comment", comment_id), {}), self.mine.get(("comment", comment_id), set())


def summarise(user, post_ids=(), comment_ids=()) -> Summary:
    """Counts per kind and the reader's own reactions, in at most one query."""
    summary = Summary()
    post_ids, comment_ids = list(post_ids), list(comment_ids)
    if not post_ids and not comment_ids:
        return summary
    mine = func.sum(case((Reaction.user_id == user.id, 1), else_=0))
    condition = db.or_(Reaction.post_id.in_(post_ids or [-1]), Reaction.comment_id.in_(comment_ids or [-1]))
    rows = db.session.execute(select(Reaction.post_id, Reaction.comment_id, Reaction.kind, func.count(), mine)
                              .where(condition).group_by(Reaction.post_id, Reaction.comment_id, Reaction.kind))
    for post_id, comment_id, kind, count, own in rows:
        key = ("post", post_id) if post_id is not None else ("comment", comment_id)
        summary.counts[key][kind] = count
        if own:
            summary.mine[key].add(kind)
    return summary


def reactors(post_id: int, limit: int = 200) -> dict[str, list[User]]:
    """Who reacted to a post, by kind (one query)."""
    found: dict[str, list[User]] = {}
    rows = db.session.execute(select(Reaction.kind, User).join(User, User.id == Reaction.user_id)
                              .where(Reaction.post_id == post_id).order_by(Reaction.id).limit(limit))
    for kind, person in rows:
        found.setdefault(kind, []).append(person)
    return found


def comment_reactors(comment_ids, limit: int = 50) -> dict[int, dict[str, list[User]]]:
    """Who reacted to each of these comments, by kind, at most `limit` people per comment and kind (two queries)."""
    comment_ids = list(comment_ids)
    found: dict[int, dict[str, list[User]]] = {}
    if not comment_ids:
        return found
    # A window keeps the list short on a very popular comment without one query per comment.
    rank = func.row_number().over(partition_by=(Reaction.comment_id, Reaction.kind), order_by=Reaction.id)
    ranked = (select(Reaction.id, Reaction.comment_id, Reaction.kind, Reaction.user_id, rank.label("rank"))
              .where(Reaction.comment_id.in_(comment_ids)).subquery())
    rows = db.session.execute(select(ranked.c.comment_id, ranked.c.kind, ranked.c.user_id)
                              .where(ranked.c.rank <= limit).order_by(ranked.c.id)).all()
    # The people apart, by primary key: joined to the window, PostgreSQL misjudges its rows (183 for
    # 13 on a post with 50 comments) and hashes the whole users table (1.1 ms against 0.1 ms).
    wanted = {user_id for _, _, user_id in rows}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))} if wanted else {}
    for comment_id, kind, user_id in rows:
        if user_id in people:
            found.setdefault(comment_id, {}).setdefault(kind, []).append(people[user_id])
    return found
