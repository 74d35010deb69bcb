"""Chromium's own HTTP cache with the service's validators: it keeps the public place data
and asks again with If-None-Match (a 304, the copy reused); it never keeps a postcode lookup."""

from __future__ import annotations

import re

import httpx
from browser.helpers import Browsing, LiveServer
from playwright.sync_api import Response

FETCH_TWICE = """async (url) => {
    const first = await fetch(url);
    const a = await first.text();
    const second = await fetch(url);
    const b = await second.text();
    return [first.status, second.status, a === b, a.length];
}"""


def _answered(server: LiveServer, route: str, status: int) -> int:
    """How many requests to `route` the server has answered with `status` (its /metrics)."""
    text = httpx.get(server.url("/metrics")).text
    labels = f'method="GET",route="{route}",status="{status}"'
    found = re.search(re.escape(f"safeplaces_requests_total{{{labels}}}") + r" (\S+)", text)
    return int(float(found.group(1))) if found else 0


def _seen(web: Browsing, path: str) -> list[Response]:
    seen: list[Response] = []
    web.page.on("response", lambda r: seen.append(r) if path in r.url else None)
    return seen


def test_public_data_is_revalidated_from_the_browser_cache(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    web.page.goto(synthetic_server.url("/ogc?f=html"))
    for path, route in (
        ("/api/v1/places?kind=safe_place", "/api/v1/places"),
        ("/ogc/collections/safe-places/items?f=json", "/ogc/collections/{collection_id}/items"),
    ):
        before = _answered(synthetic_server, route, 304)
        seen = _seen(web, path)
        statuses = web.page.evaluate(FETCH_TWICE, synthetic_server.url(path))
        # The script sees the cached copy as a 200, the same bytes, both times.
        assert statuses[:3] == [200, 200, True] and statuses[3] > 100
        assert len(seen) == 2
        etag = seen[0].headers["etag"]
        # The second time the browser sent the tag back and was told "not modified" (the
        # page is shown the kept copy, as a 200).
        assert seen[1].request.all_headers().get("if-none-match") == etag
        assert _answered(synthetic_server, route, 304) == before + 1


def test_a_postcode_lookup_is_never_kept_by_the_browser(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    web.page.goto(synthetic_server.url("/ogc?f=html"))
    path = "/api/v1/postcodes/DE4%203AG"
    before = _answered(synthetic_server, "/api/v1/postcodes/{postcode}", 200)
    seen = _seen(web, path)
    statuses = web.page.evaluate(FETCH_TWICE, synthetic_server.url(path))
    assert statuses[:3] == [200, 200, True]
    assert len(seen) == 2 and [r.status for r in seen] == [200, 200]
    assert seen[0].headers["cache-control"] == "no-store"
    assert "if-none-match" not in seen[1].request.all_headers()
    assert _answered(synthetic_server, "/api/v1/postcodes/{postcode}", 200) == before + 2
