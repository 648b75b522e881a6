"""Reports: readers flag posts and comments, the keyword watch flags new ones, moderators review the queue."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from agora.core.errors import ValidationError
from agora.core.folding import fold
from agora.core.policy import can, is_hr, require, space_access
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.moderation.models import CATEGORIES, Appeal, Report
from agora.moderation.services import action_url, clean_text, content_url, get_content, space_id_of, type_of
from agora.notifications.services import notify
from agora.walls.models import Comment, Post

QUEUE_LIMIT = 200
TEXT_LENGTH = 2000


def category_labels() -> dict[str, str]:
    """The report categories with their labels in the reader's language."""
    return {"harassment": _("Harassment"), "confidential": _("Confidential information"), "spam": _("Spam"),
            "other": _("Other"), "keyword": _("Watched keyword")}


@transactional
def file_report(user, target_type: str, target_id, category, text) -> Report:
    """Report a post or comment the reader may read (not their own)."""
    content = get_content(user, target_type, target_id, "report")
    errors: dict[str, list[str]] = {}
    if category not in CATEGORIES:
        errors["category"] = [_("Choose one of: %(choices)s.", choices=", ".join(CATEGORIES))]
    try:
        text = clean_text(text, "text", required=True, limit=TEXT_LENGTH,
                          message=_("Say what is wrong, so moderators can judge."))
    except ValidationError as error:
        errors.update(error.field_errors)
    if errors:
        raise ValidationError(_("The report is incomplete."), errors)
    report = Report(target_type=target_type, target_id=content.id, space_id=space_id_of(content),
                    reporter_id=user.id, category=category, text=text)
    db.session.add(report)
    db.session.flush()
    return report


# --- keyword watch ----------------------------------------------------------------------------

def _patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for keyword in current_app.config["AGORA"]["moderation"]["watch_keywords"]:
        folded = " ".join(fold(keyword).split())
        if folded:
            # Whole words: no letter or digit may touch the term on either side.
            found.append((keyword, re.compile(r"(?<!\w)" + re.escape(folded).replace(r"\ ", r"\s+") + r"(?!\w)")))
    return found


def watched_terms(text: str) -> list[str]:
    """The watch-list terms found in `text`, compared without case or accents, as whole words."""
    folded = fold(text or "")
    return [keyword for keyword, pattern in _patterns() if pattern.search(folded)]


@transactional
def content_created(target_type: str, content) -> None:
    """The "content.created" hook: a new post or comment matching the watch list goes to the queue, still published."""
    terms = watched_terms(content.body_source)
    if not terms:
        return
    db.session.add(Report(target_type=target_type, target_id=content.id, space_id=space_id_of(content),
                          reporter_id=None, category="keyword", text=", ".join(terms)))


# --- the review queue --------------------------------------------------------------------------

def _reviewable(user):
    """SQL condition on Report for the reports `user` may act on (derived from SpaceAccess)."""
    access = space_access(user)
    if access.moderates_every:
        return True
    conditions = []
    if access.moderator_ids:
        conditions.append(Report.space_id.in_(sorted(access.moderator_ids)))
    if is_hr(user):
        conditions.append(Report.space_id.is_(None))
    return or_(*conditions) if conditions else false()


def open_count(user) -> int:
    """How many open reports `user` may act on: one query, cached for the request."""
    if not can(user, "moderation.queue"):
        return 0
    cache = g.setdefault("agora_open_reports", {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(select(func.count()).select_from(Report)
                                           .where(Report.status == "open", _reviewable(user))) or 0
    return cache[user.id]


@dataclass
class QueueItem:
    """Open reports about one post or comment."""

    target_type: str
    content: Post | Comment
    reports: list[Report] = field(default_factory=list)

    @property
    def url(self) -> str:
        post_id = self.content.post_id if self.target_type == "comment" else None
        return content_url(self.target_type, self.content.id, post_id)


def queue(user) -> list[QueueItem]:
    """Open reports `user` may act on, grouped by content, the most reported first (then the oldest)."""
    require(user, "moderation.queue")
    reports = list(db.session.scalars(
        select(Report).where(Report.status == "open", _reviewable(user))
        .options(selectinload(Report.reporter)).order_by(Report.created_at, Report.id).limit(QUEUE_LIMIT)))
    post_ids = {r.target_id for r in reports if r.target_type == "post"}
    comment_ids = {r.target_id for r in reports if r.target_type == "comment"}
    contents = {}
    if post_ids:
        contents.update({("post", p.id): p for p in db.session.scalars(
            select(Post).where(Post.id.in_(post_ids)).options(selectinload(Post.space)))})
    if comment_ids:
        contents.update({("comment", c.id): c for c in db.session.scalars(
            select(Comment).where(Comment.id.in_(comment_ids))
            .options(selectinload(Comment.post).selectinload(Post.space)))})
    items: dict[tuple[str, int], QueueItem] = {}
    for report in reports:
        key = (report.target_type, report.target_id)
        content = contents.get(key)
        if content is None or not can(user, f"{report.target_type}.moderate", content):
            continue
        items.setdefault(key, QueueItem(report.target_type, content)).reports.append(report)
    return sorted(items.values(), key=lambda i: (-len(i.reports), i.reports[0].created_at))


def open_reports(content) -> list[Report]:
    """The open reports about one post or comment, oldest first."""
    return list(db.session.scalars(select(Report).where(
        Report.target_type == type_of(content), Report.target_id == content.id, Report.status == "open")
        .options(selectinload(Report.reporter)).order_by(Report.created_at, Report.id)))


def close_reports(actor, reports: list[Report], status: str, action_id: int) -> None:
    """Mark reports handled or dismissed and tell their reporters (in the caller's transaction)."""
    now = utcnow()
    for report in reports:
        report.status, report.handled_by_id, report.handled_at = status, actor.id if actor else None, now
        if report.reporter_id is not None:
            notify(report.reporter_id, "report_outcome", actor_id=actor.id if actor else None,
                   target_type="moderation", target_id=action_id, url=action_url(action_id),
                   excerpt=_("Your report was handled.") if status == "handled"
                   else _("Your report was reviewed and dismissed."))
    g.pop("agora_open_reports", None)


def pending_appeals(user) -> list[Appeal]:
    """Pending appeals `user` should decide: those assigned to them, and unassigned ones they may decide."""
    from agora.moderation.models import ModerationAction

    rows = db.session.scalars(
        select(Appeal).where(Appeal.status == "pending",
                             or_(Appeal.assigned_to_id == user.id, Appeal.assigned_to_id.is_(None)))
        .options(selectinload(Appeal.action).selectinload(ModerationAction.space),
                 selectinload(Appeal.author)).order_by(Appeal.created_at, Appeal.id).limit(QUEUE_LIMIT))
    return [a for a in rows if can(user, "moderation.decide_appeal", a)]
