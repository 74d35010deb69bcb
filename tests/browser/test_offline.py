"""With no signal, in Chromium: after one visit the help, the hate-crime page and the Keep
Safe Card still open; a search shows how to get help; nothing personal is ever kept; and a
new deployment's worker deletes the old deployment's cache."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from browser.helpers import (
    PHONE,
    SHOW_CARD,
    Browsing,
    BrowsingFactory,
    LiveServer,
    assert_no_violations,
    card_dialog,
    fill_card,
)
from browser.test_privacy import leaves_this_machine

from api.contacts import load_contact_book

pytestmark = pytest.mark.browser

SEARCH = "/find?q=DE4%203AG"
KEPT_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) { urls.push(name + " " + request.url); }
  }
  return urls;
}"""


def visit_with_worker(web: Browsing, server: LiveServer) -> None:
    """One visit with signal: the worker is installed, has kept the help and runs the page."""
    web.goto(server, "/")
    web.page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    web.page.wait_for_function("navigator.serviceWorker.controller !== null")


def visit_offline(web: Browsing, server: LiveServer, path: str, used: set[str]) -> None:
    """Open a page with no signal, noting every file of this site that it used."""
    web.goto(server, path)
    names = web.page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    used.update(name.split("#")[0] for name in names if name.startswith(server.url("/")))


def test_help_works_with_no_signal(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = open_browsing(PHONE, workers=True)
    visit_with_worker(web, synthetic_server)
    scope = web.page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == synthetic_server.url("/")
    web.goto(synthetic_server, SEARCH)  # a search with signal: never kept
    web.context.set_offline(True)
    used: set[str] = set()

    visit_offline(web, synthetic_server, "/", used)
    assert web.page.get_by_role("heading", name="I need help now").is_visible()
    assert web.page.locator('.sp-help a[href="tel:999"]').count() == 1
    visit_offline(web, synthetic_server, "/hate-crime", used)
    assert web.page.get_by_role("heading", level=1, name="Report a hate crime").is_visible()
    visit_offline(web, synthetic_server, "/card", used)
    fill_card(web.page)
    web.page.get_by_role("button", name=SHOW_CARD).click()
    assert card_dialog(web.page).is_visible()

    visit_offline(web, synthetic_server, SEARCH, used)
    heading = web.page.get_by_role("heading", level=1)
    assert heading.inner_text() == "There is no signal. Here is how to get help."
    calls = web.page.locator('main a[href^="tel:"]')
    assert calls.count() >= 2 and calls.first.get_attribute("href") == "tel:999"
    assert_no_violations(web, "the no-signal page")

    kept = web.page.evaluate(KEPT_URLS)
    assert any(url.endswith("/hate-crime") for url in kept), kept
    personal = [u for u in kept if re.search(r"\?|/find|/places/|DE4|/staff|/api/", u)]
    assert not personal, f"a search or place was kept: {personal}"
    stored = web.page.evaluate("[localStorage.length, sessionStorage.length]")
    assert stored == [0, 0]
    assert not [r.url for r in web.requests if leaves_this_machine(r)]
    # Every style, script and picture those pages used is kept (not only in the browser's
    # own cache, which a phone may empty at any time).
    missing = used - {url.split(" ", 1)[1] for url in kept}
    assert not missing, f"not kept for when there is no signal: {missing}"
    assert not web.errors, "\n".join(web.errors)


def test_a_new_deployment_deletes_the_old_help(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    """An older deployment's cache, holding old numbers, goes when this deployment's worker
    takes over; the pages it serves are this deployment's."""
    web = open_browsing(workers=True)
    web.goto(synthetic_server, "/healthz")  # this site, before any worker
    web.page.evaluate(
        """async () => {
          const old = await caches.open("safeplaces-help-0ld0ld0ld0ld0ld0");
          await old.put("/", new Response("<p>Call 0800 000 0000</p>",
                                          {headers: {"Content-Type": "text/html"}}));
        }"""
    )
    visit_with_worker(web, synthetic_server)
    names = web.page.evaluate("caches.keys()")
    assert len(names) == 1 and names[0].startswith("safeplaces-help-"), names
    assert names[0] != "safeplaces-help-0ld0ld0ld0ld0ld0"
    script = web.page.evaluate("fetch('/sw.js').then(r => r.text())")
    assert f'var CACHE = "{names[0]}";' in script
    web.context.set_offline(True)
    web.goto(synthetic_server, "/")
    assert "0800 000 0000" not in web.page.content()


def test_manifest_is_linked_and_read(web: Browsing, synthetic_server: LiveServer) -> None:
    web.goto(synthetic_server, "/")
    href = web.page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = web.page.evaluate(f"fetch({href!r}).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        size = web.page.evaluate(
            """src => new Promise(done => { const i = new Image();
                 i.onload = () => done(i.naturalWidth + "x" + i.naturalHeight);
                 i.onerror = () => done("broken"); i.src = src; })""",
            icon["src"],
        )
        assert size == icon["sizes"]


def kept_help(web: Browsing) -> list[str]:
    names: list[str] = web.page.evaluate("caches.keys()")
    return [name for name in names if name.startswith("safeplaces-help-")]


def test_new_numbers_replace_the_kept_help_at_the_next_visit(
    open_browsing: BrowsingFactory, numbers_server: tuple[LiveServer, Path]
) -> None:
    """A deployment with a changed numbers file: the next visit with signal fetches the new
    worker, whose cache has the new numbers, and the old cache is gone."""
    server, contacts = numbers_server
    web = open_browsing(PHONE, workers=True)
    visit_with_worker(web, server)
    (first,) = kept_help(web)
    line = '[[contacts]]\nname = "Testshire Help Line"\nnumber = "0800 000 2222"\n'
    contacts.write_text(contacts.read_text() + line)
    load_contact_book.cache_clear()  # as the new deployment's app starts, it reads them
    web.goto(server, "/privacy")  # the next visit, with signal
    deadline = time.monotonic() + 10
    # The new worker installs beside the old one, then deletes the old cache as it takes over.
    while kept_help(web) in ([first], []) or len(kept_help(web)) > 1:
        assert time.monotonic() < deadline, f"the old help is still kept: {kept_help(web)}"
        time.sleep(0.1)
    assert kept_help(web) != [first]
    web.context.set_offline(True)
    for path in ("/", SEARCH):
        web.goto(server, path)
        assert web.page.locator('a[href="tel:08000002222"]').count() >= 1, path
