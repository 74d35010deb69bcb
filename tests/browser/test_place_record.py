"""One place's year in Chromium: an officer logs in, opens a place, marks it checked today,
suspends it with a reason (refused first without one), reads both in the history under
their own name, shows it again and follows the link to the page the public sees."""

from __future__ import annotations

import pytest
from browser.helpers import (
    LAPTOP,
    PHONE,
    SCREENSHOTS,
    BrowsingFactory,
    LiveServer,
    axe_violations,
    describe_violations,
)
from playwright.sync_api import Page

from locator.accounts import Role

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
REASON = "Venue closed for refurbishment until March"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"words-{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def log_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url("/staff/login"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff")


def no_violations(page: Page, state: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{state}:\n{describe_violations(violations)}"


def test_checked_today_and_a_suspension_in_the_history_by_name(
    open_browsing: BrowsingFactory, changing_server: LiveServer
) -> None:
    users = changing_server.app.state.users
    users.create_user(
        "ann.officer@council.gov.uk", "Ann Officer", Role.EDITOR, PASSWORD, frozenset({"E07000035"})
    )
    page = open_browsing(LAPTOP).page
    log_in(page, changing_server, "ann.officer@council.gov.uk")
    page.goto(changing_server.url("/staff/places/S1"))
    # A staff page: no quick exit, no "help now" panel; areas by name.
    assert page.get_by_role("link", name="Exit this page").count() == 0
    assert page.get_by_role("heading", name="I need help now").count() == 0
    facts = page.locator(".sp-facts").inner_text()
    assert "Area: Derbyshire Dales." in facts and "Last yearly check: never." in facts
    shot(page, "place")

    page.get_by_role("button", name="Checked today").click()
    page.wait_for_url("**/staff/places/S1?saved=checked")
    assert "Checked today" in page.get_by_role("status").inner_text()
    assert "overdue" not in page.locator(".sp-facts").inner_text()
    no_violations(page, "place page, checked today")
    shot(page, "place-checked")

    page.get_by_role("link", name="Suspend (hide from the public for now)").click()
    page.wait_for_url("**/staff/places/S1/status?action=suspend")
    assert page.get_by_role("heading", level=1).inner_text() == "Suspend Matlock Library?"
    page.get_by_role("button", name="Suspend this place").click()  # no reason yet
    page.wait_for_load_state("load")
    assert "Say why, in a few words" in page.locator(".sp-error-summary").inner_text()
    # The summary's link takes the keyboard to the box.
    page.locator(".sp-error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "f-reason"
    no_violations(page, "suspend, no reason given")
    shot(page, "suspend-no-reason")
    page.keyboard.type(REASON)
    shot(page, "suspend-form")
    page.get_by_role("button", name="Suspend this place").click()
    page.wait_for_url("**/staff/places/S1?saved=suspend")
    assert "The public can't see this place now." in page.locator(".sp-facts").inner_text()
    assert page.get_by_role("link", name="See this place as the public does").count() == 0

    page.get_by_role("link", name="History of this place").click()
    page.wait_for_url("**/staff/places/S1/history")
    headings = page.locator("section h2").all_inner_texts()
    assert headings[:2] == ["Suspended by Ann Officer", "Checked by Ann Officer"]
    newest = page.locator("section").first.inner_text()
    assert f"Suspended: {REASON}." in newest and "ann.officer@" not in page.content()
    no_violations(page, "history in words")
    shot(page, "history")

    # Shown again, the place links to its public page, which keeps the quick exit.
    page.get_by_role("link", name="Back to Matlock Library").click()
    page.get_by_role("button", name="Restore (show to the public again)").click()
    page.wait_for_url("**/staff/places/S1?saved=restore")
    page.get_by_role("link", name="See this place as the public does").click()
    page.wait_for_url(changing_server.url("/places/S1"))
    assert "Matlock Library" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Exit this page").count() == 1


def test_the_place_page_on_a_phone(
    open_browsing: BrowsingFactory, changing_server: LiveServer
) -> None:
    users = changing_server.app.state.users
    users.create_user("ed@council.gov.uk", "Ed", Role.ADMIN, PASSWORD)
    page = open_browsing(PHONE).page
    log_in(page, changing_server, "ed@council.gov.uk")
    page.goto(changing_server.url("/staff/places/S1/status?action=remove"))
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "remove-phone")
    page.goto(changing_server.url("/staff/places/S1"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "place-phone")
