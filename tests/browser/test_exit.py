"""The quick exit: the button (or Shift pressed three times) replaces this page in the history
with a neutral site, so Back does not come back here. Without scripts it is a plain link and
says so; a search is never kept in the browser's cache; in a partner's frame it leaves the
partner's whole page."""

from __future__ import annotations

import pytest
from browser.conftest import PartnerSite
from browser.helpers import Browsing, BrowsingFactory, LiveServer, TileStub
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_exit_button_leaves_without_a_way_back(
    web: Browsing, synthetic_server: LiveServer, tile_stub: TileStub
) -> None:
    page = web.page
    web.goto(synthetic_server, "/find?q=DE4%203AG")
    history = page.evaluate("history.length")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(tile_stub.neutral_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Weather"
    # Replaced, not added: the site's page is gone from the history.
    assert page.evaluate("history.length") == history
    page.go_back()
    assert not page.url.startswith(synthetic_server.base_url), page.url
    # The neutral site is not told where the visitor came from.
    neutral = [r for r in web.requests if r.url == tile_stub.neutral_url]
    assert neutral and "referer" not in neutral[-1].all_headers()


def test_shift_three_times_leaves(
    web: Browsing, synthetic_server: LiveServer, tile_stub: TileStub
) -> None:
    page = web.page
    web.goto(synthetic_server, "/")
    history = page.evaluate("history.length")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(200)
    assert page.url.startswith(synthetic_server.base_url), "twice is not enough to leave"
    page.keyboard.press("Shift")
    page.wait_for_url(tile_stub.neutral_url)
    assert page.evaluate("history.length") == history
    page.go_back()
    assert not page.url.startswith(synthetic_server.base_url), page.url


# How the page on screen was loaded: from the server, or from the browser's cache.
HOW_LOADED = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {type: nav.type, transferSize: nav.transferSize};
}"""


def _search(page: Page, server: LiveServer, text: str) -> None:
    page.goto(server.url("/"), wait_until="load")
    page.fill("#q", text)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == f"Safe Places near {text}"


def test_after_exit_back_does_not_show_the_results(
    web: Browsing, synthetic_server: LiveServer, tile_stub: TileStub
) -> None:
    page = web.page
    _search(page, synthetic_server, "DE4 3AG")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(tile_stub.neutral_url)
    page.go_back(wait_until="load")
    # Back goes to the page before the results (the start page), never to the results.
    assert page.url == synthetic_server.url("/"), page.url
    assert "Safe Places near" not in page.locator("main").inner_text()
    page.go_forward(wait_until="load")
    assert page.url == tile_stub.neutral_url


def test_without_scripts_the_exit_says_back_still_works_and_nothing_is_cached(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, tile_stub: TileStub
) -> None:
    web = open_browsing(scripts=False)
    page = web.page
    page.goto(synthetic_server.url("/find?q=DE4%203AG"), wait_until="load")
    hint = page.locator(".sp-exit-hint")
    assert "close the tab" in hint.inner_text()
    assert "Shift" not in hint.inner_text()  # that needs the script
    history = page.evaluate("history.length")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(tile_stub.neutral_url)
    assert page.evaluate("history.length") == history + 1  # a plain link: as the hint says
    page.go_back(wait_until="load")
    assert page.url.startswith(synthetic_server.url("/find"))
    # The results were asked for again from the server, not shown from the browser's cache.
    loaded = page.evaluate(HOW_LOADED)
    assert loaded["type"] == "back_forward" and loaded["transferSize"] > 0, loaded


def test_with_scripts_the_hint_offers_shift_and_not_the_tab(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    web.goto(synthetic_server, "/hate-crime")
    hint = web.page.locator(".sp-exit-hint").inner_text()
    assert "Shift key 3 times" in hint and "close the tab" not in hint


def _embed_frame(page: Page, server: LiveServer):  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    frame = next(f for f in page.frames if f.url.startswith(server.url("/embed")))
    frame.wait_for_load_state("load")
    return frame


def test_the_embed_exit_leaves_the_partner_page(
    web: Browsing,
    embed_server: LiveServer,
    tile_stub: TileStub,
    partner_sites: tuple[PartnerSite, PartnerSite],
) -> None:
    allowed, _ = partner_sites
    page = web.page
    page.goto(allowed.page_url(embed_server.url("/embed?q=DE4%203AG&k=3")), wait_until="load")
    frame = _embed_frame(page, embed_server)
    history = page.evaluate("history.length")
    frame.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(tile_stub.neutral_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Weather"
    # The whole partner page is replaced, not only the frame, and not added to the history.
    assert page.evaluate("history.length") == history
    page.go_back()
    assert not page.url.startswith(allowed.origin), page.url
    neutral = [r for r in web.requests if r.url == tile_stub.neutral_url]
    assert neutral and "referer" not in neutral[-1].all_headers()
    assert not web.errors, "\n".join(web.errors)


def test_without_scripts_the_embed_exit_still_leaves_the_partner_page(
    open_browsing: BrowsingFactory,
    embed_server: LiveServer,
    tile_stub: TileStub,
    partner_sites: tuple[PartnerSite, PartnerSite],
) -> None:
    allowed, _ = partner_sites
    page = open_browsing(scripts=False).page
    page.goto(allowed.page_url(embed_server.url("/embed?q=DE4%203AG&k=3")), wait_until="load")
    frame = _embed_frame(page, embed_server)
    assert "Close the tab" in frame.locator(".sp-embed-exit-hint").inner_text()
    frame.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(tile_stub.neutral_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Weather"
