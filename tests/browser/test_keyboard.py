"""Keyboard only: from the start page to the results, the map's markers and controls, the
exit link and the Keep Safe Card, with nothing but Tab, typing, Enter and Escape."""

from __future__ import annotations

import pytest
from browser.helpers import (
    CARD_NAME,
    CARD_PATH,
    CARD_PHONE,
    SHOW_CARD,
    Browsing,
    Focus,
    LiveServer,
    active,
    card_dialog,
    focus_is_visible,
    focus_matches,
    needs_card,
    tab_to,
    wait_for_map,
)
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MARKER_1 = '.leaflet-marker-icon[aria-label="1: Matlock Library"]'
MAP_STATE = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const c = map.getCenter();
    return [map.getZoom(), c.lat, c.lng];
}"""


def map_state(page: Page) -> tuple[float, float, float]:
    zoom, lat, lon = page.evaluate(MAP_STATE)
    return zoom, lat, lon


def press_tab(page: Page) -> Focus | None:
    page.keyboard.press("Tab")
    return active(page)


def test_keyboard_only_search_results_and_map(web: Browsing, real_server: LiveServer) -> None:
    page = web.page
    web.goto(real_server, "/")

    # The first Tab stop is the skip link, and it shows when focused.
    first = press_tab(page)
    assert first is not None and first.has_class("sp-skip"), f"first Tab stop: {first}"
    assert page.locator(".sp-skip").is_visible() and focus_is_visible(page)

    # The search box is a few presses away (skip link, brand, exit, box).
    trail: list[Focus] = [first]
    presses = 1 + tab_to(page, "#q", limit=10, trail=trail)
    assert presses <= 5, f"the search box took {presses} presses: {[str(f) for f in trail]}"
    assert focus_is_visible(page)
    page.keyboard.type("DE4 3AG")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_for_map(page)
    assert "/find?q=DE4+3AG" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Safe Places near DE4 3AG"

    # From the top of the results: the exit link comes early, then help, then the search
    # folded to "You searched for DE4 3AG. Change", which opens with Enter; then the answer.
    trail = []
    tab_to(page, ".sp-exit", limit=5, trail=trail)
    assert focus_is_visible(page)
    tab_to(page, ".sp-searched > summary", limit=3, trail=trail)
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    tab_to(page, "#q", limit=2, trail=trail)
    assert page.locator("#q").input_value() == "DE4 3AG"
    tab_to(page, ".sp-answer .sp-big-go", limit=6, trail=trail)

    # The first result's links, in order.
    first_result = ".sp-places > li:first-child"
    links = page.locator(f"{first_result} a[href]")
    assert links.count() >= 2
    assert "Matlock Library" in page.locator(first_result).inner_text()
    tab_to(page, f"{first_result} a[href]", limit=40, trail=trail)
    for i in range(1, links.count()):
        press_tab(page)
        is_next = links.nth(i).evaluate("e => e === document.activeElement")
        assert is_next, f"Tab after link {i} of the first result went to {active(page)}"
    _keyboard_works_the_map(page, trail)


def _keyboard_works_the_map(page: Page, trail: list[Focus]) -> None:
    """After the list: the markers, the zoom buttons and the pan buttons, by keyboard."""
    # The map's markers: real buttons, named "1: Matlock Library".
    tab_to(page, MARKER_1, limit=60, trail=trail)
    marker = page.locator(MARKER_1)
    assert marker.get_attribute("role") == "button"
    assert focus_is_visible(page), "the focused marker shows no focus outline"
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert "1: Matlock Library" in popup.inner_text()

    # Then the zoom buttons, next to each other, and the four pan buttons.
    tab_to(page, ".leaflet-control-zoom-in", limit=30, trail=trail)
    assert focus_is_visible(page)
    zoom_before = map_state(page)[0]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({MAP_STATE})()[0] !== {zoom_before}")
    assert press_tab(page) is not None and focus_matches(page, ".leaflet-control-zoom-out")

    tab_to(page, ".sp-pan button", limit=5, trail=trail)
    pan = [active(page)]
    for _ in range(3):
        pan.append(press_tab(page))
    names = [f.name if f else "" for f in pan]
    assert names == ["Move map up", "Move map left", "Move map right", "Move map down"], names
    assert focus_is_visible(page)
    _, lat, lon = map_state(page)
    page.keyboard.press("Enter")  # on "Move map down"
    page.wait_for_function(f"() => ({MAP_STATE})()[1] < {lat}")
    assert map_state(page)[2] == pytest.approx(lon, abs=1e-3)  # down, not sideways


@needs_card
def test_keyboard_opens_and_closes_the_card(web: Browsing, synthetic_server: LiveServer) -> None:
    page = web.page
    web.goto(synthetic_server, CARD_PATH)
    tab_to(page, "#keep-safe-card input, #keep-safe-card textarea", limit=80)
    assert active(page) is not None and focus_is_visible(page)
    page.keyboard.type(CARD_NAME)
    tab_to(page, "#keep-safe-card input[type=tel]", limit=6)
    page.keyboard.type(CARD_PHONE)

    tab_to(page, lambda f: f.tag == "button" and bool(SHOW_CARD.match(f.name)), limit=15)
    show = active(page)
    page.keyboard.press("Enter")
    card = card_dialog(page)
    card.wait_for(state="visible")
    assert CARD_NAME in card.inner_text()
    # The focus moves into the card, and Escape closes it and puts the focus back.
    assert page.evaluate("() => !!document.activeElement.closest('dialog, [role=dialog]')"), (
        f"focus is not in the card: {active(page)}"
    )
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert active(page) == show, f"after Escape the focus is on {active(page)}, not {show}"
