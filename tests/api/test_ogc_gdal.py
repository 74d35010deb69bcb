"""OGC API - Features read by GDAL, a client nobody here wrote, against the app served by
uvicorn: Debian's ``ogr2ogr`` (gdal-bin) paging with a page size above the server's maximum
and reprojecting to the British National Grid, and GDAL's OAPIF driver (through pyogrio's
newer GDAL) asking the server for grid positions and handing it attribute filters.

The server here holds at most 3 places a page, so every read of the 4 Safe Places needs the
next link. Reference positions: the public JSON API's, reprojected by a pyproj transformer
made here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from live import serve_in_process
from ogcapi import ogc_client, ogc_settings, public_places
from pyproj import Transformer

from api.settings import OgcSettings, Settings
from geodata.store import PlaceStore
from locator.venues import Kind, Status

BNG = "http://www.opengis.net/def/crs/EPSG/0/27700"
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
MAX_LIMIT = 3


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = ogc_settings(synthetic_settings, tmp_path_factory)
    return base.model_copy(update={"ogc": OgcSettings(max_limit=MAX_LIMIT)})


@pytest.fixture(scope="module")
def reference(settings: Settings) -> Iterator[dict[str, dict[str, Any]]]:
    with ogc_client(settings) as c:
        yield public_places(c, "safe_place")


@pytest.fixture(scope="module")
def live_url(settings: Settings, reference: dict[str, Any]) -> Iterator[str]:
    with serve_in_process(settings) as base:
        yield base + "/ogc"


@pytest.fixture(scope="module")
def ogr2ogr() -> str:
    found = shutil.which("ogr2ogr")
    if found is None:
        pytest.fail(
            "ogr2ogr (GDAL's command-line tools) is not installed: apt-get install gdal-bin "
            "(make test tries)."
        )
    return found


def _grid(place: dict[str, Any]) -> tuple[float, float]:
    x, y = TO_GRID.transform(place["longitude"], place["latitude"])
    return float(x), float(y)


def _fetched(stderr: str) -> list[str]:
    """The item pages GDAL asked for (its debug lines: ``HTTP: Fetch(url)``)."""
    return [u for u in re.findall(r"HTTP: Fetch\((\S+)\)", stderr) if "/items" in u]


def _run(ogr2ogr: str, out: Path, url: str, *options: str) -> tuple[dict[str, Any], list[str]]:
    done = subprocess.run(
        [ogr2ogr, "--debug", "on", "-f", "GeoJSON", str(out), f"OAPIF:{url}", "safe-places",
         *options],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    body: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return body, _fetched(done.stderr)


def test_ogr2ogr_reads_every_place_with_a_page_size_above_the_maximum(
    ogr2ogr: str, live_url: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    body, fetched = _run(ogr2ogr, tmp_path / "all.geojson", live_url, "-oo", "PAGE_SIZE=5000")
    assert sorted(f["properties"]["id"] for f in body["features"]) == sorted(reference)
    for f in body["features"]:
        place = reference[f["properties"]["id"]]
        assert f["geometry"]["coordinates"] == [place["longitude"], place["latitude"]]
        assert f["properties"]["name"] == place["name"]
    # Asked for 5000, served 3 and the next link, which GDAL followed.
    assert any("limit=5000" in u for u in fetched), fetched
    assert any(f"offset={MAX_LIMIT}" in u and f"limit={MAX_LIMIT}" in u for u in fetched), fetched


def test_ogr2ogr_reprojects_to_the_grid(
    ogr2ogr: str, live_url: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    body, _ = _run(
        ogr2ogr, tmp_path / "grid.geojson", live_url, "-oo", "PAGE_SIZE=5000", "-t_srs",
        "EPSG:27700",
    )  # fmt: skip
    assert body["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::27700"
    assert len(body["features"]) == len(reference)
    for f in body["features"]:
        easting, northing = f["geometry"]["coordinates"]
        x, y = _grid(reference[f["properties"]["id"]])
        assert abs(easting - x) < 0.01 and abs(northing - y) < 0.01, f["properties"]["id"]


def test_ogr2ogr_hands_a_where_clause_to_the_server(
    ogr2ogr: str, live_url: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    body, fetched = _run(
        ogr2ogr, tmp_path / "libraries.geojson", live_url, "-where", "category = 'library'"
    )
    libraries = sorted(i for i, p in reference.items() if p["category"] == "library")
    assert sorted(f["properties"]["id"] for f in body["features"]) == libraries
    # Read from the items' parameters in the OpenAPI document, sent as a query parameter.
    assert any("category=library" in u for u in fetched), fetched


def test_gdal_asks_the_server_for_grid_positions(
    live_url: str, reference: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    """GDAL 3.7 added the OAPIF driver's CRS option (Part 2); Debian 12's ogr2ogr is 3.6,
    so the driver is the one pyogrio carries."""
    assert tuple(int(n) for n in pyogrio.__gdal_version__[:2]) >= (3, 7)
    pyogrio.set_gdal_config_options({"CPL_DEBUG": "ON"})
    try:
        capfd.readouterr()
        frame = gpd.read_file(f"OAPIF:{live_url}", layer="safe-places", CRS="EPSG:27700")
        fetched = _fetched(capfd.readouterr().err)
    finally:
        pyogrio.set_gdal_config_options({"CPL_DEBUG": None})
    assert frame.crs is not None and frame.crs.to_epsg() == 27700
    # The server sent the grid positions: GDAL asked for them, and reprojected nothing.
    assert any("27700" in u for u in fetched), fetched
    assert sorted(frame["id"]) == sorted(reference)
    for row in frame.itertuples():
        x, y = _grid(reference[str(row.id)])
        assert (row.geometry.x, row.geometry.y) == (round(x, 2), round(y, 2)), row.id


def test_gdal_hands_attribute_filters_to_the_server(
    live_url: str, reference: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    pyogrio.set_gdal_config_options({"CPL_DEBUG": "ON"})
    try:
        capfd.readouterr()
        frame = gpd.read_file(
            f"OAPIF:{live_url}", layer="safe-places", where="category = 'library'"
        )
        fetched = _fetched(capfd.readouterr().err)
    finally:
        pyogrio.set_gdal_config_options({"CPL_DEBUG": None})
    libraries = sorted(i for i, p in reference.items() if p["category"] == "library")
    assert sorted(frame["id"]) == libraries
    # The driver read the queryables and sent the filter as a query parameter.
    assert any("category=library" in u for u in fetched), fetched


def test_ogr2ogr_on_the_real_data(ogr2ogr: str, real_settings: Settings, tmp_path: Path) -> None:
    """Every active Safe Place of the shared open data, in one request of PAGE_SIZE=5000,
    reprojected by GDAL to the grid where pyproj puts it and where the server's own grid
    answer puts it."""
    settings = real_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'real.db'}"}
    )
    with serve_in_process(settings) as base:
        body, fetched = _run(
            ogr2ogr, tmp_path / "real.geojson", f"{base}/ogc", "-oo", "PAGE_SIZE=5000",
            "-t_srs", "EPSG:27700",
        )  # fmt: skip
        served = gpd.read_file(f"OAPIF:{base}/ogc", layer="safe-places", CRS="EPSG:27700")
    venues = {
        v.id: v
        for v in PlaceStore.open(settings.database).venues()
        if v.status is Status.ACTIVE and v.kind is Kind.SAFE_PLACE
    }
    assert len(venues) >= 50 and len(body["features"]) == len(venues) == len(served)
    assert any("limit=5000" in u for u in fetched), fetched
    grid = {str(row.id): (row.geometry.x, row.geometry.y) for row in served.itertuples()}
    for f in body["features"]:
        venue = venues[f["properties"]["id"]]
        x, y = TO_GRID.transform(venue.longitude, venue.latitude)
        easting, northing = f["geometry"]["coordinates"]
        assert abs(easting - x) < 0.01 and abs(northing - y) < 0.01, venue.id
        assert grid[venue.id] == (round(x, 2), round(y, 2)), venue.id
