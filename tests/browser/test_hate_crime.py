"""The "Report a hate crime" page on a cheap phone (360 x 740) and a laptop: no axe
violations, every link and button big enough to press, and screenshots to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser.helpers import (
    LAPTOP,
    NARROW,
    PHONE,
    BrowsingFactory,
    LiveServer,
    axe_violations,
    describe_violations,
)
from browser.test_layout import TARGETS, save_screenshot
from playwright.sync_api import ViewportSize

pytestmark = pytest.mark.browser

PATH = "/hate-crime"

# Every link and button on the page, even inside a sentence: none is smaller than 44 x 44.
ALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input, summary')]
    .filter(e => e.getClientRects().length && !e.closest('.sp-visually-hidden'))
    .filter(e => !e.matches('.sp-skip'))  // off-screen until focused
    .map(e => ({what: `<${e.tagName.toLowerCase()}> ${(e.innerText || e.id).trim().slice(0, 50)}`,
                width: e.getBoundingClientRect().width,
                height: e.getBoundingClientRect().height}))"""


def test_on_a_phone_no_axe_violations_and_big_targets(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = open_browsing(PHONE)
    web.goto(synthetic_server, PATH)
    violations = axe_violations(web.page)
    assert not violations, describe_violations(violations)
    targets: list[dict[str, Any]] = web.page.evaluate(ALL_TARGETS)
    assert len(targets) >= 12  # the numbers, the links, the search, the header and footer
    small = [
        f"{t['what']}: {t['width']:.0f}x{t['height']:.0f}"
        for t in [*targets, *web.page.evaluate(TARGETS)]
        if t["width"] < 43.5 or t["height"] < 43.5
    ]
    assert not small, "too small to press:\n" + "\n".join(small)
    assert not web.errors, "\n".join(web.errors)


def test_the_danger_number_is_in_the_first_screen(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    """A scared person sees what to do without scrolling: 999 and when to call it."""
    web = open_browsing(PHONE)
    web.goto(synthetic_server, PATH)
    call = web.page.locator("main a[href='tel:999']").first
    when = web.page.get_by_text("Call 999 if someone is hurting you or scaring you now.")
    for seen in [call, when]:
        box = seen.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box


def test_fits_320px(open_browsing: BrowsingFactory, synthetic_server: LiveServer) -> None:
    web = open_browsing(NARROW)
    web.goto(synthetic_server, PATH)
    assert web.page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360", "1366"])
def test_hate_crime_page_screenshots(
    open_browsing: BrowsingFactory,
    synthetic_server: LiveServer,
    tmp_path: Path,
    viewport: ViewportSize,
) -> None:
    """For people to look at: var/screenshots/hate-crime-360.png and hate-crime-1366.png."""
    web = open_browsing(viewport)
    web.goto(synthetic_server, PATH)
    save_screenshot(web.page, f"hate-crime-{viewport['width']}.png", tmp_path)
    # And the first screen only, as a person first sees it.
    web.page.screenshot(path=tmp_path.parent / f"hate-crime-{viewport['width']}-first.png")
