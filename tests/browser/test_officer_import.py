"""An officer imports in Chromium as Excel gives the files: a CSV saved by Excel on a
Windows PC (Windows-1252, semicolons, CRLF) and an .xlsx workbook, both headed in everyday
words; through the matching step, the preview (a lookalike of Matlock Library, updated as
chosen, and a bad row left out) and the confirm; then the places have their phones and
hours."""

from __future__ import annotations

import io

import pytest
from browser.helpers import (
    LAPTOP,
    PHONE,
    SCREENSHOTS,
    BrowsingFactory,
    LiveServer,
    assert_no_violations,
)
from openpyxl import Workbook
from playwright.sync_api import Page, ViewportSize

from geodata.store import PlaceStore
from locator.accounts import Role

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"

# As Excel's "CSV (Comma delimited)" writes it on a PC set to a European locale.
WINDOWS_CSV = (
    "Venue name;Post code;Telephone;Opening times;Type;Notes\r\n"
    "Old Mill Café;DE4 3AG;01629 111111;Mon-Fri 9am-5pm;Café;Ring the bell\r\n"
    'Matlock Library;DE4 3AH;01629 533400;"Mon-Fri 9-5; Sat 10-4; Sun closed";Library;\r\n'
    "Far Away Shop;ZZ9 9ZZ;;;Shop;\r\n"
).encode("cp1252")


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"imports-{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Venue name", "Post code", "Telephone", "Opening times", "Type"])
    sheet.append(["Hall Leys Surgery", "DE4 3AG", "01629 222222", "9am to 5.30pm", "GP surgery"])
    sheet.append(
        ["Bank Road Chemist", "DE4 3AG", "01629 333333", "Sat 10-4; Sun closed", "Chemist"]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _log_in(page: Page, server: LiveServer) -> None:
    server.app.state.users.create_user(
        "jo@council.gov.uk", "Jo", Role.EDITOR, PASSWORD, frozenset({"E07000035"})
    )
    page.goto(server.url("/staff/login"))
    page.fill("#email", "jo@council.gov.uk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff")


def _upload(page: Page, server: LiveServer, name: str, content: bytes) -> None:
    page.goto(server.url("/staff/import"))
    page.set_input_files("#file", files=[{"name": name, "mimeType": "", "buffer": content}])
    page.click("text=Check this file")
    page.wait_for_load_state("load")


def test_an_officer_imports_files_as_excel_saves_them(
    open_browsing: BrowsingFactory, changing_server: LiveServer
) -> None:
    web = open_browsing(LAPTOP)
    page = web.page
    store: PlaceStore = changing_server.app.state.datasets.store
    _log_in(page, changing_server)
    page.goto(changing_server.url("/staff/import"))
    shot(page, "upload")

    _upload(page, changing_server, "venues.csv", WINDOWS_CSV)
    _match_the_columns(page)
    page.click("text=Check the places in this file")
    page.wait_for_load_state("load")

    # The preview: one to add, Matlock Library again (left out until chosen), a bad row.
    content = page.content()
    assert "1 place to add" in content and "(1 still to choose)" in content
    assert "this looks like Matlock Library (DE4 3AH), with the same name and postcode" in content
    assert 'Row 4: postcode: "ZZ9 9ZZ" is not a postcode.' in page.inner_text("main")
    shot(page, "preview-lookalike-and-bad-row")
    page.get_by_label("Update Matlock Library with this row").check()
    page.click("text=Show what these choices would do")
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "1 place to update" in main and "Row 3: Matlock Library" in main
    shot(page, "preview-update-chosen")
    page.click("text=Import the good rows, leave out row 4")
    page.wait_for_load_state("load")
    assert "Imported: 2 places added or updated." in page.inner_text("main")

    cafe = next(r for r in store.rows() if r.name == "Old Mill Café")
    assert (cafe.phone, cafe.category, cafe.accessibility_notes) == (
        "+441629111111", "cafe", "Ring the bell",
    )  # fmt: skip
    assert cafe.opening_hours is not None and cafe.opening_hours.startswith("Mon 09:00-17:00")
    library = store.get("S1")
    assert library.phone == "+441629533400"
    assert library.opening_hours is not None and "Sat 10:00-16:00" in library.opening_hours
    assert "Sun" not in library.opening_hours
    assert [r.name for r in store.rows()].count("Matlock Library") == 1
    assert "Far Away Shop" not in {r.name for r in store.rows()}

    _import_a_workbook(page, changing_server, store)
    assert not web.errors, "\n".join(web.errors)


def _match_the_columns(page: Page) -> None:
    """The matching step for the Windows CSV: suggested, one column asked about, chosen."""
    assert page.locator("h1").inner_text() == "What is in each column?"
    assert "Old Mill Café" in page.content()  # read as Windows-1252
    assert page.get_by_label('What the column "Telephone" fills in').input_value() == "phone"
    assert page.get_by_label('What the column "Type" fills in').input_value() == "category"
    assert page.get_by_label('What the column "Notes" fills in').input_value() == ""
    shot(page, "matching")
    # Sent without a choice for Notes: the step again, saying so, the other choices kept.
    page.click("text=Check the places in this file")
    page.wait_for_load_state("load")
    assert (
        page.locator(".sp-error-summary")
        .inner_text()
        .endswith('Choose what the column "Notes" fills, or leave it out.')
    )
    assert page.get_by_label('What the column "Telephone" fills in').input_value() == "phone"
    shot(page, "matching-problem")
    page.get_by_label('What the column "Notes" fills in').select_option(label="Accessibility notes")


def _import_a_workbook(page: Page, server: LiveServer, store: PlaceStore) -> None:
    """The workbook: every heading suggested, so straight through the matching step."""
    _upload(page, server, "venues.xlsx", _workbook())
    assert page.locator("h1").inner_text() == "What is in each column?"
    page.click("text=Check the places in this file")
    page.wait_for_load_state("load")
    assert "2 places to add" in page.inner_text("main")
    page.click("text=Import these changes")
    page.wait_for_load_state("load")
    assert "Imported: 2 places added or updated." in page.inner_text("main")
    surgery = next(r for r in store.rows() if r.name == "Hall Leys Surgery")
    assert surgery.phone == "+441629222222" and surgery.category == "gp_surgery"
    assert surgery.opening_hours is not None and "Mon 09:00-17:30" in surgery.opening_hours
    chemist = next(r for r in store.rows() if r.name == "Bank Road Chemist")
    assert chemist.opening_hours == "Sat 10:00-16:00" and chemist.category == "pharmacy"


def test_the_matching_step_on_a_phone(
    open_browsing: BrowsingFactory, changing_server: LiveServer
) -> None:
    web = open_browsing(PHONE)
    page = web.page
    _log_in(page, changing_server)
    _upload(page, changing_server, "venues.csv", WINDOWS_CSV)
    assert page.get_by_label('What the column "Notes" fills in').is_visible()
    shot(page, "matching-phone")
    # Nothing is wider than the screen but the table, which scrolls in its own box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide"
    assert not web.errors, "\n".join(web.errors)


def test_the_choices_work_from_the_keyboard(
    open_browsing: BrowsingFactory, changing_server: LiveServer
) -> None:
    web = open_browsing(LAPTOP)
    page = web.page
    _log_in(page, changing_server)
    _upload(page, changing_server, "venues.csv", WINDOWS_CSV)
    # A select: focused, then typing its first letters picks "Leave this column out".
    page.get_by_label('What the column "Notes" fills in').focus()
    page.keyboard.type("Leave")
    assert page.get_by_label('What the column "Notes" fills in').input_value() == "leave_out"
    page.keyboard.press("Tab")
    # A key press starts the navigation later: wait for it, not for the page already here.
    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Check the places in this file"
    # The lookalike's choices are one radio group: arrows move between them.
    page.get_by_label("Update Matlock Library with this row").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.get_by_label("Add it as a new place").is_checked()
    page.keyboard.press("ArrowLeft")
    assert page.get_by_label("Update Matlock Library with this row").is_checked()
    page.keyboard.press("Tab")  # out of the group (one stop), to its button
    assert page.evaluate("document.activeElement.textContent") == "Show what these choices would do"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 place to update" in page.inner_text("main")
    assert not web.errors, "\n".join(web.errors)


# Matlock Library twice, both headed as our own names (no matching step).
TWICE = (
    b"name,category,postcode,phone\n"
    b"Matlock Library,Library,DE4 3AH,01629 533400\n"
    b"Matlock Library,Library,DE4 3AH,01629 533401\n"
)


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_two_rows_chosen_for_one_place_are_named_before_the_import(
    open_browsing: BrowsingFactory, changing_server: LiveServer, size: ViewportSize
) -> None:
    web = open_browsing(size)
    page = web.page
    store: PlaceStore = changing_server.app.state.datasets.store
    _log_in(page, changing_server)
    _upload(page, changing_server, "twice.csv", TWICE)
    for group in page.locator("fieldset").all():
        group.get_by_label("Update Matlock Library with this row").check()
    page.click("text=Show what these choices would do")
    page.wait_for_load_state("load")
    summary = page.locator(".sp-error-summary").inner_text()
    assert (
        "Rows 2 and 3 would both update Matlock Library: choose one of them, or add one as a "
        "new place."
    ) in summary
    assert page.locator("form[action$='/confirm']").count() == 0
    assert_no_violations(web, "two rows for one place")
    shot(page, f"clash-{size['width']}")
    page.locator("fieldset").nth(1).get_by_label("Add it as a new place").check()
    page.click("text=Show what these choices would do")
    page.wait_for_load_state("load")
    assert page.locator(".sp-error-summary").count() == 0
    page.click("text=Import these changes")
    page.wait_for_load_state("load")
    assert "Imported: 2 places added or updated." in page.inner_text("main")
    assert store.get("S1").phone == "+441629533400"
    assert [r.name for r in store.rows()].count("Matlock Library") == 2
    assert not web.errors, "\n".join(web.errors)
