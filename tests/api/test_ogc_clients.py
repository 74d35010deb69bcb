"""OGC API - Features through real clients nobody here wrote: OWSLib, and GDAL's OAPIF driver
(through pyogrio and geopandas), against the app served by uvicorn. The contract itself, through
TestClient: tests/api/test_ogc.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from fastapi.testclient import TestClient
from live import serve_in_process
from ogcapi import ogc_client, ogc_settings, public_places
from owslib.ogcapi.features import Features

from api.ogc_schemas import CONFORMANCE
from api.settings import Settings
from geodata.store import PlaceStore
from locator.venues import Kind, Status

POLICE = ["P1", "P2"]  # tests/synthetic.py: P3 is closed


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ogc_settings(synthetic_settings, tmp_path_factory)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with ogc_client(settings) as c:
        yield c


# -- real clients against a live server ----------------------------------------------------------


@pytest.fixture(scope="module")
def live_url(settings: Settings, client: TestClient) -> Iterator[str]:
    """The app served by uvicorn in a child process, on the same database as `client`."""
    with serve_in_process(settings) as base:
        yield base + "/ogc"


def test_owslib(live_url: str, client: TestClient) -> None:
    api = Features(live_url)
    assert any(link["rel"] == "service-desc" for link in api.links)
    assert set(CONFORMANCE) <= set(api.conformance()["conformsTo"])
    assert api.feature_collections() == ["safe-places", "police-enquiry-offices"]
    described = api.collection("safe-places")
    assert described["extent"]["spatial"]["bbox"] == [[-1.57, 53.08, -1.387246, 53.142342]]
    page = api.collection_items("safe-places", limit=2, offset=1)
    assert [f["id"] for f in page["features"]] == ["S2", "S3"]
    assert (page["numberMatched"], page["numberReturned"]) == (4, 2)
    boxed = api.collection_items("safe-places", bbox=[-1.6, 53.1, -1.5, 53.2])
    assert [f["id"] for f in boxed["features"]] == ["S1", "S2"]
    police = api.collection_items("police-enquiry-offices")
    assert [f["id"] for f in police["features"]] == POLICE
    one = api.collection_item("safe-places", "S1")
    assert one["properties"]["name"] == "Matlock Library"
    assert one["geometry"]["coordinates"] == [-1.556, 53.138454]
    assert api.api()["openapi"].startswith("3.0.")
    # A limit above the maximum is served as the maximum, not refused.
    assert api.collection_items("safe-places", limit=5000)["numberReturned"] == 4


def test_owslib_reads_queryables_filters_and_sorts(live_url: str, client: TestClient) -> None:
    api = Features(live_url)
    queryables = api.collection_queryables("safe-places")
    assert queryables["$id"] == f"{live_url}/collections/safe-places/queryables"
    assert queryables["properties"]["category"]["enum"][0] == "library"
    reference = public_places(client, "safe_place")
    libraries = api.collection_items("safe-places", category="library")
    assert [f["id"] for f in libraries["features"]] == sorted(
        i for i, p in reference.items() if p["category"] == "library"
    )
    assert api.collection_items("safe-places", postcode="de4 3ah")["numberMatched"] == 1
    by_name = api.collection_items("safe-places", sortby=("name", "desc"))
    assert [f["properties"]["name"] for f in by_name["features"]] == sorted(
        (p["name"] for p in reference.values()), key=str.casefold, reverse=True
    )
    with pytest.raises(RuntimeError, match="does not take the parameter"):
        api.collection_items("safe-places", colour="red")


def _gdal_fetches(stderr: str, path: str) -> list[str]:
    """The URLs GDAL fetched (its CPL_DEBUG lines: ``HTTP: Fetch(url)``) under `path`."""
    return [u for u in re.findall(r"HTTP: Fetch\((\S+)\)", stderr) if path in u]


@pytest.fixture
def gdal_debug() -> Iterator[None]:
    """GDAL's debug messages on stderr, to see which pages the driver asked for."""
    pyogrio.set_gdal_config_options({"CPL_DEBUG": "ON"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"CPL_DEBUG": None})


def _assert_same_places(
    frame: gpd.GeoDataFrame, reference: dict[str, dict[str, Any]], fields: list[str]
) -> None:
    # The collection's storageCrs: longitude, latitude (x is the longitude below).
    assert frame.crs is not None and frame.crs.to_string() == "OGC:CRS84"
    assert sorted(frame["id"]) == sorted(reference)
    for row in frame.itertuples():
        place = reference[str(row.id)]
        assert (row.geometry.x, row.geometry.y) == (place["longitude"], place["latitude"])
        for field in fields:
            assert getattr(row, field) == place[field], (row.id, field)


def test_gdal_reads_every_place_page_by_page(
    live_url: str, client: TestClient, gdal_debug: None, capfd: pytest.CaptureFixture[str]
) -> None:
    assert "OAPIF" in pyogrio.list_drivers()
    layers = pyogrio.list_layers(f"OAPIF:{live_url}")
    assert [str(name) for name in layers[:, 0]] == ["safe-places", "police-enquiry-offices"]
    fields = ["name", "kind", "category", "address", "postcode", "location_precision"]
    fields += ["latitude", "longitude", "verified"]
    capfd.readouterr()
    safe = gpd.read_file(
        f"OAPIF:{live_url}", layer="safe-places", PAGE_SIZE=2, INITIAL_REQUEST_PAGE_SIZE=2
    )
    _assert_same_places(safe, public_places(client, "safe_place"), fields)
    pages = _gdal_fetches(capfd.readouterr().err, "/collections/safe-places/items")
    # The schema sample, then two pages of two: the second reached through the next link.
    assert any("offset=2" in url and "limit=2" in url for url in pages), pages
    police = gpd.read_file(f"OAPIF:{live_url}", layer="police-enquiry-offices", PAGE_SIZE=1)
    _assert_same_places(police, public_places(client, "police_enquiry_office"), fields)
    info = pyogrio.read_info(f"OAPIF:{live_url}", layer="safe-places")
    assert info["features"] == 4  # numberMatched
    assert info["layer_metadata"]["TITLE"] == "Safe Places"


def test_gdal_bbox_and_default_page_size(
    live_url: str, gdal_debug: None, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    boxed = gpd.read_file(f"OAPIF:{live_url}", layer="safe-places", bbox=(-1.6, 53.1, -1.5, 53.2))
    assert sorted(boxed["id"]) == ["S1", "S2"]
    fetched = _gdal_fetches(capfd.readouterr().err, "/collections/safe-places/items")
    assert any("bbox=" in url for url in fetched), fetched
    # Without PAGE_SIZE, GDAL takes the limit's maximum from the OpenAPI 3.0 document.
    assert any("limit=1000" in url for url in fetched), fetched


def test_gdal_on_the_real_data(real_settings: Settings, tmp_path: Path) -> None:
    """Every active Safe Place of the shared open data comes back through GDAL, where it is."""
    settings = real_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'real.db'}"}
    )
    with serve_in_process(settings) as base:
        frame = gpd.read_file(f"OAPIF:{base}/ogc", layer="safe-places", PAGE_SIZE=25)
    venues = [
        v
        for v in PlaceStore.open(settings.database).venues()
        if v.status is Status.ACTIVE and v.kind is Kind.SAFE_PLACE
    ]
    assert len(venues) >= 50 and len(frame) == len(venues)
    by_id = {v.id: v for v in venues}
    for row in frame.itertuples():
        venue = by_id[str(row.id)]
        assert (row.geometry.x, row.geometry.y) == (venue.longitude, venue.latitude)
        assert row.name == venue.name
