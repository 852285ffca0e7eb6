"""A local SMTP server for the reminder tests (aiosmtpd on loopback, a thread of its own):
it keeps every message it accepts, decoded, and refuses the recipients it is told to."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest

from shumao.bench.harness import free_port
from shumao.filing.reminders import MailSettings

REFUSED = "550 5.1.1 mailbox unavailable"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Inbox:
    """aiosmtpd's handler: what arrived, and the addresses to refuse at RCPT."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return REFUSED
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg, raw))
        return "250 Message accepted"

    @property
    def recipients(self) -> list[str]:
        return sorted(a for r in self.received for a in r.rcpt_tos)


@pytest.fixture
def smtp_server():
    """``(inbox, settings)``: a running server and the MailSettings that reach it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, MailSettings(host="127.0.0.1", port=port, sender="协会秘书处 <tongji@example.org>",
                                  tls="none", portal_url="https://tongji.example.org/", timeout=10)
    finally:
        controller.stop()
