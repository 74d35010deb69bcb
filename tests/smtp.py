"""A real SMTP server for the tests (aiosmtpd on a free loopback port), and the mailbox that
collects what it is sent.

    def test_something(mailbox):
        Mailer(mailbox.settings).send("ann@council.gov.uk", "Hello", "Text")
        message = mailbox.wait_for("ann@council.gov.uk")
        assert link_in(message).startswith("http://")

The app under test gets `mailbox.settings` as its `mail` settings (or, for a server in another
process, `mailbox.environment()` as its SAFEPLACES_MAIL__* variables).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from pydantic import SecretStr

from locator.settings import MailSettings

FROM_ADDRESS = "safeplaces@council.gov.uk"
_LINK = re.compile(r"https?://[^\s<>\"')]+")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def link_in(message: EmailMessage) -> str:
    """The first http(s) link in the message's plain text."""
    body = message.get_body(("plain",))
    assert body is not None, "the message has no plain-text part"
    found = _LINK.search(body.get_content())
    assert found is not None, "the message has no link"
    return found.group(0)


class Mailbox:
    """Every message the server accepted, parsed, oldest first."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.messages: list[EmailMessage] = []
        self._taken: set[int] = set()
        self._arrived = threading.Condition()

    def environment(self) -> dict[str, str]:
        """The SAFEPLACES_MAIL__* variables for an app in another process."""
        mail = self.settings
        env = {
            "SAFEPLACES_MAIL__HOST": mail.host or "",
            "SAFEPLACES_MAIL__PORT": str(mail.port),
            "SAFEPLACES_MAIL__SECURITY": mail.security,
            "SAFEPLACES_MAIL__FROM_ADDRESS": mail.from_address,
        }
        if mail.username:
            env["SAFEPLACES_MAIL__USERNAME"] = mail.username
        if mail.password:
            env["SAFEPLACES_MAIL__PASSWORD"] = mail.password.get_secret_value()
        return env

    def clear(self) -> None:
        with self._arrived:
            self.messages.clear()
            self._taken.clear()

    def add(self, raw: bytes) -> None:
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._arrived:
            self.messages.append(parsed)
            self._arrived.notify_all()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, to: str, timeout: float = 10.0) -> EmailMessage:
        """The oldest message to `to` not already returned by `wait_for`, waiting up to
        `timeout` seconds for it to arrive (so each call takes the next one)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self.to(to):
                    if id(message) not in self._taken:
                        self._taken.add(id(message))
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no email to {to} within {timeout:g} s")
                self._arrived.wait(left)


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.mailbox.add(content if isinstance(content, bytes) else content.encode())
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd in a thread of its own. With `login=(username, password)` it accepts mail
    only after that AUTH LOGIN/PLAIN, over a plain connection (there is no certificate)."""

    def __init__(self, login: tuple[str, str] | None = None) -> None:
        port = free_port()
        username, password = login or (None, None)
        self.mailbox = Mailbox(
            MailSettings(
                host="127.0.0.1",
                port=port,
                security="none",
                username=username,
                password=SecretStr(password) if password else None,
                from_address=FROM_ADDRESS,
                timeout_seconds=5,
            )
        )
        options: dict[str, Any] = {}
        if login is not None:
            options = {
                "auth_required": True,
                "auth_require_tls": False,
                "authenticator": _authenticator(login),
            }
        self._controller = Controller(
            _Handler(self.mailbox), hostname="127.0.0.1", port=port, **options
        )

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def _authenticator(login: tuple[str, str]) -> Any:
    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and (
                data.login.decode(),
                data.password.decode(),
            )
            == login
        )
        return AuthResult(success=ok, handled=False)

    return check
