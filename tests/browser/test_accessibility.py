"""axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) on every public page and state, in Chromium."""

from __future__ import annotations

import pytest
from browser.helpers import (
    CARD_NAME,
    CARD_PATH,
    PAGES,
    SHOW_CARD,
    Browsing,
    LiveServer,
    assert_no_violations,
    card_dialog,
    fill_card,
    needs_card,
)

from locator.accounts import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("state", "path"), PAGES, ids=[state for state, _ in PAGES])
def test_page_has_no_axe_violations(
    web: Browsing, synthetic_server: LiveServer, state: str, path: str
) -> None:
    web.goto(synthetic_server, path)
    assert_no_violations(web, state)


OGC_PAGES = [
    ("ogc landing", "/ogc?f=html"),
    ("ogc conformance", "/ogc/conformance?f=html"),
    ("ogc collections", "/ogc/collections?f=html"),
    ("ogc collection", "/ogc/collections/safe-places?f=html"),
    ("ogc items", "/ogc/collections/safe-places/items?f=html&limit=2"),
    ("ogc item", "/ogc/collections/safe-places/items/S1?f=html"),
    ("ogc items filtered", "/ogc/collections/safe-places/items?f=html&category=library"),
    ("ogc items sorted", "/ogc/collections/safe-places/items?f=html&sortby=-name&crs=EPSG:27700"),
    ("ogc queryables", "/ogc/collections/safe-places/queryables?f=html"),
    ("ogc sortables", "/ogc/collections/police-enquiry-offices/sortables?f=html"),
    ("ogc api", "/ogc/api?f=html"),
    ("ogc error", "/ogc/collections/libraries?f=html"),
]


@pytest.mark.parametrize(("state", "path"), OGC_PAGES, ids=[s for s, _ in OGC_PAGES])
def test_ogc_pages_have_no_axe_violations(
    web: Browsing, synthetic_server: LiveServer, state: str, path: str
) -> None:
    """The HTML forms of the OGC API - Features resources, for GIS users in a browser."""
    web.goto(synthetic_server, path)
    assert_no_violations(web, state)
    assert not web.errors, "\n".join(web.errors)


def test_results_with_a_map_popup_open(web: Browsing, synthetic_server: LiveServer) -> None:
    web.goto(synthetic_server, "/find?q=DE4%203AG")
    # By keyboard: at this zoom marker 2 covers most of marker 1 (see the target-size rule).
    web.page.locator('.leaflet-marker-icon[aria-label^="1: "]').focus()
    web.page.keyboard.press("Enter")
    web.page.locator(".leaflet-popup-content").wait_for(state="visible")
    assert_no_violations(web, "results, popup open")


def test_real_results_page(web: Browsing, real_server: LiveServer) -> None:
    """The real data: more places, longer names, police offices placed by town."""
    web.goto(real_server, "/find?q=DE4%203AG")
    assert_no_violations(web, "results on the real data")


