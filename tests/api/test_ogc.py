"""OGC API - Features: the contract, through TestClient: status, media type and body of every
resource as JSON and as a web page, and the problems bad requests get. Real clients against
the served app: tests/api/test_ogc_clients.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ogcapi import ogc_client, ogc_settings, public_places
from openapi_spec_validator import validate

from api.app import create_app
from api.ogc_schemas import (
    CONFORMANCE,
    OPENAPI_30,
    CollectionOut,
    CollectionsOut,
    FeatureCollectionOut,
    FeatureOut,
    LandingPage,
)
from api.schemas import PlaceOut
from api.settings import OgcSettings, Settings
from geodata.store import PlaceStore
from locator.features import PUBLIC_FIELDS
from locator.venues import Status

PROBLEM = "application/problem+json"
GEOJSON = "application/geo+json"
SAFE_PLACES = ["S1", "S2", "S3", "S4"]  # tests/synthetic.py: S5 has no position
ITEMS = "/ogc/collections/safe-places/items"


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ogc_settings(synthetic_settings, tmp_path_factory)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with ogc_client(settings) as c:
        yield c


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status and body["type"].startswith("/problems/")
    return body


def _rels(links: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for link in links:
        found.setdefault(link.rel if hasattr(link, "rel") else link["rel"], []).append(link)
    return found


# -- the contract -------------------------------------------------------------------------------


def test_landing_page(client: TestClient) -> None:
    r = client.get("/ogc")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    page = LandingPage.model_validate(r.json())
    rels = _rels(page.links)
    assert {"self", "alternate", "service-desc", "conformance", "data", "license"} <= set(rels)
    assert rels["service-desc"][0].type == OPENAPI_30
    assert rels["service-desc"][0].href == "http://testserver/ogc/api"
    assert rels["data"][0].href == "http://testserver/ogc/collections"
    assert "Contains OS data" in page.attribution
    # OWSLib asks for the landing page with a trailing slash.
    assert client.get("/ogc/").json() == r.json()


def test_conformance(client: TestClient) -> None:
    r = client.get("/ogc/conformance")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == {"conformsTo": CONFORMANCE}
    assert {c.rsplit("/", 1)[1] for c in CONFORMANCE} == {
        "core", "geojson", "html", "oas30", "crs", "queryables", "queryables-query-parameters",
        "sorting", "features-sorting",
    }  # fmt: skip


def test_the_api_definition_is_valid_openapi_3_0(client: TestClient) -> None:
    r = client.get("/ogc/api")
    assert r.status_code == 200 and r.headers["content-type"] == OPENAPI_30
    doc = r.json()
    assert doc["openapi"].startswith("3.0.")
    validate(doc)  # raises on any error against the OpenAPI 3.0 schema
    assert doc["servers"] == [{"url": "http://testserver/ogc"}]
    # GDAL reads the page size from the limit parameter of each collection's items path.
    for collection in ("safe-places", "police-enquiry-offices"):
        params = doc["paths"][f"/collections/{collection}/items"]["get"]["parameters"]
        assert {"$ref": "#/components/parameters/limit"} in params
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 1000, 10)
    # FastAPI's own document is still 3.1, and lists the OGC routes too.
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_collections_with_extents_from_the_data(client: TestClient) -> None:
    r = client.get("/ogc/collections")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = CollectionsOut.model_validate(r.json())
    assert [c.id for c in body.collections] == ["safe-places", "police-enquiry-offices"]
    for c, kind in zip(body.collections, ("safe_place", "police_enquiry_office"), strict=True):
        places = public_places(client, kind)
        assert c.itemType == "feature" and c.numberOfPlaces == len(places)
        assert c.extent is not None
        assert c.extent.spatial.crs == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        lons = [p["longitude"] for p in places.values()]
        lats = [p["latitude"] for p in places.values()]
        assert c.extent.spatial.bbox == [[min(lons), min(lats), max(lons), max(lats)]]
        rels = _rels(c.links)
        assert {"self", "alternate", "items", "license"} <= set(rels)
        assert {link.type for link in rels["items"]} == {GEOJSON, "text/html"}
    one = client.get("/ogc/collections/police-enquiry-offices")
    assert CollectionOut.model_validate(one.json()) == body.collections[1]


def test_items_first_page(client: TestClient) -> None:
    r = client.get(ITEMS)
    assert r.status_code == 200 and r.headers["content-type"] == GEOJSON
    body = FeatureCollectionOut.model_validate(r.json())
    assert [f.id for f in body.features] == SAFE_PLACES
    assert body.numberMatched == body.numberReturned == 4
    assert body.timeStamp == "2026-11-24T10:00:00Z"
    reference = public_places(client, "safe_place")
    for feature in body.features:
        place = reference[feature.id]
        assert feature.geometry.coordinates == (place["longitude"], place["latitude"])
        # Flat public columns: the feature id is not repeated in the properties.
        assert list(feature.properties) == [f for f in PUBLIC_FIELDS if f != "id"]
        assert feature.properties["name"] == place["name"]
        hours = place["opening_hours"]
        assert feature.properties["opening_hours"] == (hours["text"] if hours else None)
    assert "links" not in r.json()["features"][0]
    rels = _rels(body.links)
    assert {"self", "alternate", "collection"} <= set(rels)
    assert "next" not in rels and "prev" not in rels


def test_public_fields_are_the_public_schema() -> None:
    """The flat record publishes exactly what PlaceOut does: nothing internal."""
    assert set(PUBLIC_FIELDS) == set(PlaceOut.model_fields)


def test_paging_follows_next_and_prev(client: TestClient) -> None:
    url: str | None = f"{ITEMS}?limit=1"
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    while url:
        body = client.get(url).json()
        pages.append(body)
        assert body["numberMatched"] == 4 and body["numberReturned"] == 1
        seen += [f["id"] for f in body["features"]]
        nxt = [link for link in body["links"] if link["rel"] == "next"]
        assert all(link["type"] == GEOJSON for link in nxt)
        url = nxt[0]["href"] if nxt else None
    assert seen == SAFE_PLACES
    assert not any(link["rel"] == "prev" for link in pages[0]["links"])
    prev = next(link for link in pages[-1]["links"] if link["rel"] == "prev")
    assert [f["id"] for f in client.get(prev["href"]).json()["features"]] == ["S3"]
    past_the_end = client.get(ITEMS, params={"offset": 10}).json()
    assert past_the_end["numberReturned"] == 0 and past_the_end["numberMatched"] == 4


def test_a_limit_over_the_maximum_is_capped(settings: Settings) -> None:
    """Core: a server caps a larger limit rather than refusing it, and pages on from there."""
    capped = settings.model_copy(update={"ogc": OgcSettings(max_limit=3)})
    with ogc_client(capped) as c:
        assert c.get("/ogc/api").json()["components"]["parameters"]["limit"]["schema"] == {
            "type": "integer", "minimum": 1, "maximum": 3, "default": 3,
        }  # fmt: skip
        first = c.get(ITEMS, params={"limit": 5000}).json()
        assert (first["numberMatched"], first["numberReturned"]) == (4, 3)
        assert [f["id"] for f in first["features"]] == SAFE_PLACES[:3]
        nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
        assert "limit=3" in nxt and "offset=3" in nxt
        second = c.get(nxt).json()
        assert [f["id"] for f in second["features"]] == SAFE_PLACES[3:]
        assert not any(link["rel"] == "next" for link in second["links"])
        assert c.get(ITEMS).json()["numberReturned"] == 3  # the default, within the maximum
    # At the default maximum, a limit above 1,000 is answered too.
    with ogc_client(settings) as c:
        assert c.get(ITEMS, params={"limit": 5000}).json()["numberReturned"] == 4


def test_bbox_filters_and_is_kept_in_links(client: TestClient) -> None:
    # Around Matlock: S1 and S2; S3 (Alfreton) and S4 (further south) are outside.
    box = "-1.6,53.1,-1.5,53.2"
    body = client.get(ITEMS, params={"bbox": box, "limit": 1}).json()
    assert body["numberMatched"] == 2 and [f["id"] for f in body["features"]] == ["S1"]
    nxt = next(link for link in body["links"] if link["rel"] == "next")
    assert "bbox=-1.6,53.1,-1.5,53.2" in nxt["href"]
    assert [f["id"] for f in client.get(nxt["href"]).json()["features"]] == ["S2"]
    # Six numbers (with heights) are allowed by the standard; heights are ignored.
    six = client.get(ITEMS, params={"bbox": "-1.6,53.1,0,-1.5,53.2,100"}).json()
    assert six["numberMatched"] == 2


def test_datetime_is_checked_and_matches_every_place(client: TestClient) -> None:
    for value in ("2026-11-24T10:00:00Z", "2026-11-24", "2026-01-01/..", "../2026-12-01T00:00:00Z"):
        body = client.get(ITEMS, params={"datetime": value}).json()
        assert body["numberMatched"] == 4, value


def test_crs84_may_be_named(client: TestClient) -> None:
    """CRS84 is the default; a client naming it (Part 2 style) gets the same answer."""
    crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    body = client.get(ITEMS, params={"crs": crs84, "bbox-crs": crs84, "bbox": "-2,52,-1,54"})
    assert body.status_code == 200 and body.json()["numberMatched"] == 4
    assert client.get(f"{ITEMS}/S1", params={"crs": crs84}).status_code == 200


def test_one_item(client: TestClient) -> None:
    r = client.get(f"{ITEMS}/S1")
    assert r.status_code == 200 and r.headers["content-type"] == GEOJSON
    feature = FeatureOut.model_validate(r.json())
    assert feature.id == "S1" and feature.properties["name"] == "Matlock Library"
    assert feature.links is not None
    assert {"self", "alternate", "collection"} <= set(_rels(feature.links))
    police = client.get("/ogc/collections/police-enquiry-offices/items/P1").json()
    assert police["properties"]["location_precision"] == "town"
    # A police office is not a Safe Place, and the other way round.
    _problem(client.get(f"{ITEMS}/P1"), 404)
    _problem(client.get("/ogc/collections/police-enquiry-offices/items/S1"), 404)


BAD_REQUESTS = [
    (f"{ITEMS}?bbox=1,2,3", 400, "bbox must be four numbers"),
    (f"{ITEMS}?bbox=1,2,3,4,5", 400, "bbox must be four numbers"),
    (f"{ITEMS}?bbox=a,b,c,d", 400, "bbox must be four numbers"),
    (f"{ITEMS}?bbox=nan,52,-1,53", 400, "bbox must be four numbers"),
    (f"{ITEMS}?bbox=-1.5,53.2,-1.6,53.1", 400, "minimums must not be larger"),
    (f"{ITEMS}?bbox=-1.6,53.2,-1.5,53.1", 400, "minimums must not be larger"),
    (f"{ITEMS}?bbox=-200,52,-1,53", 400, "longitudes must be between"),
    (f"{ITEMS}?bbox=-2,-95,-1,53", 400, "latitudes must be between"),
    (f"{ITEMS}?limit=0", 400, "limit must be 1 or more"),
    (f"{ITEMS}?limit=-3", 400, "limit must be 1 or more"),
    (f"{ITEMS}?limit=ten", 400, "limit must be a whole number"),
    (f"{ITEMS}?limit=2.5", 400, "limit must be a whole number"),
    (f"{ITEMS}?offset=-1", 400, "offset must not be negative"),
    (f"{ITEMS}?offset=x", 400, "offset must be a whole number"),
    (f"{ITEMS}?datetime=yesterday", 400, "datetime must be"),
    (f"{ITEMS}?datetime=../..", 400, "needs a start or an end"),
    (f"{ITEMS}?limit=1&limit=2", 400, "only once"),
    (f"{ITEMS}?crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "crs must be one of"),
    (f"{ITEMS}?bbox-crs=EPSG:3857", 400, "bbox-crs must be one of"),
    (f"{ITEMS}/S1?crs=EPSG:3857", 400, "crs must be one of"),
    (f"{ITEMS}?sortby=colour", 400, "sortby takes property names"),
    (f"{ITEMS}?category=castle", 400, "category must be one of"),
    (f"{ITEMS}?verified=maybe", 400, "verified must be true or false"),
    (f"{ITEMS}?name=a&name=b", 400, "only once"),
    ("/ogc/collections/libraries/queryables", 404, "no collection with that name"),
    ("/ogc/collections/safe-places/queryables?name=x", 400, "does not take the parameter"),
    (f"{ITEMS}?colour=red", 400, 'does not take the parameter "colour"'),
    ("/ogc/collections?limit=2", 400, 'does not take the parameter "limit"'),
    ("/ogc?f=xml", 400, 'f must be "json" or "html"'),
    ("/ogc/collections/libraries", 404, "no collection with that name"),
    ("/ogc/collections/libraries/items", 404, "no collection with that name"),
    ("/ogc/collections/libraries/items/S1", 404, "no collection with that name"),
    (f"{ITEMS}/NOPE", 404, "couldn't find that place"),
]


@pytest.mark.parametrize(("url", "status", "detail"), BAD_REQUESTS)
def test_bad_requests_are_problems(client: TestClient, url: str, status: int, detail: str) -> None:
    body = _problem(client.get(url, headers={"Accept": "application/json"}), status)
    assert detail in body["detail"]


def test_a_browser_gets_an_error_page(client: TestClient) -> None:
    r = client.get("/ogc/collections/libraries", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    # ?f= names the format, errors included, whatever the browser's Accept says.
    json_asked = client.get(f"{ITEMS}?limit=0&f=json", headers={"Accept": "text/html"})
    assert json_asked.status_code == 400
    assert json_asked.headers["content-type"] == "application/problem+json"
    html_asked = client.get(f"{ITEMS}?limit=0&f=html", headers={"Accept": "application/json"})
    assert html_asked.status_code == 400
    assert html_asked.headers["content-type"].startswith("text/html")


# -- HTML ------------------------------------------------------------------------------------


HTML_PAGES = [
    "/ogc",
    "/ogc/conformance",
    "/ogc/api",
    "/ogc/collections",
    "/ogc/collections/safe-places",
    ITEMS,
    f"{ITEMS}/S4",
    "/ogc/collections/safe-places/queryables",
    "/ogc/collections/police-enquiry-offices/sortables",
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_resource_has_a_web_page(client: TestClient, settings: Settings, path: str) -> None:
    for r in (
        client.get(path, params={"f": "html"}),
        # A browser's Accept header picks the page without f=html.
        client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}),
    ):
        assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
        assert "Accept" in r.headers["vary"]
        page = r.text
        assert '<html lang="en-GB">' in page and "Exit this page" in page  # the site's layout
        assert page.count("<h1>") == 1
        for line in settings.data.attribution[:3]:
            assert line in page
        csp = r.headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split(";")[1]
        # Only the site's own script, with its nonce: no inline scripts to allow.
        assert len(re.findall(r"<script\b", page)) == 1


def test_web_pages_escape_place_names(client: TestClient) -> None:
    for path in (ITEMS, f"{ITEMS}/S4"):
        page = client.get(path, params={"f": "html"}).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in page
        assert "<script>alert(1)" not in page


def test_items_page_links_to_the_next_page(client: TestClient) -> None:
    page = client.get(ITEMS, params={"f": "html", "limit": 2}).text
    assert "Places 1 to 2 of 4." in page
    assert 'rel="next" href="http://testserver/ogc/collections/safe-places/items?' in page
    assert "offset=2&amp;limit=2&amp;f=html" in page


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("text/html", "text/html; charset=utf-8"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("text/html, application/json;q=0.9", "text/html; charset=utf-8"),
    ],
)
def test_accept_negotiation(client: TestClient, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get("/ogc/collections", headers=headers)
    assert r.headers["content-type"] == expected
    # f= wins over Accept.
    assert client.get("/ogc/collections?f=json", headers={"Accept": "text/html"}).json()


def test_only_active_places_are_served(synthetic_settings: Settings, tmp_path: Path) -> None:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'active.db'}"}
    )
    with TestClient(create_app(settings)) as c:
        store: PlaceStore = c.app.state.datasets.store  # type: ignore[attr-defined]
        store.set_status("S1", Status.SUSPENDED, "ann@council")
        body = c.get(ITEMS).json()
        assert [f["id"] for f in body["features"]] == ["S2", "S3", "S4"]
        _problem(c.get(f"{ITEMS}/S1"), 404)
        extent = c.get("/ogc/collections/safe-places").json()["extent"]["spatial"]["bbox"][0]
        assert extent[2] == -1.387246  # still Alfreton, the easternmost
        store.set_status("P1", Status.REMOVED, "ann@council")
        store.set_status("P2", Status.REMOVED, "ann@council")
        empty = c.get("/ogc/collections/police-enquiry-offices").json()
        assert "extent" not in empty and empty["numberOfPlaces"] == 0
        assert c.get("/ogc/collections/police-enquiry-offices/items").json()["features"] == []
