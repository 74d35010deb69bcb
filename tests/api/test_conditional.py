"""ETag, Last-Modified and 304 on the places, a postcode and every OGC API resource; and
`no-store` on every answer that says where someone is."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import anyio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from geodata.editor import PlaceEditor
from geodata.validation import PlaceChecker
from locator.accounts import operator

OGC = "/ogc/collections/safe-places"
RESOURCES = [
    "/api/v1/places",
    "/api/v1/places?kind=safe_place&limit=2",
    "/api/v1/places/S1",
    "/ogc",
    "/ogc?f=html",
    "/ogc/conformance",
    "/ogc/collections",
    OGC,
    f"{OGC}/items?limit=2",
    f"{OGC}/items/S1",
    f"{OGC}/queryables",
    f"{OGC}/sortables",
    "/ogc/api",
]


@pytest.fixture(scope="module")
def app(synthetic_settings: Settings, module_database_url: str) -> Iterator[FastAPI]:
    """On each backend: the version and last change are read together on both."""
    app = create_app(synthetic_settings.model_copy(update={"database_url": module_database_url}))
    with TestClient(app):
        yield app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def _edit(app: FastAPI, place_id: str, changes: dict[str, object]) -> None:
    """A change as staff make it (the place editor), then seen as every worker sees it."""
    datasets = app.state.datasets
    editor = PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))
    editor.update(operator(), place_id, changes, editor.store.get(place_id).version)
    assert app.state.watcher.check()


@pytest.mark.parametrize("url", RESOURCES)
def test_a_revalidation_is_a_304_without_a_body(client: TestClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    assert parsedate_to_datetime(first.headers["last-modified"]).tzinfo is not None
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, no-cache"
    # Weak comparison: the W/ form and a list of tags match too.
    listed = f'"other", W/{etag.removeprefix("W/")}'
    assert client.get(url, headers={"If-None-Match": listed}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    dated = {"If-Modified-Since": first.headers["last-modified"]}
    assert client.get(url, headers=dated).status_code == 304
    head = client.head(url, headers={"If-None-Match": etag})
    assert head.status_code == 304 and head.headers["etag"] == etag


def test_tags_differ_by_query_format_and_encoding(client: TestClient) -> None:
    def tag(url: str, **headers: str) -> str:
        return client.get(url, headers=headers).headers["etag"]

    assert tag("/api/v1/places?limit=1") != tag("/api/v1/places?limit=2")
    # The same query in another order is the same answer, with the same tag.
    assert tag("/api/v1/places?kind=safe_place&limit=1") == tag(
        "/api/v1/places?limit=1&kind=safe_place"
    )
    assert tag("/ogc", accept="text/html") != tag("/ogc", accept="application/json")
    assert tag("/ogc?f=html") != tag("/ogc?f=json")
    assert tag("/api/v1/places", **{"accept-encoding": "gzip"}) != tag(
        "/api/v1/places", **{"accept-encoding": "identity"}
    )
    # The items carry the moment they were made (timeStamp), a page its script nonce: their
    # tags are weak; the rest strong.
    assert tag(f"{OGC}/items").startswith('W/"') and tag(f"{OGC}/items/S1").startswith('"')
    page = tag(f"{OGC}/items/S1?f=html")
    assert page.startswith('W/"') and tag("/ogc", accept="text/html").startswith('W/"')
    again = client.get(f"{OGC}/items/S1?f=html", headers={"If-None-Match": page})
    assert again.status_code == 304 and again.headers["etag"] == page


def test_a_staff_edit_changes_the_tags_and_the_date(app: FastAPI, client: TestClient) -> None:
    urls = ["/api/v1/places", "/api/v1/places/S1", f"{OGC}/items", f"{OGC}/items/S1", OGC]
    before = {url: client.get(url) for url in urls}
    time.sleep(1.1)  # HTTP dates have whole seconds
    _edit(app, "S1", {"name": "Matlock Library and Archives"})
    for url, old in before.items():
        fresh = client.get(url, headers={"If-None-Match": old.headers["etag"]})
        assert fresh.status_code == 200, url
        assert fresh.headers["etag"] != old.headers["etag"]
        assert parsedate_to_datetime(fresh.headers["last-modified"]) > parsedate_to_datetime(
            old.headers["last-modified"]
        )
        dated = client.get(url, headers={"If-Modified-Since": old.headers["last-modified"]})
        assert dated.status_code == 200
    assert "Matlock Library and Archives" in client.get("/api/v1/places/S1").text


def test_errors_carry_no_validators(client: TestClient) -> None:
    for url in ("/api/v1/places/NOPE", "/ogc/collections/nope", "/api/v1/places?limt=1"):
        r = client.get(url, headers={"If-None-Match": "*"})
        assert r.status_code in (400, 404) and "etag" not in r.headers
        assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/postcodes/DE4 3AG",
        "/api/v1/places/nearest?postcode=DE4 3AG",
        "/api/v1/search?q=DE4 3AG",
        "/api/v1/placenames?prefix=Mat",
        "/api/v1/postcodes/DE4 9ZZ",
    ],
)
def test_answers_about_where_someone_is_are_never_stored(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.headers["cache-control"] == "no-store"


def test_a_postcode_revalidates_but_is_never_stored(client: TestClient) -> None:
    first = client.get("/api/v1/postcodes/DE4 3AG")
    again = client.get("/api/v1/postcodes/de43ag", headers={"If-None-Match": first.headers["etag"]})
    # Typed another way it is another address, so another tag; the same address matches.
    assert again.status_code == 200
    same = client.get("/api/v1/postcodes/DE4 3AG", headers={"If-None-Match": first.headers["etag"]})
    assert same.status_code == 304 and same.headers["cache-control"] == "no-store"


def test_httpx_keeps_its_copy_through_304s(app: FastAPI) -> None:
    """A client that keeps what it fetched, as a partner's sync job would: it sends back the
    tag it was given, reuses its copy on a 304, and gets the new data after an edit."""
    statuses: list[int] = []

    async def sync(rounds: int, kept: httpx.Response | None) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            for _ in range(rounds):
                headers = {"If-None-Match": kept.headers["etag"]} if kept is not None else {}
                r = await c.get("/api/v1/places?kind=safe_place", headers=headers)
                statuses.append(r.status_code)
                kept = r if r.status_code == 200 else kept
        assert kept is not None
        return kept

    kept = anyio.run(sync, 3, None)
    assert statuses == [200, 304, 304]
    _edit(app, "S3", {"name": "Wirksworth Pharmacy and Clinic"})
    newer = anyio.run(sync, 2, kept)
    assert statuses[3:] == [200, 304] and "Pharmacy and Clinic" in newer.text
