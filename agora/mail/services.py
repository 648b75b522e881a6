"""Mail services: the notification email job, delivery with bounce handling, unsubscribing, `mail test`.

Nothing is sent inside a request: a new notification whose kind the person wants "immediately" queues a
keyed job, and the job decides at send time, asking the permission policy again, whether it still may.
"""
from __future__ import annotations

import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from agora.core.errors import NotFound
from agora.core.transactions import transactional
from agora.extensions import db
from agora.jobs.services import Periodic, TargetGone, Task, enqueue
from agora.mail import compose, smtp, tokens
from agora.mail.delivery import deliver
from agora.notifications import services as notifications

log = logging.getLogger("agora.mail")


def enabled() -> bool:
    """Whether this site sends email at all ([mail] enabled)."""
    return bool(current_app.config["AGORA"]["mail"]["enabled"])


def declare_tasks() -> dict[str, Task]:
    """The "jobs.tasks" hook: the mail jobs. Refusals of the server are retried: 1 min, 4, 16, 64, then 4 h."""
    from agora.mail import digest

    return {
        "mail.notification": Task(send_notification, max_attempts=6, retry_delay=60, timeout=120),
        "mail.digest": Task(digest.send_digest, max_attempts=6, retry_delay=60, timeout=300),
        "mail.digest_scan": Task(scan_digests, max_attempts=2, retry_delay=60, timeout=900),
    }


def declare_schedules() -> list[Periodic]:
    """The "jobs.periodic" hook: look for people whose digest hour it is, every 15 minutes."""
    return [Periodic("mail.digest_scan", minute="*/15")]


def scan_digests() -> None:
    """The job behind the schedule: queue the digests that are due (nothing when mail is off)."""
    from agora.mail import digest

    if enabled():
        digest.scan()


def on_notification(notification) -> None:
    """The "notifications.created" hook: queue the email of a kind the recipient wants at once."""
    if enabled() and notifications.email_mode(notification.recipient_id, notification.kind) == "immediately":
        enqueue("mail.notification", key=f"mail.notification:{notification.id}", notification_id=notification.id)


def send_notification(notification_id: int) -> None:
    """The job: email one notification, unless its target is now out of the recipient's sight."""
    from agora.accounts.models import User
    from agora.notifications.models import Notification
    from agora.notifications.phrases import describe

    notification = db.session.get(Notification, notification_id)
    if notification is None:
        raise TargetGone(f"notification {notification_id} was removed")
    user = db.session.get(User, notification.recipient_id)
    if user is None or not user.active:
        raise TargetGone("the recipient is no longer active")
    if notification.read_at is not None:
        raise TargetGone("already read in the app")
    if notifications.email_mode(user.id, notification.kind) != "immediately":
        raise TargetGone("the recipient no longer wants it by email")
    # The policy is asked at send time: a person removed from a space meanwhile gets nothing from it.
    if not notifications.visible_to(user, [notification]):
        raise TargetGone("its target is no longer visible to the recipient")
    with force_locale(compose.language_of(user)):
        summary = describe(notification)
    deliver(user, compose.build(user, notification.kind, "notification", notification=notification,
                                summary=summary, item_url=compose.site_url(notification.url)))


def unsubscribe_target(token: str) -> tuple[object, str]:
    """The person and the list a token names; NotFound for a token we did not sign or a person who is gone."""
    from agora.accounts.models import User

    found = tokens.read(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or (found[1] != "digest" and found[1] not in notifications.EMAIL_DEFAULTS):
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, found[1]


@transactional
def unsubscribe(token: str) -> tuple[object, str]:
    """Stop the emails of the token's list (a kind, or the digest); idempotent."""
    user, list_name = unsubscribe_target(token)
    if list_name == "digest":
        notifications.email_settings(user.id, create=True).digest_frequency = "never"
    else:
        notifications.set_email_modes(user, {list_name: "never"})
    return user, list_name


def send_test(address: str) -> str:
    """Send a test message to `address` now (the admin's command); returns the server's answer."""
    from types import SimpleNamespace

    site = current_app.config["AGORA"]["site"]
    recipient = SimpleNamespace(id=0, name="", email=address, language=site["default_language"])
    return smtp.send(current_app.config["AGORA"]["mail"], compose.build(recipient, "test", "test"))
