"""A real SMTP server for the mail tests (aiosmtpd on 127.0.0.1): it keeps what it receives, and refuses on cue.

Recipients starting with "bounce" are refused for good (550), those starting with "busy" for now (451).
Keyword options go to aiosmtpd's Controller: `tls_context` and `require_starttls` for STARTTLS, `ssl_context`
for TLS from the first byte, `authenticator` and `auth_required` for a login.
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
        self.sessions: list[dict] = []  # per message: whether it came over TLS, and the login it came with

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        # The transport, not session.ssl: aiosmtpd sets that one after STARTTLS only, not on a TLS port.
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.sessions.append({"tls": tls, "login": session.login_data.decode() if session.authenticated else None})
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 2.0.0 Ok: queued as TEST1"


class SmtpServer:
    """Started and stopped by the `smtp` fixture."""

    def __init__(self, **options):
        self.recorder = Recorder()
        self.port = _free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **options)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    @property
    def sessions(self) -> list[dict]:
        return self.recorder.sessions

    def clear(self):
        for received in (self.recorder.messages, self.recorder.envelopes, self.recorder.sessions):
            received.clear()

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()
