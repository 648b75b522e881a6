"""Moderation services shared by reports, actions and appeals: the content moderated, the ledger, notices."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from agora.core.errors import NotFound, ValidationError
from agora.core.pagination import Page, keyset
from agora.core.policy import can, require
from agora.extensions import db
from agora.moderation.models import Appeal, ModerationAction
from agora.walls.models import Comment, Post

TARGET_TYPES = ("post", "comment")
RULE_LENGTH = 40
REASON_LENGTH = 2000
LEDGER_PAGE = 30


def action_url(action_id: int) -> str:
    """A ledger line's page, where its subject appeals (built by hand: the CLI has no request)."""
    return f"/moderation/actions/{action_id}"


def content_url(target_type: str, target_id: int, post_id: int | None = None) -> str:
    """Where a post or comment is read."""
    if target_type == "comment":
        return f"/posts/{post_id}#comment-{target_id}"
    return f"/posts/{target_id}"


def load_content(target_type: str, target_id) -> Post | Comment | None:
    """The post or comment (with its post and space loaded), or None."""
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        return None
    if target_type == "post":
        return db.session.scalar(select(Post).where(Post.id == target_id).options(selectinload(Post.space)))
    if target_type == "comment":
        return db.session.scalar(select(Comment).where(Comment.id == target_id)
                                 .options(selectinload(Comment.post).selectinload(Post.space)))
    return None


def get_content(user, target_type: str, target_id, action: str = "view") -> Post | Comment:
    """The post or comment if `user` may read it (and do `action` on it), else NotFound/Forbidden."""
    if target_type not in TARGET_TYPES:
        raise NotFound()
    content = load_content(target_type, target_id)
    require(user, f"{target_type}.view", content)
    if target_type == "comment" and content.deleted_at is not None:
        raise NotFound()
    if action != "view":
        require(user, f"{target_type}.{action}", content)
    return content


def space_id_of(content) -> int | None:
    """The space a post or comment lives in; None on person walls."""
    return content.space_id if isinstance(content, Post) else content.post.space_id


def post_of(content) -> Post:
    return content if isinstance(content, Post) else content.post


def type_of(content) -> str:
    return "post" if isinstance(content, Post) else "comment"


def clean_text(value, field: str, *, required: bool, limit: int = REASON_LENGTH, message: str | None = None) -> str:
    """A trimmed free-text input, type- and length-checked."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(_("Must be text."), {field: [_("Must be text.")]})
    value = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if required and not value:
        message = message or _("This field is required.")
        raise ValidationError(message, {field: [message]})
    if len(value) > limit:
        message = _("At most %(count)s characters.", count=limit)
        raise ValidationError(message, {field: [message]})
    return value


def record(action: str, *, actor_id, target_type: str, target_id: int, subject_user_id, space_id,
           rule: str = "", reason: str = "", detail: dict | None = None, report_id=None, appeal_of_id=None,
           to_space_id=None) -> ModerationAction:
    """Add one ledger line to the current transaction (the only place ledger rows are written)."""
    line = ModerationAction(action=action, actor_id=actor_id, target_type=target_type, target_id=target_id,
                            subject_user_id=subject_user_id, space_id=space_id, to_space_id=to_space_id,
                            rule=(rule or "")[:RULE_LENGTH], reason=reason or "",
                            detail=json.dumps(detail, sort_keys=True) if detail else "",
                            report_id=report_id, appeal_of_id=appeal_of_id)
    db.session.add(line)
    db.session.flush()
    return line


def detail_of(line: ModerationAction) -> dict:
    """The extra facts of a ledger line (space moved from/to, suspension end)."""
    try:
        value = json.loads(line.detail) if line.detail else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def hidden_notice(hidden_at: datetime, reason: str) -> str:
    """The notice readers see in place of hidden content, in the current language."""
    from flask_babel import format_date

    return _("Hidden by moderation on %(date)s, reason: %(reason)s", date=format_date(hidden_at), reason=reason)


def rewrite_excerpts(content, *, hidden: bool) -> None:
    """Replace the excerpt of notifications about `content` by the hidden notice, or bring the text back."""
    from agora.accounts.models import User
    from agora.notifications.models import Notification
    from agora.walls.services import excerpt

    rows = list(db.session.execute(
        select(Notification, User.language).join(User, User.id == Notification.recipient_id)
        .where(Notification.target_type == type_of(content), Notification.target_id == content.id,
               Notification.kind.in_(("mention", "comment", "reply", "wall_post")))))
    default = current_app.config["AGORA"]["site"]["default_language"]
    for notification, language in rows:
        if hidden:
            with force_locale(language or default):
                notification.excerpt = hidden_notice(content.hidden_at, content.hidden_reason or "")[:280]
        else:
            notification.excerpt = excerpt(content.body_html, 280)


# --- the ledger, read side --------------------------------------------------------------------

@dataclass
class Line:
    """A ledger line ready to show: the action, a link to its content if the reader may follow it, its appeal."""

    action: ModerationAction
    url: str | None
    appeal: Appeal | None
    detail: dict


def _ledger_query():
    return select(ModerationAction).options(
        selectinload(ModerationAction.actor), selectinload(ModerationAction.subject),
        selectinload(ModerationAction.space), selectinload(ModerationAction.to_space))


def lines_for(user, actions: list[ModerationAction]) -> list[Line]:
    """Dress ledger rows for a reader in a fixed number of queries."""
    post_ids = {a.target_id for a in actions if a.target_type == "post"}
    comment_ids = {a.target_id for a in actions if a.target_type == "comment"}
    posts = {p.id: p for p in db.session.scalars(
        select(Post).where(Post.id.in_(post_ids)).options(selectinload(Post.space)))} if post_ids else {}
    comments = {c.id: c for c in db.session.scalars(
        select(Comment).where(Comment.id.in_(comment_ids))
        .options(selectinload(Comment.post).selectinload(Post.space)))} if comment_ids else {}
    ids = [a.id for a in actions] + [a.appeal_of_id for a in actions if a.appeal_of_id]
    appeals = {a.action_id: a for a in db.session.scalars(select(Appeal).where(Appeal.action_id.in_(ids)))} \
        if ids else {}
    lines = []
    for a in actions:
        url = None
        if a.target_type == "post" and can(user, "post.view", posts.get(a.target_id)):
            url = content_url("post", a.target_id)
        elif a.target_type == "comment":
            comment = comments.get(a.target_id)
            if comment is not None and comment.deleted_at is None and can(user, "comment.view", comment):
                url = content_url("comment", comment.id, comment.post_id)
        lines.append(Line(a, url, appeals.get(a.id), detail_of(a)))
    return lines


def space_log(user, space, cursor: str | None = None, limit: int = LEDGER_PAGE) -> tuple[list[Line], str | None]:
    """A space's ledger, newest first, for whoever may read the space (moves into it included)."""
    require(user, "space.view", space)
    stmt = _ledger_query().where(or_(ModerationAction.space_id == space.id,
                                     ModerationAction.to_space_id == space.id))
    return _page(user, stmt, cursor, limit)


