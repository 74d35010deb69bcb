"""Privacy in a real browser: every request stays on this machine (the map tiles come from
the local stub), no cookies, nothing stored, and the Keep Safe Card never leaves the browser."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit

import pytest
from browser.helpers import (
    CARD_CONTACT,
    CARD_KEY,
    CARD_NAME,
    CARD_PATH,
    CARD_PHONE,
    FORGET_CARD,
    PAGES,
    REMEMBER_CARD,
    SHOW_CARD,
    Browsing,
    LiveServer,
    TileStub,
    card_dialog,
    card_field,
    fill_card,
    needs_card,
    wait_for_map,
)
from playwright.sync_api import Request

pytestmark = pytest.mark.browser

LOCAL_SCHEMES = {"data", "blob", "about"}


def leaves_this_machine(request: Request) -> bool:
    parts = urlsplit(request.url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname != "127.0.0.1"


def visit_all(web: Browsing, server: LiveServer, paths: list[str], stub: TileStub) -> None:
    """Visit each page in one context; check each page's requests, then the whole visit."""
    outside: dict[str, list[str]] = {}
    for path in paths:
        start = len(web.requests)
        web.goto(server, path)
        requests = web.requests[start:]
        if bad := [r.url for r in requests if leaves_this_machine(r)]:
            outside[path] = bad
        if web.page.locator(".leaflet-container").count():
            tiles = [r.url for r in requests if "/tiles/" in r.url]
            assert tiles, f"{path}: the map asked for no tiles"
            assert all(t.startswith(stub.origin + "/tiles/") for t in tiles), tiles
    assert not outside, f"requests to other servers: {outside}"
    assert any(p.startswith("/tiles/") for p in stub.paths), "the tile stub served no tiles"
    assert web.context.cookies() == [], "a cookie was set"
    assert web.page.evaluate("document.cookie") == ""
    stored = web.page.evaluate("[localStorage.length, sessionStorage.length]")
    assert stored == [0, 0], "something was kept in the browser's storage without asking"
    assert not web.errors, "script errors (a CSP block?):\n" + "\n".join(web.errors)


def test_every_page_asks_only_this_machine(
    web: Browsing, synthetic_server: LiveServer, tile_stub: TileStub
) -> None:
    visit_all(web, synthetic_server, [path for _, path in PAGES], tile_stub)


def test_real_data_pages_ask_only_this_machine(
    web: Browsing, real_server: LiveServer, tile_stub: TileStub
) -> None:
    web.goto(real_server, "/find?q=DE4%203AG")
    more = web.page.locator(".sp-places a[href^='/places/']").first.get_attribute("href")
    assert more is not None
    visit_all(web, real_server, ["/", "/find?q=DE4%203AG", more, "/privacy"], tile_stub)


NEEDLES = [CARD_NAME, "Zebedee", "Quuxworth", "Xanthippe", CARD_PHONE, "07700", "900123"]


def where_card_leaked(request: Request) -> list[str]:
    """The parts of a request (URL, any header, body) that carry any of the card's values."""
    parts = {"url": request.url, "body": request.post_data or ""}
    parts.update({f"header {k}": v for k, v in request.all_headers().items()})
    found = []
    for where, text in parts.items():
        plain = unquote_plus(text).lower()
        squashed = plain.replace(" ", "")
        for needle in NEEDLES:
            if needle.lower() in plain or needle.lower().replace(" ", "") in squashed:
                found.append(f"{where} of {request.method} {request.url}: {needle!r}")
    return found


@needs_card
def test_keep_safe_card_never_leaves_the_browser(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    page = web.page
    web.goto(synthetic_server, CARD_PATH)
    fill_card(page)
    page.get_by_label(REMEMBER_CARD).check()
    assert CARD_NAME in (page.evaluate("k => localStorage.getItem(k)", CARD_KEY) or "")

    # Kept on this phone: back after a reload and on the next search.
    page.reload()
    wait_for_map(page)
    assert card_field(page, "Your name").input_value() == CARD_NAME
    assert card_field(page, "Their name").input_value() == CARD_CONTACT
    page.locator(".sp-searched > summary").click()  # "Change" opens the search box
    page.locator("#q").fill("Matlock")
    with page.expect_navigation():
        page.locator("#q").press("Enter")
    wait_for_map(page)
    assert card_field(page, "Their phone number").input_value() == CARD_PHONE
    page.get_by_role("button", name=SHOW_CARD).click()
    card = card_dialog(page)
    card.wait_for(state="visible")
    assert CARD_NAME in card.inner_text() and CARD_PHONE in card.inner_text()
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")

    # Nothing typed on the card was in any request: URL, header or body.
    leaks = [leak for r in web.requests for leak in where_card_leaked(r)]
    assert not leaks, "the card left the browser:\n" + "\n".join(leaks)
    assert web.context.cookies() == []
    assert len(web.requests) > 10  # the recorder did see the pages, scripts and tiles

    # "Forget my card" takes it off the phone.
    page.get_by_role("button", name=FORGET_CARD).click()
    assert page.evaluate("k => localStorage.getItem(k)", CARD_KEY) is None
    assert card_field(page, "Your name").input_value() == ""
    page.reload()
    assert card_field(page, "Your name").input_value() == ""
    assert not page.get_by_label(REMEMBER_CARD).is_checked()
    assert page.evaluate("k => localStorage.getItem(k)", CARD_KEY) is None
