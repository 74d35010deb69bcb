"""The yearly check's reminders, as the officer meets them: they add a venue's contact in
Chromium, council IT's daily `safeplaces reminders send` runs, the venue and the officer get
their emails (a real SMTP server on the loopback), and the officer's email link opens the list
of checks to do, where they mark them checked today; the next day's run has nothing to send."""

from __future__ import annotations

import io
import re

import pytest
from browser.helpers import LAPTOP, SCREENSHOTS, BrowsingFactory, LiveServer, assert_no_violations
from playwright.sync_api import Page
from smtp import Mailbox, link_in

from api.cli import main
from api.settings import Settings
from locator.accounts import Role

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def _cron(server: LiveServer, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    """`safeplaces reminders send` as cron runs it: the service's settings, from the
    environment, on the same database as the running server."""
    settings: Settings = server.app.state.settings
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(settings.data.dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(settings.data.cache_dir))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", settings.database)
    monkeypatch.setenv("SAFEPLACES_SERVER__PUBLIC_URL", server.base_url)
    for name, value in mailbox.environment().items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    return main(["reminders", "send", *args], out=out), out.getvalue()


def _log_in(page: Page, server: LiveServer) -> None:
    server.app.state.users.create_user("ann@council.gov.uk", "Ann Officer", Role.ADMIN, PASSWORD)
    page.goto(server.url("/staff/login"))
    page.fill("#email", "ann@council.gov.uk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff")


def _listed(page: Page) -> list[str]:
    return page.locator("table tbody th[scope=row] a").all_inner_texts()


def test_a_reminder_reaches_the_venue_and_its_link_opens_the_checks_to_do(
    open_browsing: BrowsingFactory,
    changing_server: LiveServer,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web = open_browsing(LAPTOP)
    page = web.page
    _log_in(page, changing_server)

    # The officer gives Matlock Library its contact for the yearly check.
    page.goto(changing_server.url("/staff/places/S1"))
    page.fill("#f-contact_name", "Jo Reed")
    page.fill("#f-contact_email", "jo.reed@library.example")
    page.click("text=Save changes")
    page.wait_for_load_state("load")
    assert page.locator("#f-contact_email").input_value() == "jo.reed@library.example"

    # Council IT's daily run: the never-checked places are overdue.
    code, out = _cron(changing_server, mailbox, monkeypatch)
    assert code == 0, out
    venue = mailbox.wait_for("jo.reed@library.example")
    assert venue["Subject"].endswith("Matlock Library's yearly check is overdue")
    assert "Dear Jo Reed," in venue.get_content()
    officer = mailbox.wait_for("ann@council.gov.uk")
    digest = officer.get_content()
    named = re.findall(r"^- (.+?) \(", digest, flags=re.MULTILINE)
    assert "Corner Café" in named and "Matlock Library" not in named  # it was written to

    # The email's link: the list of checks to do, every place the email named on it.
    link = link_in(officer)
    assert link.startswith(changing_server.base_url + "/staff/places?")
    page.goto(link)
    page.wait_for_load_state("load")
    assert set(named) <= set(_listed(page))
    assert_no_violations(web, "the checks to do, from a reminder")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "reminders-checks-to-do.png", full_page=True)

    # All of them checked today, at once.
    page.focus("#pick-all")
    page.keyboard.press("Space")
    page.click("button[value=checked]")
    page.wait_for_load_state("load")
    page.click("text=Yes, mark them checked today")
    page.wait_for_load_state("load")
    assert re.fullmatch(r"\d+ places marked as checked today\.", page.locator("h1").inner_text())

    # The next run has nothing to say: each reminder went once, and the checks are done.
    before = len(mailbox.messages)
    code, out = _cron(changing_server, mailbox, monkeypatch)
    assert code == 0 and out.startswith("No reminders to send")
    assert len(mailbox.messages) == before
    assert not web.errors, "\n".join(web.errors)
