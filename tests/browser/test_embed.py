"""The embeddable map in Chromium: framed by an allowed partner site (map drawn, list reached
by keyboard), refused on any other site, accessible and fitting from 300 to 1200 px."""

from __future__ import annotations

import pytest
from browser.conftest import PartnerSite
from browser.helpers import (
    Browsing,
    BrowsingFactory,
    LiveServer,
    axe_violations,
    describe_violations,
    wait_for_map,
)
from playwright.sync_api import Frame, Page

pytestmark = pytest.mark.browser

EMBED = "/embed?q=DE4%203AG&k=3"


def _frame(page: Page, server: LiveServer) -> Frame:
    """The embedded map's frame, once its document has loaded."""
    page.wait_for_load_state("load")
    for frame in page.frames:
        if frame.url.startswith(server.base_url + "/embed"):
            frame.wait_for_load_state("load")
            return frame
    raise AssertionError(f"no /embed frame among {[f.url for f in page.frames]}")


def test_an_allowed_partner_page_shows_the_map_and_list(
    web: Browsing, embed_server: LiveServer, partner_sites: tuple[PartnerSite, PartnerSite]
) -> None:
    allowed, _ = partner_sites
    web.page.goto(allowed.page_url(embed_server.url(EMBED)), wait_until="load")
    frame = _frame(web.page, embed_server)
    frame.locator(".leaflet-marker-icon").first.wait_for(state="visible")
    titles = frame.locator(".leaflet-marker-icon").evaluate_all(
        "els => els.map(e => e.getAttribute('title') || e.getAttribute('aria-label'))"
    )
    assert "1: Corner Café" in titles and "2: Matlock Library" in titles
    assert frame.locator("ol.sp-places > li").count() == 3
    assert "Contains OS data" in frame.locator("footer").inner_text()
    assert not web.errors, "\n".join(web.errors)
    # Nothing outside this machine, and no cookie, from inside the frame either.
    assert all(r.url.startswith("http://127.0.0.1:") for r in web.requests)
    assert web.context.cookies() == []


def test_the_list_in_the_frame_is_reached_by_keyboard(
    web: Browsing, embed_server: LiveServer, partner_sites: tuple[PartnerSite, PartnerSite]
) -> None:
    allowed, _ = partner_sites
    web.page.goto(allowed.page_url(embed_server.url(EMBED)), wait_until="load")
    frame = _frame(web.page, embed_server)
    frame.locator(".leaflet-marker-icon").first.wait_for(state="visible")
    in_list = "() => !!document.activeElement && !!document.activeElement.closest('ol.sp-places')"
    for _ in range(60):
        web.page.keyboard.press("Tab")
        if frame.evaluate(in_list):
            break
    else:
        pytest.fail("Tab never reached the list inside the embedded map")
    focused = frame.evaluate("() => document.activeElement.textContent.trim()")
    assert focused  # a named link or button in the first place of the list
    # A marker is reachable by keyboard too, and Enter opens its popup.
    frame.focus(".leaflet-marker-icon[title='1: Corner Café']")
    web.page.keyboard.press("Enter")
    frame.locator(".leaflet-popup-content").wait_for(state="visible")
    assert "Corner Café" in frame.locator(".leaflet-popup-content").inner_text()


def test_another_site_may_not_frame_the_map(
    web: Browsing, embed_server: LiveServer, partner_sites: tuple[PartnerSite, PartnerSite]
) -> None:
    _, refused = partner_sites
    web.page.goto(refused.page_url(embed_server.url(EMBED)), wait_until="load")
    web.page.wait_for_timeout(500)  # the frame's navigation is blocked, not slow
    frames = [f for f in web.page.frames if f != web.page.main_frame]
    assert len(frames) == 1
    # Chromium replaces a refused frame with its own error document.
    assert not frames[0].url.startswith(embed_server.base_url), frames[0].url
    assert any("frame-ancestors" in e for e in web.errors), web.errors
    # And the full site's pages can't be framed even by the allowed partner.
    web.errors.clear()


