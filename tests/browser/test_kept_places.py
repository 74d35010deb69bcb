""" "Keep these places on my phone", in Chromium: a ticked results list shows with no signal on
the home page and the no-signal page, as "Found at 10:00 near DE4 3AH"; without the tick
nothing a person searched is in any cache or storage; "Forget these places" and "Exit this
page" take the places (and any personal cache) off the phone; and a page that hangs on a
weak signal gives way to the kept copy, which the late answer then replaces."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from browser.conftest import _app, _serve
from browser.helpers import (
    CARD_KEY,
    PHONE,
    REMEMBER_CARD,
    Browsing,
    BrowsingFactory,
    LiveServer,
    TileStub,
    assert_no_violations,
    fill_card,
)
from browser.test_offline import visit_with_worker
from browser.test_privacy import leaves_this_machine
from playwright.sync_api import Page
from starlette.requests import Request
from starlette.responses import Response
from synthetic import write_synthetic_data

from api.settings import Settings
from locator.hours import LONDON
from locator.settings import DataSettings

pytestmark = pytest.mark.browser

# Not DE4 3AG: that is the example every visitor sees under the search box.
SEARCH = "/find?q=DE4%203AH"
WHERE = "DE4 3AH"
KEPT_KEY = "safeplaces.kept"
KEEP = "Keep these places on my phone"

# Everything this origin keeps on the phone: every cache's keys and bodies, both storages,
# and the names of any IndexedDB databases (the site makes none).
EVERYTHING_KEPT = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const body = await (await cache.match(request)).text();
      found.push("cache " + name + " " + request.url + " " + body);
    }
  }
  for (const store of [localStorage, sessionStorage]) {
    for (let i = 0; i < store.length; i++) {
      found.push("storage " + store.key(i) + " " + store.getItem(store.key(i)));
    }
  }
  for (const db of await indexedDB.databases()) { found.push("indexedDB " + db.name); }
  return found;
}"""


def listed_names(page: Page) -> list[str]:
    """The names of the places in the results list and the police station, as the page shows
    them (the name follows the place's number)."""
    names: list[str] = page.locator(".sp-results-list .sp-place-name").evaluate_all(
        "hs => hs.map(h => h.lastChild.textContent.trim())"
    )
    return names


def personal_words(page: Page) -> list[str]:
    """What a search says about the person: where they are and what was found there."""
    return [WHERE, "DE4%203AH", "DE4+3AH", "3AH", "Safe Places near", *listed_names(page)]


def what_is_kept(page: Page, words: list[str]) -> list[str]:
    """Every stored thing (cache entry, storage item, database) holding any of `words`."""
    kept: list[str] = page.evaluate(EVERYTHING_KEPT)
    return [
        f"{item[:120]}… has {word!r}"
        for item in kept
        for word in words
        if word.lower() in item.lower()
    ]


def stored_list(page: Page) -> dict[str, object] | None:
    raw = page.evaluate("k => localStorage.getItem(k)", KEPT_KEY)
    return json.loads(raw) if raw else None


def found_words(stored: dict[str, object]) -> str:
    """What the page should say for a list kept today: its London time and where."""
    found = datetime.fromtimestamp(float(str(stored["found"])) / 1000, UTC).astimezone(LONDON)
    return f"Found at {found:%H:%M} near {stored['where']}."


def kept_names(page: Page) -> list[str]:
    return page.locator('[data-kept] [data-kept-out="name"]').all_text_contents()


def tick_and_keep(web: Browsing, server: LiveServer) -> tuple[list[str], dict[str, object]]:
    """A search with signal, then the box ticked: the names listed and what was stored."""
    web.goto(server, SEARCH)
    box = web.page.get_by_label(KEEP)
    assert box.is_visible() and not box.is_checked(), "the box starts unticked"
    assert stored_list(web.page) is None
    box.check()
    status = web.page.locator("[data-keep-status]")
    assert "kept on this phone" in status.inner_text()
    stored = stored_list(web.page)
    assert stored is not None and stored["where"] == WHERE
    return listed_names(web.page), stored


