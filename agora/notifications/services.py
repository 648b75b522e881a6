"""Notification services: `notify` for other features, and the reader's list, read marks and preferences."""
from __future__ import annotations

from datetime import datetime

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from agora.core.errors import NotFound, ValidationError
from agora.core.hooks import hooks
from agora.core.pagination import Page, keyset
from agora.core.policy import can
from agora.core.time import utcnow
from agora.core.transactions import transaction, transactional
from agora.extensions import db
from agora.notifications.models import EmailPreference, EmailSettings, Notification, NotificationPreference

# Every kind a person can receive, with its label on the preferences page. Later features add theirs here.
KINDS: dict[str, object] = {
    "mention": _l("Someone mentions me"),
    "comment": _l("Someone comments on my post"),
    "reply": _l("Someone replies to my comment"),
    "reaction": _l("Someone reacts to my post or comment"),
    "wall_post": _l("Someone posts on my wall"),
    # spaces
    "space_request": _l("Someone asks to join a space I moderate"),
    "space_approved": _l("My request to join a space is approved"),
    "space_refused": _l("My request to join a space is refused"),
    "space_invite": _l("Someone invites me to a space"),
    "space_removed": _l("I am removed from a space"),
    # moderation
    "moderation": _l("A moderator acts on my post or comment"),
    "report_outcome": _l("A report I made is handled"),
    "appeal_assigned": _l("An appeal is given to me to decide"),
    "appeal_outcome": _l("An appeal I made is decided"),
    # questions
    "question_routed": _l("A question is sent to me as someone who knows"),
    "question_reminder": _l("A question sent to me is close to its promised time"),
    "question_missed": _l("My question missed its promised time"),
    "answer_accepted": _l("My answer to a question is accepted"),
}

# The kinds that may be emailed, with each one's mode for people who chose none; the others stay in the app.
EMAIL_DEFAULTS: dict[str, str] = {
    "mention": "immediately",
    "moderation": "immediately",
    "comment": "digest",
    "reply": "digest",
    "wall_post": "digest",
    "appeal_outcome": "digest",
    "question_routed": "immediately",
    "question_reminder": "immediately",
    "question_missed": "immediately",
    "answer_accepted": "digest",
}
EMAIL_MODES = ("immediately", "digest", "never")
DIGEST_FREQUENCIES = ("daily", "weekly", "never")
DIGEST_DEFAULTS = {"digest_frequency": "daily", "digest_hour": 8, "timezone": "", "skip_if_visited": True,
                   "failing_reason": ""}

EXCERPT_LENGTH = 280
PAGE_SIZE = 30
MAX_PAGE_SIZE = 100


def notify(recipient_id: int, kind: str, *, actor_id: int | None, target_type: str, target_id: int,
           url: str, excerpt: str = "", group_key: str | None = None) -> None:
    """Queue a notification in the caller's transaction (never commits); skips self, inactive and opted-out."""
    from agora.accounts.models import User

    if kind not in KINDS:
        raise LookupError(f"unknown notification kind {kind!r}")
    if recipient_id is None or recipient_id == actor_id:
        return
    recipient = db.session.get(User, recipient_id)
    if recipient is None or not recipient.active:
        return
    preference = db.session.get(NotificationPreference, (recipient_id, kind))
    if preference is not None and not preference.enabled:
        return
    now = utcnow()
    excerpt = _shorten(excerpt or "")
    _forget_cached_count(recipient_id)
    if group_key:
        existing = db.session.scalar(
            select(Notification)
            .where(Notification.recipient_id == recipient_id, Notification.group_key == group_key,
                   Notification.read_at.is_(None))
            .order_by(Notification.id.desc()).limit(1).with_for_update()
        )
        if existing is not None:
            actors = _actor_set(existing.actor_ids)
            if actor_id is not None and actor_id not in actors:
                actors.add(actor_id)
                existing.actor_count = len(actors)
                existing.actor_ids = _actor_text(actors)
            if actor_id is not None:
                existing.actor_id = actor_id
            existing.updated_at = now
            existing.url, existing.excerpt = url, excerpt or existing.excerpt
            return
    notification = Notification(
        recipient_id=recipient_id, kind=kind, actor_id=actor_id, actor_count=1,
        actor_ids=_actor_text({actor_id} if actor_id is not None else set()),
        target_type=target_type, target_id=target_id, url=url, excerpt=excerpt, group_key=group_key,
        created_at=now, updated_at=now,
    )
    db.session.add(notification)
    created = hooks("notifications.created")
    if created:
        db.session.flush()  # handlers (email) key their work by the notification's id
        for handler in created:
            handler(notification)


