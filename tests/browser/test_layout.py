"""Layout in a real browser: no sideways scrolling at 320px (WCAG 1.4.10), big touch targets
(44px; 24px on the map), large text, and screenshots of the results page to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser.helpers import (
    DESKTOP,
    NARROW,
    SCREENSHOTS,
    Browsing,
    BrowsingFactory,
    LiveServer,
)
from playwright.sync_api import Page, ViewportSize

from locator.accounts import Role

pytestmark = pytest.mark.browser

RESULTS = "/find?q=DE4%203AG"

WIDER_THAN_VIEWPORT = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 0.5)
        .filter(e => !e.closest('.sp-visually-hidden, .leaflet-container'))
        .slice(0, 10)
        .map(e => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}">`
                  + ` right=${Math.round(e.getBoundingClientRect().right)}`);
}"""


@pytest.mark.parametrize(
    "path",
    ["/", RESULTS, "/places/S1", "/find?q=SW1A%201AA"],
    ids=["home", "results", "place", "error"],
)
def test_no_sideways_scrolling_at_320px(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, path: str
) -> None:
    web = open_browsing(NARROW)
    web.goto(synthetic_server, path)
    scroll_width = web.page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, (
        f"{path} scrolls sideways at 320px (scrollWidth {scroll_width}); too wide: "
        f"{web.page.evaluate(WIDER_THAN_VIEWPORT)}"
    )


@pytest.mark.parametrize(
    "path",
    ["/staff", "/staff/places", "/staff/places/S1", "/staff/users", "/staff/users/1",
     "/staff/import", "/staff/password", "/staff/two-factor", "/staff/forgot",
     "/partners/embed"],
)  # fmt: skip
def test_staff_and_partner_pages_fit_320px(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, path: str
) -> None:
    users = synthetic_server.app.state.users
    if users.find("narrow@council.gov.uk") is None:
        users.create_user("narrow@council.gov.uk", "N", Role.ADMIN, "correct horse battery")
    web = open_browsing(NARROW)
    web.goto(synthetic_server, "/staff/login")
    web.page.fill("#email", "narrow@council.gov.uk")
    web.page.fill("#password", "correct horse battery")
    web.page.click("button[type=submit]")
    web.page.wait_for_url("**/staff")
    web.goto(synthetic_server, path)
    scroll_width = web.page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, (
        f"{path} scrolls sideways at 320px (scrollWidth {scroll_width}); too wide: "
        f"{web.page.evaluate(WIDER_THAN_VIEWPORT)}"
    )


def save_screenshot(page: Page, name: str, tmp_path: Path) -> list[Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = [tmp_path / name, SCREENSHOTS / name]
    for path in paths:
        page.screenshot(path=path, full_page=True)
        assert path.is_file() and path.stat().st_size > 0, path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    return paths


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320", "1280"])
def test_results_page_screenshots(
    open_browsing: BrowsingFactory,
    real_server: LiveServer,
    tmp_path: Path,
    viewport: ViewportSize,
) -> None:
    """For people to look at: var/screenshots/results-320.png and results-1280.png."""
    web = open_browsing(viewport)
    web.goto(real_server, RESULTS)
    save_screenshot(web.page, f"results-{viewport['width']}.png", tmp_path)


# Everything a finger can press, except links inside a sentence and the map's attribution.
TARGETS = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
        + '[role=button], [tabindex]:not([tabindex="-1"])';
    const found = [];
    for (const e of document.querySelectorAll(selector)) {
        const r = e.getBoundingClientRect();
        const style = getComputedStyle(e);
        if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
        if (r.right <= 0 || r.bottom <= 0) continue;  // off-screen until focused: the skip link
        if (e.closest('.sp-visually-hidden, .leaflet-control-attribution')) continue;
        if (e.matches('.leaflet-container')) continue;  // the map itself
        if (e.tagName === 'A') {
            const p = e.closest('p');
            if (p && p.textContent.trim() !== e.textContent.trim()) continue;  // running text
        }
        let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
        if (e.type === 'checkbox' || e.type === 'radio') {
            for (const label of e.labels || []) {  // the label is part of the target
                const l = label.getBoundingClientRect();
                [left, top] = [Math.min(left, l.left), Math.min(top, l.top)];
                [right, bottom] = [Math.max(right, l.right), Math.max(bottom, l.bottom)];
            }
        }
        const onMap = !!e.closest('.leaflet-container');
        const name = (e.getAttribute('aria-label') || e.innerText || e.value || e.id || '')
            .trim().replace(/\\s+/g, ' ').slice(0, 60);
        found.push({
            what: `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}"> ${name}`,
            width: right - left, height: bottom - top, min: onMap ? 24 : 44,
        });
    }
    return found;
}"""


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320", "1280"])
def test_touch_targets_on_the_results_page(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, viewport: ViewportSize
) -> None:
    web = open_browsing(viewport)
    web.goto(synthetic_server, RESULTS)
    targets: list[dict[str, Any]] = web.page.evaluate(TARGETS)
    assert len(targets) > 15
    assert any("leaflet-marker-icon" in t["what"] for t in targets)
    small = [
        f"{t['what']}: {t['width']:.0f}x{t['height']:.0f} (needs {t['min']}x{t['min']})"
        for t in targets
        # Half a pixel of rounding is allowed.
        if t["width"] < t["min"] - 0.5 or t["height"] < t["min"] - 0.5
    ]
    assert not small, "targets too small to press:\n" + "\n".join(small)


def font_size(page: Page, selector: str) -> float:
    return float(
        page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    )


# Visible elements with text of their own, outside the map's attribution and scale.
SMALL_TEXT = """(minimum) => [...document.querySelectorAll('body *')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .filter(e => !e.closest('script, style, .sp-visually-hidden, '
                             + '.leaflet-control-attribution, .leaflet-control-scale'))
    .filter(e => parseFloat(getComputedStyle(e).fontSize) < minimum)
    .map(e => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}"> `
              + `${getComputedStyle(e).fontSize}: ${e.textContent.trim().slice(0, 50)}`)"""


def test_body_text_is_at_least_18px(web: Browsing, synthetic_server: LiveServer) -> None:
    web.goto(synthetic_server, RESULTS)
    assert font_size(web.page, "body") >= 18
    assert font_size(web.page, ".sp-place p") >= 18


@pytest.mark.parametrize("path", ["/", RESULTS], ids=["home", "results"])
def test_no_text_smaller_than_18px(web: Browsing, synthetic_server: LiveServer, path: str) -> None:
    """Easy read: every piece of text, not only the body's base size, is 18px or more."""
    web.goto(synthetic_server, path)
    small = web.page.evaluate(SMALL_TEXT, 18)
    assert not small, "text smaller than 18px:\n" + "\n".join(small)