@needs_card
def test_keep_safe_card_filled_in_and_full_screen(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    page = web.page
    web.goto(synthetic_server, CARD_PATH)
    fill_card(page)
    # Only the card's own parts: the rest of the page is checked above.
    assert_no_violations(web, "Keep Safe Card panel, filled in", within="#keep-safe-card")
    page.get_by_role("button", name=SHOW_CARD).click()
    card = card_dialog(page)
    card.wait_for(state="visible")
    assert CARD_NAME in card.inner_text()
    assert_no_violations(web, "Keep Safe Card, full screen", within="dialog[open]")


def test_kept_places_have_no_axe_violations(web: Browsing, synthetic_server: LiveServer) -> None:
    """ "Keep these places on my phone" ticked on the results, "Places you kept" on the home
    page and the no-signal page, and the home page once they are forgotten."""
    page = web.page
    web.goto(synthetic_server, "/find?q=DE4%203AG")
    page.get_by_label("Keep these places on my phone").check()
    page.locator("[data-keep-status]").wait_for(state="visible")
    assert_no_violations(web, "results, places kept")
    for state, path in [("home, places kept", "/"), ("no signal, places kept", "/offline")]:
        web.goto(synthetic_server, path)
        page.get_by_role("heading", name="Places you kept").wait_for(state="visible")
        assert_no_violations(web, state)
    page.get_by_role("button", name="Forget these places").click()
    page.locator("[data-kept-status]").wait_for(state="visible")
    assert_no_violations(web, "no signal, places forgotten")


def test_staff_pages_have_no_axe_violations(web: Browsing, synthetic_server: LiveServer) -> None:
    """The staff log-in page (empty and with an error) and the place list, logged in."""
    users = synthetic_server.app.state.users
    if not any(u.email == "axe@council.gov.uk" for u in users.users()):
        users.create_user("axe@council.gov.uk", "Axe", Role.ADMIN, "correct horse battery")
    web.goto(synthetic_server, "/staff/login")
    assert_no_violations(web, "staff log in")
    web.page.fill("#email", "axe@council.gov.uk")
    web.page.fill("#password", "not the password")
    web.page.click("button[type=submit]")
    web.page.wait_for_load_state("load")
    assert "There is a problem" in web.page.content()
    assert_no_violations(web, "staff log in, wrong password")
    web.page.fill("#password", "correct horse battery")
    web.page.click("button[type=submit]")
    web.page.wait_for_url("**/staff")
    assert_no_violations(web, "staff dashboard")
    _list_pages_have_no_violations(web, synthetic_server)
    web.goto(synthetic_server, "/staff/places/S1")
    assert_no_violations(web, "staff edit form with map")
    web.page.fill("#f-phone", "12")
    web.page.click("text=Save changes")
    web.page.wait_for_load_state("load")
    assert_no_violations(web, "staff edit form with errors")
    web.goto(synthetic_server, "/staff/places/S1/history")
    assert_no_violations(web, "staff history")
    # Asking why before a place is hidden: the question, then refused without a reason.
    web.goto(synthetic_server, "/staff/places/S1/status?action=suspend")
    assert_no_violations(web, "staff suspend, asking why")
    web.page.click("text=Suspend this place")
    web.page.wait_for_load_state("load")
    assert "Say why" in web.page.content()
    assert_no_violations(web, "staff suspend, no reason given")
    web.goto(synthetic_server, "/staff/places/S1/status?action=remove")
    assert_no_violations(web, "staff remove, asking why")
    web.goto(synthetic_server, "/staff/places/new")
    assert_no_violations(web, "staff new place form")
    web.goto(synthetic_server, "/staff/import")
    assert_no_violations(web, "staff import")
    web.page.set_input_files(
        "#file",
        files=[{"name": "v.csv", "mimeType": "text/csv",
                "buffer": b"external_ref,name,category,postcode\nX1,Shop,shop,ZZ9 9ZZ\n"}],
    )  # fmt: skip
    web.page.click("text=Check this file")
    web.page.wait_for_load_state("load")
    assert "Nothing can be imported" in web.page.content()
    assert_no_violations(web, "staff import preview with errors")
    _import_steps_have_no_violations(web, synthetic_server)
    _account_pages_have_no_violations(web, synthetic_server)


def _import_steps_have_no_violations(web: Browsing, synthetic_server: LiveServer) -> None:
    """The matching step for a file with headings in everyday words, before and after a
    column is left without a choice; then its preview, with a row that looks like a place
    we have and a bad row (nothing is imported: the shared server stays as it was)."""
    web.goto(synthetic_server, "/staff/import")
    web.page.set_input_files(
        "#file",
        files=[{"name": "v.csv", "mimeType": "text/csv",
                "buffer": b"Venue name,Type,Post code,Notes\nAxe Shop,Shop,DE4 3AG,x\n"
                          b"Matlock Library,Library,DE4 3AH,y\nFar Shop,Shop,ZZ9 9ZZ,z\n"}],
    )  # fmt: skip
    web.page.click("text=Check this file")
    web.page.wait_for_load_state("load")
    assert "What is in each column?" in web.page.content()
    assert_no_violations(web, "staff import, matching the columns")
    web.page.click("text=Check the places in this file")
    web.page.wait_for_load_state("load")
    assert "There is a problem" in web.page.content()
    assert_no_violations(web, "staff import, a column still to choose")
    web.page.select_option("#column-3", label="Leave this column out")
    web.page.click("text=Check the places in this file")
    web.page.wait_for_load_state("load")
    content = web.page.content()
    assert "1 place to add" in content and "this looks like Matlock Library" in content
    assert "Import the good rows, leave out row 4" in content
    assert_no_violations(web, "staff import preview with a lookalike and a bad row")


def _list_pages_have_no_violations(web: Browsing, synthetic_server: LiveServer) -> None:
    """The place list (with bulk changes), a filter it doesn't know, no match; asking before
    a bulk change, and a suspension without its reason; the print view. Nothing is changed."""
    web.goto(synthetic_server, "/staff/places")
    assert_no_violations(web, "staff place list")
    web.goto(synthetic_server, "/staff/places?q=Matlock&status=&kind=zoo")
    assert_no_violations(web, "staff place list, a filter it doesn't know")
    web.goto(synthetic_server, "/staff/places?q=nowhere+at+all")
    assert_no_violations(web, "staff place list, nothing matches")
    web.goto(synthetic_server, "/staff/places?q=de4")
    web.page.check("#pick-all")
    assert_no_violations(web, "staff place list, all on the page ticked")
    web.page.click("button[value=checked]")
    web.page.wait_for_load_state("load")
    assert "Mark 3 places as checked today?" in web.page.content()
    assert_no_violations(web, "staff bulk change, asking first")
    web.goto(synthetic_server, "/staff/places?q=de4")
    web.page.check("#pick-all")
    web.page.click("button[value=suspend]")
    web.page.wait_for_load_state("load")
    web.page.click("text=Yes, suspend them")  # without a reason
    web.page.wait_for_load_state("load")
    assert "There is a problem" in web.page.content()
    assert_no_violations(web, "staff bulk suspend without a reason")
    web.goto(synthetic_server, "/staff/places/print?status=current")
    assert_no_violations(web, "staff print view")


def _account_pages_have_no_violations(web: Browsing, synthetic_server: LiveServer) -> None:
    """The account list; one account's page, with an error, then asking before a delete;
    your own password (logged in as the admin)."""
    users = synthetic_server.app.state.users
    web.goto(synthetic_server, "/staff/users")
    assert_no_violations(web, "staff accounts")
    if users.find("axe-viewer@council.gov.uk") is None:
        users.create_user("axe-viewer@council.gov.uk", "V", Role.VIEWER, "correct horse battery")
    target = users.find("axe-viewer@council.gov.uk")
    web.goto(synthetic_server, f"/staff/users/{target.id}")
    assert_no_violations(web, "staff account")
    web.page.click("text=Email a link to set a new password")
    web.page.wait_for_load_state("load")
    assert "Sent a link to set a new password" in web.page.content()
    assert_no_violations(web, "staff account, a password link sent")
    web.page.click("text=Disable this account")
    web.page.wait_for_load_state("load")
    web.page.click("text=Email a link to set a new password")
    web.page.wait_for_load_state("load")
    assert "There is a problem" in web.page.content()
    assert_no_violations(web, "staff account, a password link refused")
    web.page.click("text=Enable this account")
    web.page.wait_for_load_state("load")
    web.page.click("text=Delete this account")
    web.page.wait_for_load_state("load")
    assert "Yes, delete it" in web.page.content()
    assert_no_violations(web, "staff account, delete asks first")
    web.goto(synthetic_server, "/staff/password")
    assert_no_violations(web, "change your own password")
    web.page.fill("#p-current", "not it")
    web.page.click("text=Change my password")
    web.page.wait_for_load_state("load")
    assert "There is a problem" in web.page.content()
    assert_no_violations(web, "change your own password, with an error")