def forget_target(target_type: str, target_id: int) -> None:
    """Drop every notification about a deleted target (in the caller's transaction)."""
    db.session.execute(delete(Notification).where(Notification.target_type == target_type,
                                                  Notification.target_id == target_id))


def unread_count(user) -> int:
    """How many unread notifications `user` has; one indexed query, cached for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    cache = g.setdefault("agora_unread_notifications", {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(
            select(func.count()).select_from(Notification)
            .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        ) or 0
    return cache[user.id]


def list_notifications(user, cursor: str | None = None, limit: int = PAGE_SIZE, unread_only: bool = False) -> Page:
    """The reader's notifications, most recently active first, without those whose target they may no longer see."""
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    stmt = (select(Notification).where(Notification.recipient_id == user.id)
            .options(joinedload(Notification.actor)))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = keyset(stmt, (Notification.updated_at, Notification.id), cursor, limit, kinds=(datetime, int))
    return Page(_visible(user, page.items), page.next_cursor)


def get_notification(user, notification_id: int) -> Notification:
    """One of the reader's own notifications; anybody else's is NotFound."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can(user, "notification.read", notification):
        raise NotFound(_("This notification does not exist."))
    return notification


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of the reader's notifications read (idempotent)."""
    notification = get_notification(user, notification_id)
    if notification.read_at is None:
        with transaction():
            notification.read_at = utcnow()
        _forget_cached_count(user.id)
    return notification


@transactional
def mark_all_read(user) -> int:
    """Mark all the reader's notifications read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    _forget_cached_count(user.id)
    return result.rowcount or 0


def get_preferences(user) -> dict[str, bool]:
    """Every kind with whether `user` receives it (on unless switched off)."""
    overrides = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.enabled)
        .where(NotificationPreference.user_id == user.id)
    ).all())
    return {kind: bool(overrides.get(kind, True)) for kind in KINDS}


@transactional
def set_preferences(user, choices: dict[str, bool]) -> dict[str, bool]:
    """Save which kinds `user` receives; kinds left out keep their setting. Only "off" is stored."""
    unknown = [kind for kind in choices if kind not in KINDS]
    if unknown:
        message = _("Unknown notification kind: %(kinds)s.", kinds=", ".join(sorted(map(str, unknown))))
        raise ValidationError(message, {"kinds": [message]})
    if any(not isinstance(value, bool) for value in choices.values()):
        message = _("Each kind must be switched on (true) or off (false).")
        raise ValidationError(message, {"kinds": [message]})
    existing = {row.kind: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, enabled in choices.items():
        row = existing.get(kind)
        if enabled and row is not None:
            db.session.delete(row)
        elif not enabled and row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, enabled=False))
        elif not enabled:
            row.enabled = False
    db.session.flush()
    return get_preferences(user)


def email_mode(user_id: int, kind: str) -> str:
    """How `user_id` wants `kind` by email: "immediately", "digest" or "never"."""
    if kind not in EMAIL_DEFAULTS:
        return "never"
    row = db.session.get(EmailPreference, (user_id, kind))
    return row.mode if row is not None else EMAIL_DEFAULTS[kind]


def email_settings(user_id: int, create: bool = False) -> EmailSettings:
    """The person's digest and address settings; a transient row of defaults unless `create`."""
    row = db.session.get(EmailSettings, user_id)
    if row is None:
        row = EmailSettings(user_id=user_id, **DIGEST_DEFAULTS)
        if create:
            db.session.add(row)
    return row


def all_preferences(user) -> dict:
    """Every kind's in-app and email choice and the digest's, in the API's shape."""
    in_app = get_preferences(user)
    modes = dict(db.session.execute(select(EmailPreference.kind, EmailPreference.mode)
                                    .where(EmailPreference.user_id == user.id)).all())
    settings = email_settings(user.id)
    return {
        "kinds": {kind: {"in_app": in_app[kind], "email": modes.get(kind, EMAIL_DEFAULTS.get(kind, "never"))}
                  for kind in KINDS},
        "digest": {"frequency": settings.digest_frequency, "hour": settings.digest_hour},
    }