def test_kept_places_show_with_no_signal_until_forgotten(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = open_browsing(PHONE, workers=True)
    visit_with_worker(web, synthetic_server)
    names, stored = tick_and_keep(web, synthetic_server)
    words = personal_words(web.page)
    assert len(names) >= 3 and "Matlock Library" in names
    web.context.set_offline(True)

    for path, heading in [("/", "Find a Safe Place near you"), (SEARCH, "There is no signal")]:
        web.goto(synthetic_server, path)
        assert heading in web.page.get_by_role("heading", level=1).inner_text()
        shelf = web.page.locator("[data-kept]")
        assert shelf.get_by_role("heading", name="Places you kept").is_visible(), path
        assert shelf.locator("[data-kept-found]").inner_text() == found_words(stored)
        assert kept_names(web.page) == names, path
        assert shelf.locator('a[href="tel:+44-1629-000000"]').count() == 1
        assert "Steep Turnpike, Matlock, DE4 3AH" in shelf.inner_text()
        assert_no_violations(web, f"{path} with kept places, no signal")
        if path == "/":  # the first screen of the home page says the places are there
            jump = web.page.get_by_role("link", name="See the places you kept")
            box = jump.bounding_box()
            assert box and box["y"] + box["height"] <= PHONE["height"], box
            jump.click()
            assert web.page.evaluate("document.activeElement.id") == "kept-title"
            title = web.page.locator("#kept-title").bounding_box()
            assert title and 0 <= title["y"] < PHONE["height"], title
    # The help still comes first on the no-signal page: the numbers, then the places.
    first_call = web.page.locator('main a[href="tel:999"]').bounding_box()
    shelf_box = web.page.locator("[data-kept]").bounding_box()
    assert first_call and shelf_box and first_call["y"] < shelf_box["y"]

    web.page.get_by_role("button", name="Forget these places").click()
    assert web.page.locator("[data-kept]").is_hidden()
    status = web.page.locator("[data-kept-status]")
    assert "forgotten" in status.inner_text()
    assert web.page.evaluate("document.activeElement.hasAttribute('data-kept-status')")
    assert not what_is_kept(web.page, words)
    web.goto(synthetic_server, "/")
    assert web.page.locator("[data-kept]").is_hidden()
    assert web.page.locator("[data-kept-jump]").is_hidden()
    assert not [r.url for r in web.requests if leaves_this_machine(r)]
    assert not web.errors, "\n".join(web.errors)


def test_without_the_tick_nothing_personal_is_kept(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = open_browsing(PHONE, workers=True)
    visit_with_worker(web, synthetic_server)
    web.goto(synthetic_server, SEARCH)
    assert not web.page.get_by_label(KEEP).is_checked()
    words = personal_words(web.page)
    web.goto(synthetic_server, "/places/S1?q=DE4+3AH")
    web.goto(synthetic_server, "/")
    leaked = what_is_kept(web.page, words)
    assert not leaked, "kept without the tick:\n" + "\n".join(leaked)
    kept: list[str] = web.page.evaluate(EVERYTHING_KEPT)
    assert any(item.startswith("cache safeplaces-help-") for item in kept), "the help is kept"
    web.context.set_offline(True)
    for path in ("/", SEARCH, "/offline"):
        web.goto(synthetic_server, path)
        assert web.page.locator("[data-kept]").is_hidden(), path
    assert not [r.url for r in web.requests if leaves_this_machine(r)]
    assert not web.errors, "\n".join(web.errors)


def test_exit_takes_kept_places_and_personal_caches_off_the_phone(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, tile_stub: TileStub
) -> None:
    """Exit leaves at once and takes the kept places and any cache that is not the help with
    it. The Keep Safe Card has its own tick and "Forget my card": Exit leaves it."""
    web = open_browsing(PHONE, workers=True)
    visit_with_worker(web, synthetic_server)
    tick_and_keep(web, synthetic_server)
    words = personal_words(web.page)
    fill_card(web.page)
    web.page.get_by_label(REMEMBER_CARD).check()
    # A personal cache, as a page or an older version of the site might have left one.
    web.page.evaluate(
        """async () => (await caches.open("safeplaces-kept")).put("/find?q=DE4%203AH",
             new Response("Safe Places near DE4 3AH: Matlock Library"))"""
    )
    web.page.get_by_role("link", name="Exit this page").click()
    web.page.wait_for_url(tile_stub.neutral_url)

    web.goto(synthetic_server, "/healthz")  # back on this site's storage, with no page script
    web.page.wait_for_function(
        "() => caches.keys().then(n => n.every(x => x.startsWith('safeplaces-help-')))"
    )
    assert stored_list(web.page) is None
    assert not what_is_kept(web.page, words)
    assert web.page.evaluate("k => localStorage.getItem(k)", CARD_KEY)  # the card stays
    kept: list[str] = web.page.evaluate("caches.keys()")
    assert len(kept) == 1, kept  # the help every visitor gets stays for no signal


def test_a_new_ticked_search_replaces_the_list_and_an_old_one_says_its_day(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    tick_and_keep(web, synthetic_server)
    page = web.page
    page.locator(".sp-searched > summary").click()
    page.locator("#q").fill("Matlock")
    with page.expect_navigation():
        page.locator("#q").press("Enter")
    # The choice is remembered, and only the last list is kept.
    assert page.get_by_label(KEEP).is_checked()
    stored = stored_list(page)
    assert stored is not None and stored["where"] == "Matlock"
    web.goto(synthetic_server, "/")
    found = page.locator("[data-kept-found]")
    assert found.inner_text() == found_words(stored)
    # Kept on a summer's day (British Summer Time): the day and the London time.
    summer = datetime(2026, 7, 20, 8, 30, tzinfo=UTC).timestamp() * 1000
    page.evaluate(
        """([k, t]) => { const l = JSON.parse(localStorage.getItem(k)); l.found = t;
                         localStorage.setItem(k, JSON.stringify(l)); }""",
        [KEPT_KEY, summer],
    )
    page.reload()
    assert found.inner_text() == "Found on Monday 20 July at 09:30 near Matlock."
    # Unticking on the results takes them off the phone.
    web.goto(synthetic_server, SEARCH)
    page.get_by_label(KEEP).uncheck()
    assert stored_list(page) is None
    assert "not kept" in page.locator("[data-keep-status]").inner_text()


def test_a_search_from_where_you_are_keeps_no_position(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    web.goto(synthetic_server, "/find?lat=53.14234&lon=-1.55140")
    web.page.get_by_label(KEEP).check()
    raw = web.page.evaluate("k => localStorage.getItem(k)", KEPT_KEY)
    assert "53.14" not in raw and "1.55" not in raw, "the phone's position was kept"
    stored = stored_list(web.page)
    assert stored is not None and stored["where"] == "where you were"
    web.goto(synthetic_server, "/")
    assert web.page.locator("[data-kept-found]").inner_text() == found_words(stored)
    assert found_words(stored).endswith(" near where you were.")


def test_kept_words_are_shown_as_words(web: Browsing, synthetic_server: LiveServer) -> None:
    """Whatever is in storage is set as text: a name with markup stays words, and only digits
    reach a tel: link."""
    web.goto(synthetic_server, SEARCH)
    assert "<script>alert(1)</script> Shop" in listed_names(web.page)
    web.page.get_by_label(KEEP).check()
    web.page.evaluate(
        """k => { const l = JSON.parse(localStorage.getItem(k));
                  l.places[0].name = '<img src=x id=injected>';
                  l.places[0].phones = [{shown: "Call", tel: "javascript:alert(1)"},
                                        {shown: "01629 000000", tel: "tel:01629000000"}];
                  localStorage.setItem(k, JSON.stringify(l)); }""",
        KEPT_KEY,
    )
    web.goto(synthetic_server, "/")
    names = kept_names(web.page)
    assert names[0] == "<img src=x id=injected>"
    assert "<script>alert(1)</script> Shop" in names
    assert web.page.locator("#injected").count() == 0
    shelf = web.page.locator("[data-kept]")
    assert shelf.locator("script").count() == 0
    hrefs = (
        shelf.locator(".sp-place")
        .first.locator("a")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    assert hrefs == ["tel:01629000000"]
    assert not web.errors, "\n".join(web.errors)


# --- A weak signal: a server that holds its answers until the test lets them go ---------------


@dataclass
class Hold:
    """Holds requests for `paths` while `on`, until `released`; counts what it held."""

    paths: tuple[str, ...] = ("/", "/find")
    on: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    held: int = 0


@pytest.fixture
def weak_signal(
    tmp_path_factory: pytest.TempPathFactory, tile_stub: TileStub
) -> Iterator[tuple[LiveServer, Hold]]:
    root = tmp_path_factory.mktemp("browser-weak")
    data = write_synthetic_data(root / "data")
    app = _app(Settings(data=DataSettings(dir=data, cache_dir=root / "cache")), tile_stub)
    hold = Hold()

    @app.middleware("http")
    async def hang(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not hold.on or request.url.path not in hold.paths:
            return await call_next(request)
        hold.held += 1
        while not hold.released.is_set():
            await asyncio.sleep(0.05)  # the answer is on its way: other requests go on
        response = await call_next(request)
        response.headers["X-Arrived"] = "late"
        return response

    for server in _serve(app):
        try:
            yield server, hold
        finally:
            hold.released.set()  # nothing is left waiting when the server stops


LATE_COPY = "caches.match('/').then(r => r ? r.headers.get('X-Arrived') : null)"


def test_a_page_that_hangs_gives_way_to_the_kept_copy(
    open_browsing: BrowsingFactory, weak_signal: tuple[LiveServer, Hold]
) -> None:
    server, hold = weak_signal
    web = open_browsing(PHONE, workers=True)
    visit_with_worker(web, server)
    hold.on = True
    # The home page: its kept copy, while the network copy is still on its way.
    web.goto(server, "/")
    assert web.page.get_by_role("heading", level=1).inner_text() == "Find a Safe Place near you"
    assert hold.held == 1 and web.page.evaluate(LATE_COPY) is None
    # A search: the no-signal page with the numbers to call.
    web.goto(server, SEARCH)
    heading = web.page.get_by_role("heading", level=1).inner_text()
    assert heading == "There is no signal. Here is how to get help."
    assert hold.held == 2
    # The answers arrive: the late home page replaces the kept copy, ready for next time.
    hold.released.set()
    web.page.wait_for_function(f"() => {LATE_COPY}.then(v => v === 'late')")
    assert not web.errors, "\n".join(web.errors)