def wall_log(user, cursor: str | None = None, limit: int = LEDGER_PAGE) -> tuple[list[Line], str | None]:
    """The ledger of actions outside spaces (person walls), newest first."""
    stmt = _ledger_query().where(ModerationAction.space_id.is_(None), ModerationAction.to_space_id.is_(None))
    return _page(user, stmt, cursor, limit)


def _page(user, stmt, cursor, limit) -> tuple[list[Line], str | None]:
    limit = max(1, min(int(limit or LEDGER_PAGE), 100))
    page: Page = keyset(stmt, (ModerationAction.created_at, ModerationAction.id), cursor, limit, (datetime, int))
    visible = [a for a in page.items if can(user, "moderation.ledger_view", a)]
    return lines_for(user, visible), page.next_cursor


def get_line(user, action_id) -> Line:
    """One ledger line if `user` may read it, else NotFound."""
    try:
        action_id = int(action_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    action = db.session.scalar(_ledger_query().where(ModerationAction.id == action_id))
    require_line(user, action)
    return lines_for(user, [action])[0]


def require_line(user, action) -> None:
    """NotFound unless `user` may read this ledger line (its existence must not leak)."""
    if not can(user, "moderation.ledger_view", action):
        raise NotFound()


def actions_on(user, content) -> list[Line]:
    """Every ledger line about one post or comment, oldest first (its moderation page)."""
    actions = list(db.session.scalars(_ledger_query().where(
        ModerationAction.target_type == type_of(content), ModerationAction.target_id == content.id)
        .order_by(ModerationAction.created_at, ModerationAction.id)))
    return lines_for(user, [a for a in actions if can(user, "moderation.ledger_view", a)])


def line_json(line: Line) -> dict:
    """A ledger line as the API shows it."""
    a = line.action

    def who(user):
        return {"handle": user.handle, "name": user.name} if user is not None else None

    appeal = line.appeal
    return {
        "id": a.id,
        "action": a.action,
        "created_at": a.created_at.isoformat() + "Z",
        "actor": who(a.actor),
        "subject": who(a.subject),
        "target": {"type": a.target_type, "id": a.target_id, "url": line.url},
        "space": a.space.slug if a.space is not None else None,
        "to_space": a.to_space.slug if a.to_space is not None else None,
        "rule": a.rule,
        "reason": a.reason,
        "detail": line.detail,
        "report_id": a.report_id,
        "appeal_of_id": a.appeal_of_id,
        "appeal": None if appeal is None else {"id": appeal.id, "status": appeal.status,
                                               "decision_reason": appeal.decision_reason or None},
    }
