"""The person's first minute, on a phone (360x740) with the clock fixed: in every state of a
search, the first screen holds the answer; every target is at least 44x44; axe finds nothing,
with a popup open too; and each picture sits beside its words. Screenshots of each state are
saved under var/screenshots/ to look at."""

from __future__ import annotations

from typing import Any

import pytest
from browser.helpers import (
    SCREENSHOTS,
    Browsing,
    BrowsingFactory,
    LiveServer,
    axe_violations,
    describe_violations,
)
from playwright.sync_api import Page, ViewportSize

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 360, "height": 740}

# Visible targets smaller than 44x44 CSS px (the skip link shows only when focused; map tiles
# and Leaflet's own panes are not targets).
SMALL_TARGETS = """() => [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')]
    .filter(e => !e.closest('.sp-visually-hidden, .sp-skip, [hidden]'))
    .map(e => [e, e.closest('label') || e.labels?.[0] || e])
    .filter(([e]) => e.getClientRects().length > 0)
    .map(([e, box]) => {
        const r = e.getBoundingClientRect(), l = box.getBoundingClientRect();
        return {what: e.outerHTML.slice(0, 90), w: Math.max(r.width, l.width),
                h: Math.max(r.height, l.height)};
    })
    .filter(t => t.w < 43.5 || t.h < 43.5)
    .slice(0, 10)"""

# Pictures with no words beside them (each has an empty alt: its words say what it shows).
LONELY_PICTURES = """() => [...document.querySelectorAll('img')]
    .filter(i => !i.closest('.leaflet-tile-container'))
    .filter(i => !(i.getAttribute('alt') || '').trim()
                 && !(i.parentElement.textContent || '').trim())
    .map(i => i.outerHTML.slice(0, 90))"""


