"""Sending email through the council's mail server (`MailSettings`), with the standard library.

One message per connection: staff mail is a handful a day (a password link, an invitation,
the reminders), so there is no pool to keep alive or go stale. `Mailer.send` blocks while it
talks to the server (up to `timeout_seconds` a step): a web route calls it from a thread
(`anyio.to_thread.run_sync`, or a background task), never on the event loop.

    Mailer(settings.mail).send("ann@council.gov.uk", "Subject", "Plain text", html=None)
"""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from locator.errors import MailFailed, MailNotSetUp
from locator.settings import MailSettings

# "Authentication required" (RFC 4954), the answer to MAIL FROM without a login.
_NEEDS_LOGIN = 530


class Mailer:
    """Sends one message at a time; raises `MailNotSetUp` or `MailFailed`, never a socket or
    SMTP error."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def message(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        reply_to: str | None = None,
    ) -> EmailMessage:
        """The message as it will be sent: plain text first, with an HTML part if given."""
        mail = self.settings
        message = EmailMessage()
        message["From"] = formataddr((mail.from_name, mail.from_address))
        message["To"] = to
        message["Subject"] = subject
        if reply_to:
            message["Reply-To"] = reply_to
        domain = mail.from_address.rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        return message

    def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        reply_to: str | None = None,
    ) -> None:
        """Send one message to `to`, waiting until the server has accepted it.

        Parameters
        ----------
        to : an email address; a header-breaking one (a newline) is refused.
        subject, text : the subject line and the plain-text body (every client shows it).
        html : an optional HTML body, shown instead by clients that can.
        reply_to : where replies go, when not to the sender (e.g. the scheme's mailbox).
        """
        mail = self.settings
        if mail.host is None:
            raise MailNotSetUp()
        if not _plain_address(to):
            raise MailFailed(f"{to!r} is not an email address we can send to.")
        message = self.message(to, subject, text, html, reply_to)
        try:
            with self._connect(mail.host) as server:
                if mail.username:
                    password = mail.password.get_secret_value() if mail.password else ""
                    server.login(mail.username, password)
                server.send_message(message)
        except MailFailed:
            raise
        except (OSError, smtplib.SMTPException) as exc:  # ssl.SSLError is an OSError
            raise MailFailed(_reason(exc, mail, to)) from None

    def _connect(self, host: str) -> smtplib.SMTP:
        mail = self.settings
        timeout = mail.timeout_seconds
        if mail.security == "ssl":
            return smtplib.SMTP_SSL(
                host, mail.port, timeout=timeout, context=ssl.create_default_context()
            )
        server = smtplib.SMTP(host, mail.port, timeout=timeout)
        try:
            if mail.security == "starttls":
                server.ehlo()
                if not server.has_extn("starttls"):
                    raise MailFailed(
                        f"the mail server {host} does not offer STARTTLS "
                        "(check the security setting)."
                    )
                server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
        return server


def _plain_address(to: str) -> bool:
    """One address, without anything that could add a header or a second recipient."""
    if any(c in to for c in "\r\n,;") or "@" not in to:
        return False
    try:
        Address(addr_spec=to.strip())
    except (ValueError, IndexError):
        return False
    return True


def _reason(exc: Exception, mail: MailSettings, to: str) -> str:
    """Why the mail server didn't take the message, in words council IT can act on."""
    where = f"the mail server {mail.host}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "the mail server did not accept its username and password."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "the mail server does not take a login (leave the username setting empty)."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"the mail server would not send to {to}."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        if exc.smtp_code == _NEEDS_LOGIN:
            return "the mail server needs a login (set the username and password)."
        return f"the mail server would not send from {mail.from_address}."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the mail server refused the message ({exc.smtp_code})."
    # smtplib reports a timeout while reading a reply as a disconnection.
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return f"{where} did not answer within {mail.timeout_seconds:g} seconds."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection."
    if isinstance(exc, ssl.SSLError):
        return f"a secure connection to {mail.host} failed (check the security setting)."
    return f"{where} (port {mail.port}) could not be reached."