@transactional
def set_all_preferences(user, data) -> dict:
    """Save choices given in the shape of `all_preferences` (kinds and keys left out keep theirs); commits."""
    errors: dict[str, list[str]] = {}
    kinds = data.get("kinds", {}) if isinstance(data, dict) else None
    digest = data.get("digest", {}) if isinstance(data, dict) else None
    if not isinstance(kinds, dict):
        errors["kinds"] = [_("Must map each kind to its choices.")]
        kinds = {}
    in_app, email = {}, {}
    for kind, choice in kinds.items():
        if kind not in KINDS:
            errors[f"kinds.{kind}"] = [_("Unknown notification kind.")]
        elif not isinstance(choice, dict) or set(choice) - {"in_app", "email"}:
            errors[f"kinds.{kind}"] = [_("Must be an object with in_app and email.")]
        else:
            if "in_app" in choice:
                if not isinstance(choice["in_app"], bool):
                    errors[f"kinds.{kind}.in_app"] = [_("Must be true or false.")]
                else:
                    in_app[kind] = choice["in_app"]
            if "email" in choice:
                allowed = EMAIL_MODES if kind in EMAIL_DEFAULTS else ("never",)
                if choice["email"] not in allowed:
                    errors[f"kinds.{kind}.email"] = [_("Must be one of: %(choices)s.", choices=", ".join(allowed))]
                else:
                    email[kind] = choice["email"]
    if not isinstance(digest, dict) or set(digest) - {"frequency", "hour"}:
        errors["digest"] = [_("Must be an object with frequency and hour.")]
        digest = {}
    if "frequency" in digest and digest["frequency"] not in DIGEST_FREQUENCIES:
        errors["digest.frequency"] = [_("Must be one of: %(choices)s.", choices=", ".join(DIGEST_FREQUENCIES))]
    hour = digest.get("hour", 0)
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        errors["digest.hour"] = [_("Must be a whole hour from 0 to 23.")]
    if errors:
        raise ValidationError(_("Some preferences are not valid."), errors)
    if in_app:
        set_preferences(user, in_app)
    set_email_modes(user, email)
    if digest:
        settings = email_settings(user.id, create=True)
        settings.digest_frequency = digest.get("frequency", settings.digest_frequency)
        settings.digest_hour = digest.get("hour", settings.digest_hour)
    db.session.flush()
    return all_preferences(user)


def set_email_modes(user, modes: dict[str, str]) -> None:
    """Store each kind's email mode (in the caller's transaction); a default mode keeps no row."""
    for kind, mode in modes.items():
        row = db.session.get(EmailPreference, (user.id, kind))
        if mode == EMAIL_DEFAULTS.get(kind, "never"):
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(EmailPreference(user_id=user.id, kind=kind, mode=mode))
        else:
            row.mode = mode


@transactional
def save_email_settings(user, modes: dict[str, str], *, frequency: str, hour: int, timezone: str,
                        skip_if_visited: bool) -> None:
    """Save the email settings page (values already checked by its form); commits."""
    set_email_modes(user, modes)
    settings = email_settings(user.id, create=True)
    settings.digest_frequency, settings.digest_hour = frequency, hour
    settings.timezone, settings.skip_if_visited = timezone, skip_if_visited


@transactional
def confirm_address(user) -> None:
    """The person says their address works again: mail to it resumes; commits."""
    settings = email_settings(user.id, create=True)
    settings.failing_since, settings.failing_reason = None, ""


def visible_to(user, items: list[Notification]) -> list[Notification]:
    """The notifications of `items` whose target `user` may still see, as the policy answers now."""
    return _visible(user, items)


def _visible(user, items: list[Notification]) -> list[Notification]:
    # Features that own targets answer in bulk; a target no hook vouches for stays hidden.
    checks = hooks("notifications.visible")
    if not checks or not items:
        return items
    pairs = list(dict.fromkeys((n.target_type, n.target_id) for n in items))
    visible: set[tuple[str, int]] = set()
    for check in checks:
        visible |= set(check(user, pairs) or ())
    return [n for n in items if (n.target_type, n.target_id) in visible]


def _forget_cached_count(user_id: int) -> None:
    cache = g.get("agora_unread_notifications")
    if cache:
        cache.pop(user_id, None)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1].rstrip() + "…"


def _actor_set(text: str) -> set[int]:
    return {int(part) for part in (text or "").split(",") if part.strip().isdigit()}


def _actor_text(actors: set[int]) -> str:
    return ",".join(str(a) for a in sorted(actors))
