"""Open data downloads: each file parses with the usual tools, holds the active places and
only public columns, carries the licence, and answers conditional GETs with 304."""

from __future__ import annotations

import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from geodata.opendata import DatasetInfo, OpenDataCache, to_csv, to_geojson, to_gpkg
from geodata.store import PlaceStore
from locator.features import PUBLIC_FIELDS
from locator.venues import Category, Kind, LocationPrecision, Status, Venue

DOWNLOADS = "/api/v1/downloads"
FILES = ["places.geojson", "places.csv", "places.gpkg"]
ACTIVE = ["P1", "P2", "S1", "S2", "S3", "S4"]  # tests/synthetic.py, as the locator serves it
# Fields a place has that the public must never get.
INTERNAL = {
    "status", "verification_note", "operator", "external_ref", "local_authority_code",
    "version", "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    db = tmp_path_factory.mktemp("opendata") / "opendata.db"
    return synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def fresh(synthetic_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """An app on its own database, for tests that edit places."""
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'edits.db'}"}
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _store(client: TestClient) -> PlaceStore:
    store: PlaceStore = client.app.state.datasets.store  # type: ignore[attr-defined]
    return store


def _saved(content: bytes, tmp_path: Path, name: str) -> Path:
    # GDAL wants a GeoPackage to end in .gpkg; a file also shows what a person downloads.
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _reference(client: TestClient) -> dict[str, dict[str, Any]]:
    body = client.get("/api/v1/places").json()
    return {f["id"]: f["properties"] for f in body["features"]}


def test_the_index_lists_the_files_with_the_licence(client: TestClient, settings: Settings) -> None:
    r = client.get(DOWNLOADS)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    # The same attribution as /api/v1/about: one text, in the settings.
    about = client.get("/api/v1/about").json()
    assert body["attribution"] == about["attribution"] == list(settings.data.attribution)
    assert body["licence"] == {"name": "Open Government Licence v3.0", "url": about["licence_url"]}
    assert body["crs"] == "EPSG:4326" and body["places"] == len(ACTIVE)
    assert body["columns"] == list(PUBLIC_FIELDS)
    assert body["data_version"] == client.get("/readyz").json()["data_version"]
    hrefs = {d["format"]: d["href"] for d in body["downloads"]}
    assert hrefs == {
        "geojson": f"http://testserver{DOWNLOADS}/places.geojson",
        "csv": f"http://testserver{DOWNLOADS}/places.csv",
        "gpkg": f"http://testserver{DOWNLOADS}/places.gpkg",
    }
    for d in body["downloads"]:
        assert client.get(d["href"]).headers["content-type"] == d["media_type"]


def _check_frame(frame: pd.DataFrame, client: TestClient) -> None:
    assert sorted(frame["id"]) == ACTIVE
    assert not INTERNAL & set(frame.columns)
    reference = _reference(client)
    for row in frame.to_dict("records"):
        place = reference[row["id"]]
        for field in ("name", "kind", "category", "address", "latitude", "longitude", "verified"):
            assert row[field] == place[field], (row["id"], field)


def test_geojson(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    r = client.get(f"{DOWNLOADS}/places.geojson")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    assert r.headers["content-disposition"] == 'attachment; filename="safe-places.geojson"'
    raw = r.json()
    # The licence and attribution as RFC 7946 foreign members.
    assert raw["licence"]["url"] == settings.data.licence_url
    assert raw["attribution"] == list(settings.data.attribution)
    frame = gpd.read_file(_saved(r.content, tmp_path, "places.geojson"))
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*PUBLIC_FIELDS, "geometry"]
    _check_frame(frame, client)
    assert all(frame.geometry.x == frame["longitude"]) and all(
        frame.geometry.y == frame["latitude"]
    )
    info = pyogrio.read_info(_saved(r.content, tmp_path, "again.geojson"))
    assert "Open Government Licence v3.0" in info["layer_metadata"]["DESCRIPTION"]


def test_csv(client: TestClient, settings: Settings) -> None:
    r = client.get(f"{DOWNLOADS}/places.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(r.content))
    assert list(frame.columns) == list(PUBLIC_FIELDS)
    _check_frame(frame, client)
    # The licence travels in the Link header (and the index it points to).
    link = r.headers["link"]
    assert f'<{settings.data.licence_url}>; rel="license"' in link
    assert f'<http://testserver{DOWNLOADS}>; rel="describedby"' in link


def test_geopackage(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    r = client.get(f"{DOWNLOADS}/places.gpkg")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geopackage+sqlite3"
    path = _saved(r.content, tmp_path, "places.gpkg")
    frame = gpd.read_file(path)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*PUBLIC_FIELDS, "geometry"]
    _check_frame(frame, client)
    info = pyogrio.read_info(path)
    attribution = " ".join(settings.data.attribution)
    for metadata in (info["layer_metadata"], info["dataset_metadata"]):
        assert metadata["LICENCE"] == "Open Government Licence v3.0"
        assert metadata["LICENCE_URL"] == settings.data.licence_url
        assert metadata["ATTRIBUTION"] == attribution
    assert "Open Government Licence v3.0" in info["layer_metadata"]["DESCRIPTION"]
    # The QGIS metadata document, linked to the layer: QGIS shows it under Metadata.
    with sqlite3.connect(path) as db:
        [(xml, table)] = db.execute(
            "SELECT m.metadata, r.table_name FROM gpkg_metadata m "
            "JOIN gpkg_metadata_reference r ON r.md_file_id = m.id "
            "WHERE m.md_standard_uri = 'http://mrcc.com/qgis.dtd'"
        ).fetchall()
    assert table == "places"
    root = ET.fromstring(xml.split("\n", 1)[1])
    assert [e.text for e in root.iter("rights")] == list(settings.data.attribution)
    assert settings.data.licence_url in (root.findtext("license") or "")


def test_suspended_places_are_left_out(fresh: TestClient) -> None:
    _store(fresh).set_status("S1", Status.SUSPENDED, "ann@council")
    frame = pd.read_csv(io.BytesIO(fresh.get(f"{DOWNLOADS}/places.csv").content))
    assert "S1" not in set(frame["id"]) and len(frame) == len(ACTIVE) - 1


# -- conditional GET ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_conditional_get(client: TestClient, name: str) -> None:
    url = f"{DOWNLOADS}/{name}"
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, no-cache"
    assert parsedate_to_datetime(modified).tzinfo is not None

    def status(**headers: str) -> int:
        r = client.get(url, headers=headers)
        if r.status_code == 304:
            assert r.content == b"" and r.headers["etag"] == etag
        return r.status_code

    assert status(**{"If-None-Match": etag}) == 304
    assert status(**{"If-None-Match": etag.removeprefix("W/")}) == 304  # weak comparison
    assert status(**{"If-None-Match": f'"other", {etag}'}) == 304
    assert status(**{"If-None-Match": "*"}) == 304
    assert status(**{"If-None-Match": '"other"'}) == 200
    assert status(**{"If-Modified-Since": modified}) == 304
    later = format_datetime(parsedate_to_datetime(modified) + timedelta(days=1), usegmt=True)
    assert status(**{"If-Modified-Since": later}) == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(days=1), usegmt=True)
    assert status(**{"If-Modified-Since": earlier}) == 200
    assert status(**{"If-Modified-Since": "yesterday"}) == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    assert status(**{"If-None-Match": '"other"', "If-Modified-Since": modified}) == 200


def test_a_staff_edit_changes_the_etag_and_the_files(fresh: TestClient) -> None:
    store = _store(fresh)
    before = {n: fresh.get(f"{DOWNLOADS}/{n}") for n in FILES}
    version = fresh.get(DOWNLOADS).json()["data_version"]
    row = store.get("S1")
    store.update("S1", {"phone": "01629 533400"}, "ann@council", row.version)
    assert fresh.get(DOWNLOADS).json()["data_version"] == version + 1
    for name, old in before.items():
        new = fresh.get(f"{DOWNLOADS}/{name}", headers={"If-None-Match": old.headers["etag"]})
        assert new.status_code == 200, name
        assert new.headers["etag"] != old.headers["etag"]
        last = parsedate_to_datetime(new.headers["last-modified"])
        assert last >= parsedate_to_datetime(old.headers["last-modified"])
    csv = pd.read_csv(io.BytesIO(fresh.get(f"{DOWNLOADS}/places.csv").content), dtype=str)
    assert csv.set_index("id").loc["S1", "phone"] == "01629 533400"
    # A place leaving the public list (suspended) changes the files too.
    etag = fresh.get(f"{DOWNLOADS}/places.geojson").headers["etag"]
    store.set_status("S2", Status.SUSPENDED, "ann@council")
    after = fresh.get(f"{DOWNLOADS}/places.geojson", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert "S2" not in {f["id"] for f in after.json()["features"]}


def test_files_are_built_once_per_data_version(fresh: TestClient, settings: Settings) -> None:
    store = _store(fresh)
    cache = OpenDataCache(store, DatasetInfo.of(settings), store.data_version)
    first = cache.get("gpkg")
    assert cache.get("gpkg") is first  # the same bytes, not rebuilt
    store.update("S3", {"phone": "01773 000000"}, "ann@council", store.get("S3").version)
    rebuilt = cache.get("gpkg")
    assert rebuilt is not first and rebuilt.data_version == first.data_version + 1
    assert cache.get("gpkg") is rebuilt


# -- the builders on their own -------------------------------------------------------------------


def test_builders_on_an_empty_list_and_odd_text(tmp_path: Path, settings: Settings) -> None:
    info = DatasetInfo.of(settings)
    odd = Venue(
        "X1",
        'Café "Ünïcode", <b>bold</b>',
        Kind.SAFE_PLACE,
        Category.CAFE,
        "1 Line\nTwo, Town",
        "DE4 3AG",
        53.1,
        -1.5,
        LocationPrecision.BUILDING,
    )
    for venues in ([], [odd]):
        frame = pd.read_csv(io.BytesIO(to_csv(venues)))
        assert list(frame.columns) == list(PUBLIC_FIELDS) and len(frame) == len(venues)
        geojson = json.loads(to_geojson(venues, info))
        assert len(geojson["features"]) == len(venues)
        gpkg = gpd.read_file(_saved(to_gpkg(venues, info), tmp_path, f"n{len(venues)}.gpkg"))
        assert len(gpkg) == len(venues)
    assert frame.loc[0, "name"] == odd.name and frame.loc[0, "address"] == odd.address
    assert gpkg.loc[0, "name"] == odd.name


def test_last_modified_is_the_latest_change(fresh: TestClient) -> None:
    store = _store(fresh)
    store.set_status("P2", Status.REMOVED, "ann@council")  # removed places count too
    latest = max(row.updated_at for row in store.rows())
    latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)  # SQLite: naive UTC
    header = fresh.get(f"{DOWNLOADS}/places.csv").headers["last-modified"]
    assert parsedate_to_datetime(header) == latest.replace(microsecond=0)
