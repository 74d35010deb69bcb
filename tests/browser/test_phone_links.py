"""Phone numbers in Chromium: an officer is told plainly why a number isn't real and keeps
what was typed; the place page then shows the numbers as dialled in the UK and links each in
E.164 with its extension; the places kept on the phone and the Keep Safe Card dial the same."""

from __future__ import annotations

import pytest
from browser.helpers import (
    LAPTOP,
    PHONE,
    SCREENSHOTS,
    BrowsingFactory,
    LiveServer,
    card_dialog,
    card_field,
    needs_card,
)
from playwright.sync_api import Page, ViewportSize

from locator.accounts import Role

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
KEPT_KEY = "safeplaces.kept"
TYPED = "01629 533400 ext 12 / 07911 123456 (textphone)"
SIZES = {"phone": PHONE, "laptop": LAPTOP}


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"phones-{name}.png"
    page.screenshot(path=path, full_page=full_page)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _log_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/staff/login?next=%2Fstaff%2Fplaces%2FS1"))
    page.fill("#email", "phones@council.gov.uk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/places/S1")


def _tels(page: Page, within: str) -> list[str]:
    links = page.locator(f"{within} a[href^='tel:']")
    return [str(h) for h in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]


def test_an_officer_fixes_a_number_and_the_place_page_dials_it(
    open_browsing: BrowsingFactory, changing_server: LiveServer
) -> None:
    users = changing_server.app.state.users
    users.create_user("phones@council.gov.uk", "Pat", Role.ADMIN, PASSWORD)
    web = open_browsing(PHONE)
    page = web.page
    _log_in(page, changing_server)
    page.fill("#f-phone", "0999999999")
    page.click("text=Save changes")
    page.wait_for_load_state("load")
    # Said by the box, and in the summary at the top; what was typed is still in the box.
    said = '"0999999999" is not a real UK phone number'
    assert said in page.locator(".sp-error-summary").inner_text()
    assert said in page.locator("#f-phone-error").inner_text()
    assert page.locator("#f-phone").input_value() == "0999999999"
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, f"staff-form-error-summary-{name}", full_page=False)
        page.locator("#f-phone-error").evaluate("e => e.scrollIntoView({block: 'center'})")
        shot(page, f"staff-form-error-field-{name}", full_page=False)

    page.fill("#f-phone", TYPED)
    page.click("text=Save changes")
    page.wait_for_load_state("load")
    assert page.locator("#f-phone").input_value() == (
        "01629 533400 ext. 12 / 07911 123456 (textphone)"
    )
    public = open_browsing(PHONE)
    public.goto(changing_server, "/places/S1")
    assert _tels(public.page, "main .sp-actions") == [
        "tel:+44-1629-533400;ext=12",
        "tel:+44-7911-123456",
    ]
    words = public.page.locator("main .sp-actions").inner_text()
    assert "Phone 01629 533400 ext. 12" in words and "Phone 07911 123456 (textphone)" in words
    for name, size in SIZES.items():
        public.page.set_viewport_size(size)
        shot(public.page, f"place-{name}")
    _kept_list_dials_the_extension(public.page, changing_server)
    _a_kept_email_is_listed_to_fix(page, changing_server)
    assert not web.errors and not public.errors, "\n".join(web.errors + public.errors)


def _a_kept_email_is_listed_to_fix(page: Page, server: LiveServer) -> None:
    """An email kept as typed (as the upgrade keeps one) is a tile on the dashboard, whose
    list is that place."""
    store = server.app.state.datasets.store
    store.update("S3", {"contact_email": "jo at library"}, "upgrade", store.get("S3").version)
    page.goto(server.url("/staff"))
    tile = page.locator(".sp-tile", has_text="A phone number or email that isn't right")
    assert tile.locator(".sp-tile-number").inner_text() == "1"
    tile.click()
    page.wait_for_load_state("load")
    assert page.locator("#f-fix").input_value() == "contact"
    assert page.locator("table tbody th[scope=row] a").all_inner_texts() == ["Alfreton Library"]
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        shot(page, f"staff-list-to-fix-{name}")


def _kept_list_dials_the_extension(page: Page, server: LiveServer) -> None:
    """The list kept on the phone links the same numbers, never their digits run together."""
    page.goto(server.url("/find?q=DE4%203AG"))
    page.get_by_label("Keep these places on my phone").check()
    page.wait_for_function("k => localStorage.getItem(k) !== null", arg=KEPT_KEY)
    page.goto(server.url("/"))
    shelf = _tels(page, "[data-kept] .sp-place:has-text('Matlock Library')")
    assert shelf == ["tel:+44-1629-533400;ext=12", "tel:+44-7911-123456"]


@needs_card
@pytest.mark.parametrize(
    ("typed", "tel"),
    [
        ("07911 123456", "tel:+447911123456"),
        ("+44 (0)7911 123456", "tel:+447911123456"),
        ("0044 7911 123456", "tel:+447911123456"),
        ("01629 533400 ext 12", "tel:+441629533400;ext=12"),
        ("101", "tel:101"),
    ],
)
def test_the_keep_safe_card_dials_its_contact_in_e164(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, typed: str, tel: str
) -> None:
    size: ViewportSize = PHONE
    web = open_browsing(size)
    web.goto(synthetic_server, "/card")
    card_field(web.page, "Your name").fill("Sam")
    card_field(web.page, "Their name").fill("Mum")
    card_field(web.page, "Their phone number").fill(typed)
    web.page.get_by_role("button", name="Show my card").first.click()
    dialog = card_dialog(web.page)
    dialog.wait_for(state="visible")
    assert _tels(web.page, "[data-card-out-tels]") == [tel]
    assert typed in dialog.locator("[data-card-out-tels]").inner_text()
    assert not web.errors, "\n".join(web.errors)
