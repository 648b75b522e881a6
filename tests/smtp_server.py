"""A real SMTP server for the mail tests (aiosmtpd on 127.0.0.1): it keeps what it receives, and refuses on cue.

Recipients starting with "bounce" are refused for good (550), those starting with "busy" for now (451).
"""
from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

from tests.pg import _free_port


class Recorder:
    """The aiosmtpd handler: every accepted message, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 2.0.0 Ok: queued as TEST1"


class SmtpServer:
    """Started and stopped by the `smtp` fixture."""

    def __init__(self):
        self.recorder = Recorder()
        self.port = _free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()
