"""In Chromium, with a real SMTP server: "Forgot your password?" to a new password, an invited
colleague choosing theirs, and two-factor login turned on and used. Each new page state is
checked with axe, and photographed at a laptop's and a phone's size."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyotp
import pytest
from browser.helpers import (
    PHONE,
    SCREENSHOTS,
    Browsing,
    BrowsingFactory,
    LiveServer,
    assert_no_violations,
)
from playwright.sync_api import ViewportSize
from smtp import Mailbox, link_in

from locator.accounts import Role

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
# var/screenshots/accounts (gitignored), or SAFEPLACES_SHOTS to look at them elsewhere.
SHOTS = Path(os.environ.get("SAFEPLACES_SHOTS", SCREENSHOTS / "accounts"))


def _shot(web: Browsing, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = web.page.viewport_size or LAPTOP
    web.page.screenshot(path=SHOTS / f"{name}-{size['width']}.png", full_page=True)


def _account(server: LiveServer, email: str, role: Role = Role.VIEWER) -> None:
    users = server.app.state.users
    if users.find(email) is None:
        users.create_user(email, email.split("@")[0].title(), role, PASSWORD)


def _log_in(web: Browsing, server: LiveServer, email: str) -> None:
    web.goto(server, "/staff/login")
    web.page.fill("#email", email)
    web.page.fill("#password", PASSWORD)
    web.page.click("button[type=submit]")
    web.page.wait_for_load_state("load")


def test_forgot_password_to_a_new_password_and_logged_in(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, mailbox: Mailbox
) -> None:
    _account(synthetic_server, "forgot@council.gov.uk")
    phone = open_browsing(PHONE)
    for path, name in (("/staff/login", "login"), ("/staff/forgot", "forgot")):
        phone.goto(synthetic_server, path)
        _shot(phone, name)
    web = open_browsing(LAPTOP)
    web.goto(synthetic_server, "/staff/login")
    _shot(web, "login")
    web.page.get_by_role("link", name="Forgot your password?").click()
    web.page.wait_for_url("**/staff/forgot")
    assert_no_violations(web, "forgot your password")
    _shot(web, "forgot")
    web.page.fill("#email", "forgot@council.gov.uk")
    web.page.get_by_role("button", name="Email me a link").click()
    web.page.wait_for_load_state("load")
    assert "Check your email" in web.page.content()
    assert_no_violations(web, "forgot your password, sent")
    _shot(web, "forgot-sent")

    link = link_in(mailbox.wait_for("forgot@council.gov.uk"))
    assert link.startswith(synthetic_server.base_url + "/staff/reset/")
    path = link.removeprefix(synthetic_server.base_url)
    phone.goto(synthetic_server, path)  # opening the link uses nothing up
    _shot(phone, "reset-link")
    web.goto(synthetic_server, path)
    assert_no_violations(web, "choose a new password")
    _shot(web, "reset-link")
    web.page.fill("#p-new", "a brand new passphrase")
    web.page.fill("#p-again", "a different passphrase")
    web.page.get_by_role("button", name="Set my new password").click()
    web.page.wait_for_load_state("load")
    assert "The two passwords are not the same" in web.page.content()
    assert_no_violations(web, "choose a new password, with an error")
    _shot(web, "reset-link-error")
    web.page.fill("#p-new", "a brand new passphrase")
    web.page.fill("#p-again", "a brand new passphrase")
    web.page.get_by_role("button", name="Set my new password").click()
    web.page.wait_for_url(synthetic_server.url("/staff"))
    assert "Logged in as Forgot" in web.page.content()
    web.goto(synthetic_server, path)  # used: it says so, and what to do
    assert "This link has stopped working" in web.page.content()
    assert_no_violations(web, "a used link")
    _shot(web, "reset-link-used")
    assert web.errors == [] and phone.errors == []


def test_an_admin_invites_a_colleague_who_sets_a_password_and_logs_in(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, mailbox: Mailbox
) -> None:
    _account(synthetic_server, "inviter@council.gov.uk", Role.ADMIN)
    admin = open_browsing(LAPTOP)
    _log_in(admin, synthetic_server, "inviter@council.gov.uk")
    admin.goto(synthetic_server, "/staff/users")
    email = f"colleague{time.monotonic_ns()}@council.gov.uk"
    admin.page.fill("#u-email", email)
    admin.page.fill("#u-name", "Cara Colleague")
    admin.page.select_option("#u-role", "viewer")
    admin.page.get_by_role("button", name="Send the invitation").click()
    admin.page.wait_for_load_state("load")
    assert f"Invited {email} as viewer" in admin.page.content()
    assert "Invited, not yet accepted" in admin.page.content()
    assert_no_violations(admin, "staff accounts, with an invitation waiting")
    _shot(admin, "users-invited")

    message = mailbox.wait_for(email)
    assert "Inviter has made you a staff account" in message.get_content()
    path = link_in(message).removeprefix(synthetic_server.base_url)
    colleague = open_browsing(PHONE)
    colleague.goto(synthetic_server, path)
    assert "Welcome, Cara Colleague" in colleague.page.content()
    assert_no_violations(colleague, "an invitation's page")
    _shot(colleague, "invitation-link")
    colleague.page.fill("#p-new", "cara's own long passphrase")
    colleague.page.fill("#p-again", "cara's own long passphrase")
    colleague.page.get_by_role("button", name="Set my password and log in").click()
    colleague.page.wait_for_url(synthetic_server.url("/staff"))
    assert "Logged in as Cara Colleague (viewer)" in colleague.page.content()
    admin.page.reload()
    row = admin.page.get_by_role("row").filter(has_text=email)
    assert "Invited" not in row.inner_text() and "yes" in row.inner_text()
    assert admin.errors == [] and colleague.errors == []


def test_two_factor_turned_on_then_asked_for_at_login(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    _account(synthetic_server, "twofa@council.gov.uk")
    web = open_browsing(LAPTOP)
    _log_in(web, synthetic_server, "twofa@council.gov.uk")
    web.page.get_by_role("link", name="Two-factor login").click()
    web.page.wait_for_url("**/staff/two-factor")
    assert_no_violations(web, "two-factor set-up")
    _shot(web, "two-factor-setup")
    phone = open_browsing(PHONE)
    _log_in(phone, synthetic_server, "twofa@council.gov.uk")
    phone.goto(synthetic_server, "/staff/two-factor")
    _shot(phone, "two-factor-setup")
    # As a person would: the key as the page shows it, typed into the app.
    key = web.page.locator("#t-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    assert web.page.get_by_role("img", name=re.compile("QR code")).count() == 1
    totp = pyotp.TOTP(key)
    web.page.fill("#t-code", "000000" if totp.now() != "000000" else "111111")
    web.page.get_by_role("button", name="Turn on two-factor login").click()
    web.page.wait_for_load_state("load")
    assert "That code is not right" in web.page.content()
    assert_no_violations(web, "two-factor set-up, wrong code")
    web.page.fill("#t-code", totp.now())
    web.page.get_by_role("button", name="Turn on two-factor login").click()
    web.page.wait_for_load_state("load")
    assert "Your recovery codes" in web.page.content()
    assert web.page.locator(".sp-codes li").count() == 10
    assert_no_violations(web, "two-factor recovery codes")
    _shot(web, "two-factor-codes")
    web.page.get_by_role("button", name="Log out").click()
    web.page.wait_for_url("**/staff/login")

    _log_in(web, synthetic_server, "twofa@council.gov.uk")
    web.page.wait_for_url("**/staff/login/code")
    assert_no_violations(web, "the code prompt")
    _shot(web, "code-prompt")
    web.page.fill("#code", "12345")
    web.page.get_by_role("button", name="Log in").click()
    web.page.wait_for_load_state("load")
    assert "That code is not right" in web.page.content()
    assert_no_violations(web, "the code prompt, wrong code")
    _shot(web, "code-prompt-error")
    # The code that turned it on is spent: the app's next one (30 s on) is accepted now.
    web.page.fill("#code", totp.at(time.time() + 30))
    web.page.get_by_role("button", name="Log in").click()
    web.page.wait_for_url(synthetic_server.url("/staff"))
    assert "Logged in as Twofa" in web.page.content()
    phone.page.get_by_role("button", name="Log out").click()
    phone.page.wait_for_url("**/staff/login")
    _log_in(phone, synthetic_server, "twofa@council.gov.uk")
    phone.page.wait_for_url("**/staff/login/code")
    _shot(phone, "code-prompt")
    assert web.errors == [] and phone.errors == []
