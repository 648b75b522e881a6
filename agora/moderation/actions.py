"""Moderator actions on posts and comments, each written to the ledger and told to the author; erasure for legal cases."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from agora.core.errors import Conflict, NotFound, ValidationError
from agora.core.policy import can
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.moderation.models import ModerationAction, Report
from agora.moderation.reports import close_reports, open_reports
from agora.moderation.services import (
    RULE_LENGTH,
    action_url,
    clean_text,
    get_content,
    load_content,
    post_of,
    record,
    rewrite_excerpts,
    space_id_of,
    type_of,
)
from agora.notifications.services import notify
from agora.spaces.models import Space, Suspension
from agora.walls.models import Comment, EditHistory, Mention, Post, post_attachments, post_hashtags

# What moderators may do to each kind of content. There is no delete: erasure is an admin command.
POST_ACTIONS = ("hide", "restore", "lock", "unlock", "pin", "unpin", "move", "warn", "suspend", "dismiss")
COMMENT_ACTIONS = ("hide", "restore", "warn", "suspend", "dismiss")
ACTIONS = {"post": POST_ACTIONS, "comment": COMMENT_ACTIONS}
# Actions against the author: they need a reason, close the open reports, and may be appealed.
ADVERSE = ("hide", "lock", "move", "warn", "suspend")
APPEALABLE = ADVERSE

LABELS = {
    "hide": _l("Hidden"), "restore": _l("Restored"), "lock": _l("Comments locked"),
    "unlock": _l("Comments unlocked"), "pin": _l("Pinned"), "unpin": _l("Unpinned"), "move": _l("Moved"),
    "warn": _l("Author warned"), "suspend": _l("Author suspended"), "dismiss": _l("Reports dismissed"),
    "erase": _l("Erased"), "appeal_granted": _l("Appeal granted"), "appeal_refused": _l("Appeal refused"),
}


def label(action: str) -> str:
    """The ledger's word for an action, in the reader's language."""
    return str(LABELS.get(action, action))


def _days(value) -> int:
    limit = current_app.config["AGORA"]["moderation"]["max_suspension_days"]
    try:
        days = int(value) if not isinstance(value, bool) and value not in (None, "") else None
    except (TypeError, ValueError):
        days = None
    if days is None or not 1 <= days <= limit:
        message = _("A number of days from 1 to %(max)s.", max=limit)
        raise ValidationError(message, {"days": [message]})
    return days


def _destination(user, post: Post, slug) -> Space:
    if post.space_id is None:
        message = _("Only posts in a space can be moved.")
        raise ValidationError(message, {"space": [message]})
    if not isinstance(slug, str) or not slug.strip():
        message = _("Choose the space to move the post to.")
        raise ValidationError(message, {"space": [message]})
    space = db.session.scalar(select(Space).where(Space.slug == slug.strip()))
    if space is None or not can(user, "space.see", space):
        message = _("No such space.")
        raise ValidationError(message, {"space": [message]})
    if space.id == post.space_id:
        message = _("The post is already in this space.")
        raise ValidationError(message, {"space": [message]})
    if not can(user, "space.moderate", space):
        message = _("You can only move posts to a space you moderate.")
        raise ValidationError(message, {"space": [message]})
    return space


def _is_erased(content) -> bool:
    return db.session.scalar(select(ModerationAction.id).where(
        ModerationAction.action == "erase", ModerationAction.target_type == type_of(content),
        ModerationAction.target_id == content.id).limit(1)) is not None


def _check_state(action: str, content) -> None:
    post = content if isinstance(content, Post) else None
    refused = {
        "hide": content.hidden_at is not None and _("This is already hidden."),
        "restore": content.hidden_at is None and _("This is not hidden."),
        "lock": post is not None and post.comments_locked and _("Comments are already locked."),
        "unlock": post is not None and not post.comments_locked and _("Comments are not locked."),
        "pin": post is not None and post.pinned and _("This post is already pinned."),
        "unpin": post is not None and not post.pinned and _("This post is not pinned."),
    }.get(action)
    if refused:
        raise Conflict(refused, {"action": [refused]})
    if action == "restore" and _is_erased(content):
        message = _("Erased content cannot be restored.")
        raise Conflict(message, {"action": [message]})


def set_hidden(content, hidden: bool, reason: str = "") -> None:
    """Hide or show a post or comment, and the excerpts of notifications about it (no commit)."""
    content.hidden_at = utcnow() if hidden else None
    content.hidden_reason = reason[:500] if hidden else None
    rewrite_excerpts(content, hidden=hidden)


def move_post(post: Post, space_id: int) -> None:
    """Move a post (its comments follow) and its open reports to another space (no commit)."""
    post.space_id = space_id
    db.session.execute(update(Report).where(Report.target_type == "post", Report.target_id == post.id,
                                            Report.status == "open").values(space_id=space_id))
    comment_ids = select(Comment.id).where(Comment.post_id == post.id)
    db.session.execute(update(Report).where(Report.target_type == "comment", Report.target_id.in_(comment_ids),
                                            Report.status == "open").values(space_id=space_id))


@transactional
def act(user, target_type: str, target_id, action: str, *, reason=None, rule=None, days=None, space=None):
    """Take one moderator action on a post or comment: one ledger line, the author told, reports closed."""
    if target_type not in ACTIONS:
        raise NotFound()
    content = get_content(user, target_type, target_id, "moderate")
    if action not in ACTIONS[target_type]:
        message = _("Unknown action.")
        raise ValidationError(message, {"action": [message]})
    errors: dict[str, list[str]] = {}
    try:
        reason = clean_text(reason, "reason", required=action in ADVERSE,
                            message=_("Give the reason: the author and the ledger's readers will see it."))
    except ValidationError as error:
        errors.update(error.field_errors)
    try:
        rule = clean_text(rule, "rule", required=False, limit=RULE_LENGTH)
    except ValidationError as error:
        errors.update(error.field_errors)
    post, space_id = post_of(content), space_id_of(content)
    detail: dict = {}
    destination = None
    try:
        if action == "suspend":
            if space_id is None:
                message = _("Suspensions apply to a space; this is on a person's wall.")
                raise ValidationError(message, {"action": [message]})
            days = _days(days)
        if action == "move":
            destination = _destination(user, post, space)
    except ValidationError as error:
        errors.update(error.field_errors)
    if errors:
        raise ValidationError(_("Please correct the errors below."), errors)
    _check_state(action, content)
    reports = open_reports(content)
    if action == "dismiss" and not reports:
        message = _("There is no open report to dismiss.")
        raise Conflict(message, {"action": [message]})
    rule = rule or (reports[0].category if reports else "")

    author_id = content.author_id
    if action == "hide":
        set_hidden(content, True, reason)
    elif action == "restore":
        set_hidden(content, False)
    elif action in ("lock", "unlock"):
        post.comments_locked = action == "lock"
    elif action in ("pin", "unpin"):
        post.pinned = action == "pin"
    elif action == "move":
        detail = {"from": post.space.slug, "to": destination.slug}
        move_post(post, destination.id)
    elif action == "suspend":
        until = utcnow() + timedelta(days=days)
        suspension = Suspension(space_id=space_id, user_id=author_id, until=until, reason=reason)
        db.session.add(suspension)
        db.session.flush()
        detail = {"days": days, "until": until.isoformat() + "Z", "suspension_id": suspension.id}
    line = record(action, actor_id=user.id, target_type=target_type, target_id=content.id,
                  subject_user_id=author_id, space_id=space_id, rule=rule, reason=reason, detail=detail,
                  report_id=reports[0].id if reports and (action == "dismiss" or action in ADVERSE) else None,
                  to_space_id=destination.id if destination is not None else None)
    if action == "dismiss":
        close_reports(user, reports, "dismissed", line.id)
    elif action in ADVERSE:
        close_reports(user, reports, "handled", line.id)
    if action != "dismiss":
        notify(author_id, "moderation", actor_id=user.id, target_type="moderation", target_id=line.id,
               url=action_url(line.id), excerpt=f"{label(action)}: {reason}" if reason else label(action))
    return line


@transactional
def erase(target_type: str, target_id, reason) -> ModerationAction:
    """Permanently remove a post's or comment's text and files for a legal case; a tombstone keeps threads whole."""
    from agora.audit.services import record_audit
    from agora.media.services import delete_media

    reason = clean_text(reason, "reason", required=True, message=_("A reason is required."))
    content = load_content(target_type, target_id)
    if content is None:
        raise NotFound(_("There is no %(kind)s with id %(id)s.", kind=target_type, id=target_id))
    if _is_erased(content):
        raise Conflict(_("This was erased already."))
    kind = type_of(content)
    content.body_source = content.body_html = ""
    db.session.execute(delete(EditHistory).where(EditHistory.content_type == kind,
                                                 EditHistory.content_id == content.id))
    column = Mention.post_id if kind == "post" else Mention.comment_id
    db.session.execute(delete(Mention).where(column == content.id))
    if kind == "post":
        media_ids = list(db.session.scalars(select(post_attachments.c.media_id)
                                            .where(post_attachments.c.post_id == content.id)))
        db.session.execute(delete(post_hashtags).where(post_hashtags.c.post_id == content.id))
        db.session.execute(delete(post_attachments).where(post_attachments.c.post_id == content.id))
        for media_id in media_ids:
            delete_media(media_id)
    if content.hidden_at is None:
        content.hidden_at = utcnow()
    content.hidden_reason = _("Erased: %(reason)s", reason=reason)[:500]
    rewrite_excerpts(content, hidden=True)
    line = record("erase", actor_id=None, target_type=kind, target_id=content.id,
                  subject_user_id=content.author_id, space_id=space_id_of(content), rule="legal",
                  reason=reason, detail={"by": "command line"})
    record_audit("erase", subject=f"{kind} {content.id}", detail=reason)
    return line
