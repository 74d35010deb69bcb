"""The map on a phone (360x740) in a real browser: a popup opened from the keyboard is the
next Tab stop after its marker, nothing on the map covers its words, the sticky header
covers neither marker nor popup, the popup says whether the place is open, and the map
region has a name. Screenshots for people to look at go to var/screenshots/map-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser.helpers import (
    SCREENSHOTS,
    Browsing,
    BrowsingFactory,
    LiveServer,
    active,
    axe_violations,
    describe_violations,
    focus_is_visible,
    tab_to,
)
from playwright.sync_api import Locator, Page, ViewportSize

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 360, "height": 740}
RESULTS = "/find?q=DE4%203AG"
MARKER = '.leaflet-marker-icon[aria-label="2: Matlock Library"]'
MARKER_BEFORE = '.leaflet-marker-icon[aria-label="1: Corner Café"]'
POPUP = ".leaflet-popup-content"

MAP = "() => Object.values(window).find(v => v instanceof L.Map)"

# Move the map so the marker's centre is `x`, `y` pixels from the map's top-left corner.
PUT_MARKER_AT = f"""([selector, x, y]) => {{
    const map = ({MAP})();
    const box = map.getContainer().getBoundingClientRect();
    const r = document.querySelector(selector).getBoundingClientRect();
    map.panBy([r.left + r.width / 2 - box.left - x, r.top + r.height / 2 - box.top - y],
              {{animate: false}});
}}"""

# Two animation frames: the page's own scrolling after a focus change has happened.
SETTLED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} has no box (not shown)"
    return found


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def header_bottom(page: Page) -> float:
    return float(
        page.evaluate("() => document.querySelector('.sp-header').getBoundingClientRect().bottom")
    )


def screenshot(page: Page, name: str, tmp_path: Path) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in (tmp_path / name, SCREENSHOTS / name):
        page.screenshot(path=path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    return SCREENSHOTS / name


def open_popup_by_keyboard(page: Page, marker: str) -> Locator:
    """Focus the marker as Tab would (from the thing before it), then press Enter."""
    page.locator(marker).focus()
    page.keyboard.press("Enter")
    popup = page.locator(POPUP)
    popup.wait_for(state="visible")
    page.evaluate(SETTLED)
    return popup


@pytest.fixture
def phone(open_browsing: BrowsingFactory, synthetic_server: LiveServer) -> Browsing:
    web = open_browsing(PHONE)
    web.goto(synthetic_server, RESULTS)
    return web


def test_the_map_has_a_name(phone: Browsing) -> None:
    region = phone.page.get_by_role("region", name="Map of the Safe Places near DE4 3AG")
    assert region.count() == 1
    assert region.evaluate("e => e.classList.contains('leaflet-container')")


def test_popup_link_is_the_next_tab_stop_and_escape_returns(phone: Browsing) -> None:
    page = phone.page
    marker = page.locator(MARKER)
    popup = open_popup_by_keyboard(page, MARKER)
    assert marker.get_attribute("aria-expanded") == "true"

    page.keyboard.press("Tab")
    focus = active(page)
    assert focus is not None and focus.href == "/places/S1", f"Tab went to {focus}"
    assert focus.name == "More about Matlock Library"
    assert focus_is_visible(page)
    # Shift+Tab goes back to the marker, Tab again into the popup, then its close button.
    page.keyboard.press("Shift+Tab")
    assert marker.evaluate("e => e === document.activeElement")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focus = active(page)
    assert focus is not None and focus.has_class("leaflet-popup-close-button"), str(focus)

    # Escape from inside the popup closes it and puts the focus back on the marker.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert marker.evaluate("e => e === document.activeElement"), f"focus: {active(page)}"
    assert marker.get_attribute("aria-expanded") == "false"

    # After the close button, the next marker; and Tab goes on out of the map, not round
    # the popup again (whose stops come after every marker in the page's order).
    open_popup_by_keyboard(page, MARKER)
    for _ in range(3):
        page.keyboard.press("Tab")
    focus = active(page)
    assert focus is not None and focus.name.startswith("3: "), str(focus)
    tab_to(page, ".leaflet-control-zoom-in", limit=10)


def test_the_close_button_returns_focus_to_the_marker(phone: Browsing) -> None:
    page = phone.page
    popup = open_popup_by_keyboard(page, MARKER)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # on the close button
    popup.wait_for(state="detached")
    assert page.locator(MARKER).evaluate("e => e === document.activeElement"), str(active(page))


def test_popup_top_left_is_not_covered_by_the_controls(phone: Browsing, tmp_path: Path) -> None:
    """A marker near the map's top-left corner, where Leaflet's zoom buttons used to be."""
    page = phone.page
    page.evaluate(PUT_MARKER_AT, [MARKER, 30, 30])
    page.locator(".sp-map").scroll_into_view_if_needed()
    popup = open_popup_by_keyboard(page, MARKER)
    screenshot(page, "map-popup-top-left-360.png", tmp_path)

    text = box(popup)
    frame = box(page.locator(".leaflet-container"))
    # The popup's words are inside the map, whole.
    assert text["x"] >= frame["x"] and text["x"] + text["width"] <= frame["x"] + frame["width"]
    assert text["y"] >= frame["y"] and text["y"] + text["height"] <= frame["y"] + frame["height"]
    # No control on the map or beside it covers them: the zoom buttons, the pan buttons,
    # the attribution.
    controls = page.locator(".leaflet-control-zoom a, .sp-pan button, .leaflet-control-attribution")
    assert page.locator(".leaflet-control-zoom a").count() == 2
    for i in range(controls.count()):
        control = controls.nth(i)
        assert not overlap(text, box(control)), f"{control.inner_text()!r} covers the popup"
    # And the zoom buttons are whole targets.
    for button in page.locator(".leaflet-control-zoom a").all():
        b = box(button)
        assert b["width"] >= 44 and b["height"] >= 44, b


def test_popup_targets_are_big_enough(phone: Browsing) -> None:
    page = phone.page
    open_popup_by_keyboard(page, MARKER)
    for selector in (f"{POPUP} a[href]", ".leaflet-popup-close-button", MARKER):
        b = box(page.locator(selector))
        assert b["width"] >= 44 and b["height"] >= 44, f"{selector}: {b}"


def test_focused_marker_and_popup_are_not_under_the_header(phone: Browsing, tmp_path: Path) -> None:
    """Coming back up the page by Shift+Tab, the browser puts the marker at the window's top
    edge, where the sticky header is."""
    page = phone.page
    marker = page.locator(MARKER)
    page.evaluate(PUT_MARKER_AT, [MARKER, 180, 60])
    # Scroll so the marker is half under the header, then Tab to it from the marker before.
    top = header_bottom(page)
    m = box(marker)
    page.evaluate(f"window.scrollBy(0, {m['y'] + m['height'] / 2 - top})")
    assert box(marker)["y"] < header_bottom(page), "the test did not put the marker under"
    page.locator(MARKER_BEFORE).evaluate("e => e.focus({preventScroll: true})")
    page.keyboard.press("Tab")
    assert marker.evaluate("e => e === document.activeElement"), str(active(page))
    page.evaluate(SETTLED)
    assert box(marker)["y"] >= header_bottom(page), "the focused marker is under the header"

    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    page.evaluate(SETTLED)
    screenshot(page, "map-popup-header-360.png", tmp_path)
    limit = header_bottom(page)
    assert box(popup)["y"] >= limit, "the popup is under the header"
    assert box(marker)["y"] >= limit, "the marker is under the header"
    p = box(popup)
    assert p["y"] + p["height"] <= PHONE["height"], "the popup runs off the window"


def test_popup_says_whether_the_place_is_open(phone: Browsing) -> None:
    page = phone.page
    popup = open_popup_by_keyboard(page, MARKER)
    # The fixed clock is a Tuesday at 10am: Matlock Library (9am to 5pm) is open.
    listed = page.locator(".sp-places > li:nth-child(2)").inner_text()
    words = popup.locator(".sp-popup-opening").inner_text()
    assert "Open now" in words and "Closes" in words, words
    assert words.split("Open now", 1)[1].strip() in listed


def test_no_axe_violations_with_a_popup_open(phone: Browsing, tmp_path: Path) -> None:
    page = phone.page
    open_popup_by_keyboard(page, MARKER)
    page.keyboard.press("Tab")  # the link focused, as a keyboard user would have it
    screenshot(page, "map-popup-focused-link-360.png", tmp_path)
    violations: list[dict[str, Any]] = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not phone.errors, "\n".join(phone.errors)


@pytest.mark.parametrize("path", ["/places/S1", "/embed?q=Matlock"], ids=["place", "embed"])
def test_other_maps_popups_at_360(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, tmp_path: Path, path: str
) -> None:
    web = open_browsing(PHONE)
    web.goto(synthetic_server, path)
    page = web.page
    assert page.locator(".leaflet-container[role=region][aria-label^='Map of']").count() == 1
    marker = page.locator(".leaflet-marker-icon[tabindex='0']").first
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(POPUP)
    popup.wait_for(state="visible")
    page.evaluate(SETTLED)
    name = path.strip("/").split("?")[0].split("/")[0]
    screenshot(page, f"map-popup-{name}-360.png", tmp_path)
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.leaflet-popup-content')")
    text = box(popup)
    frame = box(page.locator(".leaflet-container"))
    assert text["y"] >= frame["y"] and text["y"] + text["height"] <= frame["y"] + frame["height"]
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