def test_full_pages_refuse_even_an_allowed_partner(
    web: Browsing, embed_server: LiveServer, partner_sites: tuple[PartnerSite, PartnerSite]
) -> None:
    allowed, _ = partner_sites
    web.page.goto(allowed.page_url(embed_server.url("/find?q=DE4%203AG")), wait_until="load")
    web.page.wait_for_timeout(500)
    child = [f for f in web.page.frames if f != web.page.main_frame][0]
    assert not child.url.startswith(embed_server.base_url), child.url


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("embed near a postcode", EMBED),
        ("embed of an area", "/embed?bbox=-1.75,52.85,-1.30,53.30"),
        ("embed before a search", "/embed"),
        ("embed with an error", "/embed?q=ZZ9%209ZZ"),
        ("embed code page", "/partners/embed?q=DE4%203AG"),
    ],
)
def test_embed_pages_have_no_axe_violations(
    web: Browsing, embed_server: LiveServer, name: str, path: str
) -> None:
    web.goto(embed_server, path)
    if path.startswith("/partners"):
        # The preview frame is the embed page, checked on its own above.
        web.page.locator("iframe.sp-embed-preview").wait_for()
    violations = axe_violations(web.page)
    assert not violations, f"{name}:\n{describe_violations(violations)}"


@pytest.mark.parametrize("width", [300, 1200])
def test_the_embed_fits_from_300_to_1200_pixels(
    open_browsing: BrowsingFactory, embed_server: LiveServer, width: int
) -> None:
    web = open_browsing({"width": width, "height": 650})
    web.goto(embed_server, EMBED)
    wait_for_map(web.page)
    scroll = web.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{scroll}px of content in a {width}px frame"
    box = web.page.locator(".sp-embed-map").bounding_box()
    assert box is not None and box["width"] >= width * 0.85 - 40
    # Targets stay big enough to press at the narrowest size.
    sizes = web.page.locator(".sp-places .sp-action").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 44


def test_the_code_page_updates_its_preview_and_code(
    web: Browsing, embed_server: LiveServer
) -> None:
    web.goto(embed_server, "/partners/embed?q=DE4%203AG")
    code = web.page.locator("#e-code")
    assert "k=" not in code.input_value()
    web.page.fill("#e-k", "2")
    web.page.locator("#e-k").dispatch_event("change")
    web.page.wait_for_function("() => document.querySelector('#e-code').value.includes('k=2')")
    assert "&k=2" in web.page.locator("iframe.sp-embed-preview").get_attribute("src")
    web.page.check("#e-size-small")
    web.page.wait_for_function(
        "() => document.querySelector('#e-code').value.includes('width=\"300\"')"
    )
    assert (
        "The preview and code are updated." in web.page.locator("[data-embed-status]").inner_text()
    )
    assert not web.errors, "\n".join(web.errors)


def test_the_code_page_gives_no_code_for_wrong_options(
    web: Browsing, embed_server: LiveServer
) -> None:
    """With scripts on, a wrong choice takes the code away and says why (it never leaves
    code that doesn't match what is ticked)."""
    web.goto(embed_server, "/partners/embed?q=DE4%203AG")
    web.page.uncheck("#e-kind-safe_place")
    web.page.check("#e-kind-police_enquiry_office")
    web.page.check("#e-cat-library")
    web.page.wait_for_function("() => !document.querySelector('#e-code')")
    result = web.page.locator("[data-embed-result]").inner_text()
    assert "Library is one of the Safe Places, which is not ticked" in result
    assert "There is a problem" in web.page.locator("[data-embed-status]").inner_text()
    web.page.uncheck("#e-cat-library")
    web.page.wait_for_function("() => !!document.querySelector('#e-code')")
    assert "kind=police_enquiry_office" in web.page.locator("#e-code").input_value()


def test_the_code_page_fits_a_phone(
    open_browsing: BrowsingFactory, embed_server: LiveServer
) -> None:
    web = open_browsing({"width": 320, "height": 700})
    web.goto(embed_server, "/partners/embed?q=DE4%203AG")
    scroll = web.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= 320, f"{scroll}px wide at 320px"
