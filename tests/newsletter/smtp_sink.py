"""A real SMTP server for the newsletter's tests and benchmark (aiosmtpd), in a thread."""

import email
import logging
import socket
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    """Keeps every message it accepts; refuses for good any recipient starting "bounce"."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.SMTP))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(message["To"] for message in self.messages)


def free_port() -> int:
    """A port nothing listens on now. Not a fixed one: two test runs on one machine (or a
    benchmark beside them) would both want it, and the second fails to start its sink."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int) -> tuple[Controller, Sink]:
    # aiosmtpd logs every SMTP command; thousands of lines would slow the sends measured.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink


def mailer(port: int) -> dict:
    """A MAILERS entry sending to the sink."""
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
    }
