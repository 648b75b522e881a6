"""Talking to the SMTP server: one connection per message, the server's answer kept, refusals told apart."""
from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from functools import lru_cache

TIMEOUT = 30  # seconds; a server slower than this is retried later by the job


class Refused(Exception):
    """The server refused the message at `stage` ("mail", "rcpt" or "data") with `code` and its `answer`."""

    def __init__(self, stage: str, code: int, answer: str, recipient: str):
        self.stage, self.code, self.answer, self.recipient = stage, code, answer, recipient
        super().__init__(f"{code} {answer} (at {stage.upper()}, to {recipient})")

    @property
    def address_refused(self) -> bool:
        """A permanent (5xx) refusal of the recipient itself: the address will not work as it is."""
        return self.stage == "rcpt" and 500 <= self.code < 600


@lru_cache(maxsize=4)
def _tls(ca_file: str) -> ssl.SSLContext:
    """The client context: certificates and host names checked, against `ca_file` or else the system's CAs."""
    # Made once per process and file: loading the system's certificates took about 30 ms, most of a
    # message's sending. A CA file replaced under the same path is read again at the next restart.
    return ssl.create_default_context(cafile=ca_file or None)


def password(cfg: dict) -> str:
    """The SMTP password, from the file or from the environment variable it names."""
    return os.environ.get(cfg["password_env"], "") if cfg["password_env"] else cfg["password"]


def send(cfg: dict, message: EmailMessage) -> str:
    """Hand `message` to the server of `cfg` ([mail]); returns its answer to the data ("250 2.0.0 Ok: queued")."""
    recipient = parseaddr(message["To"])[1]
    sender = parseaddr(cfg["sender"])[1]
    if cfg["security"] == "tls":
        server = smtplib.SMTP_SSL(cfg["host"], cfg["port"], timeout=TIMEOUT, context=_tls(cfg["ca_file"]))
    else:
        server = smtplib.SMTP(cfg["host"], cfg["port"], timeout=TIMEOUT)
    with server:
        server.ehlo()
        if cfg["security"] == "starttls":
            server.starttls(context=_tls(cfg["ca_file"]))
            server.ehlo()
        if cfg["username"]:
            server.login(cfg["username"], password(cfg))
        for stage, step in (("mail", lambda: server.mail(sender)), ("rcpt", lambda: server.rcpt(recipient))):
            code, answer = step()
            if code not in (250, 251):
                server.rset()
                raise Refused(stage, code, answer.decode(errors="replace"), recipient)
        code, answer = server.data(message.as_bytes(policy=SMTP))
        if code != 250:
            raise Refused("data", code, answer.decode(errors="replace"), recipient)
        return f"{code} {answer.decode(errors='replace')}"
