"""The quick exit: the button (or Shift pressed three times) replaces this page in the history
with a neutral site, so Back does not come back here."""

from __future__ import annotations

import pytest
from browser.helpers import Browsing, LiveServer, TileStub

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
