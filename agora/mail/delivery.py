"""Handing one message to the SMTP server for a person: refusals logged, a permanent one marks the address failing."""
from __future__ import annotations

import logging
from email.message import EmailMessage

from flask import current_app

from agora.core.time import utcnow
from agora.jobs.services import TargetGone
from agora.mail import smtp
from agora.notifications import services as notifications

log = logging.getLogger("agora.mail")


def deliver(user, message: EmailMessage) -> str:
    """Send `message` to `user` and note it in the job's transaction; a permanent refusal marks the address failing."""
    settings = notifications.email_settings(user.id, create=True)
    if settings.failing_since is not None:
        raise TargetGone("the address is marked failing until its owner confirms it")
    try:
        answer = smtp.send(current_app.config["AGORA"]["mail"], message)
    except smtp.Refused as refusal:
        log.warning("mail to %s refused: %s %s", refusal.recipient, refusal.code, refusal.answer)
        if not refusal.address_refused:
            raise
        settings.failing_since, settings.failing_reason = utcnow(), f"{refusal.code} {refusal.answer}"[:300]
        raise TargetGone(f"the server refused {refusal.recipient} permanently: {refusal.code}") from None
    settings.last_emailed_at = utcnow()
    log.info("mail to %s: %s", user.email, answer)
    return answer
