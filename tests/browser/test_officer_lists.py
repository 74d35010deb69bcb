"""An officer's morning in Chromium: log in to the dashboard, open the overdue checks, widen
the list to any status, find places by postcode, mark several checked today, download the
list for Excel and print it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from browser.helpers import LAPTOP, PHONE, SCREENSHOTS, BrowsingFactory, LiveServer
from openpyxl import load_workbook
from playwright.sync_api import Page

from locator.accounts import Role

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"lists-{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def match_count(page: Page) -> int:
    found = re.match(r"(\d+) places? match", page.locator("#count").inner_text())
    assert found is not None
    return int(found.group(1))


def listed(page: Page) -> list[str]:
    return page.locator("table tbody th[scope=row] a").all_inner_texts()


def test_an_officers_morning(open_browsing: BrowsingFactory, changing_server: LiveServer) -> None:
    users = changing_server.app.state.users
    users.create_user("jo@council.gov.uk", "Jo", Role.EDITOR, PASSWORD, frozenset({"E07000035"}))
    web = open_browsing(LAPTOP)
    page = web.page
    page.goto(changing_server.url("/staff/login"))
    page.fill("#email", "jo@council.gov.uk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff")  # the dashboard
    shot(page, "dashboard")

    # The overdue number, then its list: the same number of places.
    # An editor sees their own area's checks first, then every area's.
    own = page.get_by_role("region", name="Yearly checks in Derbyshire Dales")
    assert own.locator(".sp-tile-number").first.inner_text() == "3"
    everywhere = page.get_by_role("region", name="Yearly checks in every area")
    tile = everywhere.locator(".sp-tile", has_text="Overdue (or never checked)")
    overdue = int(tile.locator(".sp-tile-number").inner_text())
    tile.click()
    page.wait_for_load_state("load")
    assert match_count(page) == overdue == 6
    assert page.locator("#f-check").input_value() == "overdue"
    # Every other filter on "Any": the list the officer couldn't get before.
    page.select_option("#f-status", "")
    page.click("text=Show places")
    page.wait_for_load_state("load")
    assert "not valid" not in page.content()
    for name in ("status", "area", "kind", "missing", "changed"):
        assert page.locator(f"#f-{name}").input_value() == ""
    assert match_count(page) == 6 and "Chesterfield Police Station" in listed(page)
    _tick_several_checked_today(page)
    _download_and_print(page)
    assert not web.errors, "\n".join(web.errors)


def _tick_several_checked_today(page: Page) -> None:
    """Find places by postcode, tick them all by keyboard, and mark them checked today."""
    # A postcode as people type it, then the postcode district.
    page.fill("#f-q", "de43ag")
    page.select_option("#f-check", "")
    page.click("text=Show places")
    page.wait_for_load_state("load")
    assert listed(page) == ["Corner Café"]
    page.fill("#f-q", "DE4")
    page.click("text=Show places")
    page.wait_for_load_state("load")
    on_screen = listed(page)
    assert len(on_screen) == 3
    shot(page, "list")

    # Several at once, by keyboard: "Select all on this page", then "Checked today".
    page.focus("#pick-all")
    page.keyboard.press("Space")
    assert page.locator("#picked-count").inner_text() == "3 places ticked."
    page.click("button[value=checked]")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Mark 3 places as checked today?"
    shot(page, "bulk-confirm")
    page.click("text=Yes, mark them checked today")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "3 places marked as checked today."
    page.click("main >> text=Back to the list >> nth=0")
    page.wait_for_load_state("load")
    assert page.locator("#f-q").input_value() == "DE4"
    assert "(overdue)" not in page.locator("table").inner_text()
    assert listed(page) == on_screen


def _download_and_print(page: Page) -> None:
    """The download has the places on screen, in the same order; the print view fits A4."""
    with page.expect_download() as download:
        page.click("text=Download for Excel (.xlsx)")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == listed(page)

    # The print view: no navigation, and the table fits an A4 page.
    page.click("text=Print this list")
    page.wait_for_load_state("load")
    shot(page, "print")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 less 12 mm margins, at 96 dpi
    assert page.locator(".sp-staff-bar, .sp-header, .sp-footer").count() == 0
    fits = page.evaluate(
        "() => document.querySelector('table').scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits
    assert page.locator("text=Back to the list").is_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_list_on_a_phone(open_browsing: BrowsingFactory, changing_server: LiveServer) -> None:
    users = changing_server.app.state.users
    users.create_user("ph@council.gov.uk", "Ph", Role.ADMIN, PASSWORD)
    web = open_browsing(PHONE)
    page = web.page
    page.goto(changing_server.url("/staff/login?next=%2Fstaff%2Fplaces%3Fq%3Dde4"))
    page.fill("#email", "ph@council.gov.uk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/places?q=de4")
    assert match_count(page) == 3
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the list scrolls sideways on a phone ({width}px)"
    shot(page, "list-phone")