def _open(open_browsing: BrowsingFactory, server: LiveServer, path: str, name: str) -> Browsing:
    """The page on a phone, its first screen saved to look at."""
    web = open_browsing(PHONE)
    web.goto(server, path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    web.page.screenshot(path=str(SCREENSHOTS / f"first-minute-{name}-360.png"))
    return web


def _on_first_screen(page: Page, selector: str) -> None:
    """The element is visible without scrolling: wholly inside the first 740 px."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        f"{selector} is at {box['y']:.0f}-{box['y'] + box['height']:.0f} px, "
        f"below the first screen ({PHONE['height']} px)"
    )


def _text_on_first_screen(page: Page, text: str) -> None:
    _on_first_screen(page, f"main :text({text!r})")


def _checks(web: Browsing, name: str) -> None:
    """What every state must pass: targets, pictures, axe (with a popup open), a screenshot."""
    page = web.page
    small: list[dict[str, Any]] = page.evaluate(SMALL_TARGETS)
    assert small == [], f"{name}: targets smaller than 44x44: {small}"
    assert page.evaluate(LONELY_PICTURES) == [], f"{name}: a picture without its words"
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    marker = page.locator(".leaflet-marker-icon.sp-marker:not(.sp-marker-origin)")
    if marker.count():
        marker.first.focus()
        page.keyboard.press("Enter")
        page.locator(".leaflet-popup-content").wait_for(state="visible")
        violations = axe_violations(page)
        assert violations == [], "with a popup open: " + describe_violations(violations)
    assert web.errors == []


def test_a_place_open_within_the_walk(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    # Tuesday 10am: Matlock Library is open, a few minutes from DE4 3AG.
    web = _open(open_browsing, synthetic_server, "/find?q=DE4%203AG", "open")
    page = web.page
    answer = page.locator(".sp-answer")
    assert "Nearest Safe Place open now" in answer.inner_text()
    assert "Matlock Library" in answer.inner_text()
    for selector in (
        ".sp-answer .sp-answer-name",
        ".sp-answer :text('walk')",
        ".sp-answer .sp-hours-open",
        ".sp-answer :text('Show me the way')",
        ".sp-answer :text('More about this place')",
        ".sp-searched summary",
    ):
        _on_first_screen(page, selector)
    assert "Open now" in page.locator(".sp-answer .sp-hours-open").inner_text()
    assert "Help now" in page.locator(".sp-help-link").inner_text()
    _on_first_screen(page, ".sp-help-link")
    _checks(web, "open")


def test_none_open_within_the_walk(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    # Alfreton Library opens on Mondays only; nothing else is within a 15-minute walk.
    web = _open(open_browsing, synthetic_server, "/find?q=DE55%207BQ", "none-open")
    page = web.page
    assert "No Safe Place is open near you now" in page.locator(".sp-answer").inner_text()
    for selector in (
        ".sp-answer a[href='tel:999']",
        ".sp-answer a[href='tel:101']",
        ".sp-answer .sp-answer-name",
        ".sp-answer .sp-hours-closed",
    ):
        _on_first_screen(page, selector)
    assert "Opens" in page.locator(".sp-answer .sp-hours-closed").inner_text()
    _checks(web, "none-open")


def test_an_ambiguous_name_is_a_question(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _open(open_browsing, synthetic_server, "/find?q=Newton", "ambiguous")
    page = web.page
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == "Which Newton do you mean?"
    assert page.locator(".sp-error-summary").count() == 0  # a question, not an error
    choices = page.locator(".sp-question a.sp-big")
    assert choices.count() == 2
    assert "Newton, in Bolsover" in choices.nth(0).inner_text()
    assert "(DE55)" not in page.locator(".sp-question").inner_text()  # no codes as labels
    for i in range(2):
        _on_first_screen(page, f".sp-question li:nth-child({i + 1}) a")
    _checks(web, "ambiguous")


def test_an_unknown_postcode_is_answered_as_a_postcode(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _open(open_browsing, synthetic_server, "/find?q=XX1%201XX", "unknown-postcode")
    page = web.page
    summary = page.locator(".sp-error-summary").inner_text()
    assert "postcode" in summary.lower() and "place called" not in summary
    _on_first_screen(page, ".sp-error-summary")
    _on_first_screen(page, "#q")
    assert page.locator("#q").input_value() == "XX1 1XX"
    _checks(web, "unknown-postcode")


def test_a_partly_typed_postcode_is_not_another_district(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _open(open_browsing, synthetic_server, "/find?q=DE4%203", "partly-typed")
    page = web.page
    message = page.locator(".sp-message").first
    assert "DE4 3" in message.inner_text() and "DE43" not in message.inner_text()
    _on_first_screen(page, ".sp-message")
    _on_first_screen(page, ".sp-answer .sp-answer-name")
    _checks(web, "partly-typed")


def test_a_postcode_outside_the_area(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _open(open_browsing, synthetic_server, "/find?q=M12%204HP", "outside-area")
    page = web.page
    answer = page.locator(".sp-answer").inner_text()
    assert "outside the area we cover" in answer
    assert "Derbyshire and Derby" in answer
    _on_first_screen(page, ".sp-answer a[href='tel:999']")
    _on_first_screen(page, ".sp-answer a[href='tel:101']")
    text = page.locator("main").inner_text()
    assert "M12 4HP" in text and "We couldn't find the postcode" not in text
    _checks(web, "outside-area")


@pytest.mark.parametrize(
    "path",
    ["/", "/places/S1?q=DE4%203AG", "/privacy", "/about", "/hate-crime", "/embed?q=Matlock"],
)
def test_every_public_page_has_big_targets_and_pictures_beside_words(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, path: str
) -> None:
    web = open_browsing(PHONE)
    web.goto(synthetic_server, path)
    small: list[dict[str, Any]] = web.page.evaluate(SMALL_TARGETS)
    assert small == [], f"{path}: targets smaller than 44x44: {small}"
    assert web.page.evaluate(LONELY_PICTURES) == [], f"{path}: a picture without its words"
