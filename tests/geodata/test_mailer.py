"""The mailer against a real SMTP server (tests/smtp.py): what arrives, logging in, and the
plain reasons it gives when mail can't go."""

from __future__ import annotations

import socket

import pytest
from pydantic import SecretStr, ValidationError
from smtp import Mailbox, SmtpServer, free_port, link_in

from geodata.mailer import Mailer
from locator.errors import MailFailed, MailNotSetUp
from locator.settings import MailSettings


def test_a_message_arrives_with_its_text_html_and_sender(mailbox: Mailbox) -> None:
    mailer = Mailer(mailbox.settings.model_copy(update={"from_name": "Derbyshire Safe Places"}))
    mailer.send(
        "ann@council.gov.uk",
        "Set your password",
        "Open this link: http://localhost:8000/staff/reset/abc?x=1 within an hour.",
        html="<p>Open <a href='http://localhost:8000/staff/reset/abc'>this link</a></p>",
    )
    message = mailbox.wait_for("ann@council.gov.uk", timeout=5)
    assert message["Subject"] == "Set your password"
    assert message["From"] == "Derbyshire Safe Places <safeplaces@council.gov.uk>"
    assert message["Message-ID"].endswith("@council.gov.uk>")
    assert link_in(message) == "http://localhost:8000/staff/reset/abc?x=1"
    html = message.get_body(("html",))
    assert html is not None and "this link" in html.get_content()
    assert len(mailbox.messages) == 1


def test_each_wait_takes_the_next_message(mailbox: Mailbox) -> None:
    mailer = Mailer(mailbox.settings)
    for n in (1, 2):
        mailer.send("ann@council.gov.uk", f"Number {n}", "Text")
    assert mailbox.wait_for("ann@council.gov.uk")["Subject"] == "Number 1"
    assert mailbox.wait_for("ann@council.gov.uk")["Subject"] == "Number 2"
    with pytest.raises(AssertionError, match="no email to ann@council.gov.uk"):
        mailbox.wait_for("ann@council.gov.uk", timeout=0.2)


def test_a_server_that_needs_a_login_gets_it() -> None:
    server = SmtpServer(login=("relay", "s3cret-relay")).start()
    try:
        box = server.mailbox
        Mailer(box.settings).send("ann@council.gov.uk", "With login", "Text")
        assert box.wait_for("ann@council.gov.uk")["Subject"] == "With login"
        wrong = box.settings.model_copy(update={"password": SecretStr("wrong")})
        with pytest.raises(MailFailed, match="did not accept its username and password"):
            Mailer(wrong).send("ann@council.gov.uk", "Wrong login", "Text")
        no_login = box.settings.model_copy(update={"username": None, "password": None})
        with pytest.raises(MailFailed, match="needs a login"):
            Mailer(no_login).send("ann@council.gov.uk", "No login", "Text")
        assert [m["Subject"] for m in box.messages] == ["With login"]
    finally:
        server.stop()


def test_a_login_the_server_does_not_offer_is_named(mailbox: Mailbox) -> None:
    settings = mailbox.settings.model_copy(update={"username": "relay", "password": SecretStr("x")})
    with pytest.raises(MailFailed, match="does not take a login"):
        Mailer(settings).send("ann@council.gov.uk", "Subject", "Text")


def test_starttls_asked_of_a_server_without_it_says_so(mailbox: Mailbox) -> None:
    settings = mailbox.settings.model_copy(update={"security": "starttls"})
    with pytest.raises(MailFailed, match="does not offer STARTTLS") as caught:
        Mailer(settings).send("ann@council.gov.uk", "Subject", "Text")
    assert "check the security setting" in caught.value.user_message
    assert mailbox.messages == []


def test_a_server_that_is_down_is_a_plain_reason() -> None:
    settings = MailSettings(
        host="127.0.0.1", port=free_port(), security="none", from_address="a@council.gov.uk"
    )
    with pytest.raises(MailFailed) as caught:
        Mailer(settings).send("ann@council.gov.uk", "Subject", "Text")
    port = settings.port
    assert caught.value.reason == f"the mail server 127.0.0.1 (port {port}) could not be reached."
    assert caught.value.user_message.startswith("We couldn't send the email: the mail server")


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) and says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        settings = MailSettings(
            host="127.0.0.1",
            port=silent.getsockname()[1],
            security="none",
            from_address="a@council.gov.uk",
            timeout_seconds=0.5,
        )
        with pytest.raises(MailFailed, match="did not answer within 0.5 seconds"):
            Mailer(settings).send("ann@council.gov.uk", "Subject", "Text")


def test_no_host_is_mail_not_set_up_and_bad_addresses_are_refused(mailbox: Mailbox) -> None:
    with pytest.raises(MailNotSetUp) as caught:
        Mailer(MailSettings()).send("ann@council.gov.uk", "Subject", "Text")
    assert "ask council IT" in caught.value.user_message
    for bad in ("ann@council.gov.uk\r\nBcc: eve@example.org", "a@x.org, b@y.org", "nobody"):
        with pytest.raises(MailFailed, match="is not an email address we can send to"):
            Mailer(mailbox.settings).send(bad, "Subject", "Text")
    assert mailbox.messages == []


def test_mail_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import Settings

    monkeypatch.setenv("SAFEPLACES_MAIL__HOST", "smtp.council.gov.uk")
    monkeypatch.setenv("SAFEPLACES_MAIL__PORT", "465")
    monkeypatch.setenv("SAFEPLACES_MAIL__SECURITY", "ssl")
    monkeypatch.setenv("SAFEPLACES_MAIL__USERNAME", "safeplaces")
    monkeypatch.setenv("SAFEPLACES_MAIL__PASSWORD", "relay-password")
    monkeypatch.setenv("SAFEPLACES_MAIL__FROM_ADDRESS", "safeplaces@council.gov.uk")
    mail = Settings().mail
    assert (mail.host, mail.port, mail.security, mail.username) == (
        "smtp.council.gov.uk",
        465,
        "ssl",
        "safeplaces",
    )
    assert "relay-password" not in repr(mail)
    assert mail.password is not None and mail.password.get_secret_value() == "relay-password"
    with pytest.raises(ValidationError, match="from_address"):
        MailSettings(host="smtp.council.gov.uk")
