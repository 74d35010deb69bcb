"""OGC API - Features Part 2 (CRS by reference), through TestClient: the collections' CRS
lists, positions in the British National Grid and in EPSG:4326's latitude-first order, a
bbox in either, and the Content-Crs header. Reference positions come from a pyproj
transformer made here, and from the public JSON API's latitude and longitude."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ogcapi import ogc_client, ogc_settings, public_places
from pyproj import Transformer

from api.settings import Settings

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
BNG = "http://www.opengis.net/def/crs/EPSG/0/27700"
ITEMS = "/ogc/collections/safe-places/items"
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ogc_settings(synthetic_settings, tmp_path_factory)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with ogc_client(settings) as c:
        yield c


def _grid(place: dict[str, Any]) -> tuple[float, float]:
    x, y = TO_GRID.transform(place["longitude"], place["latitude"])
    return round(x, 2), round(y, 2)


def test_collections_list_their_crss(client: TestClient) -> None:
    for c in client.get("/ogc/collections").json()["collections"]:
        assert c["crs"] == [CRS84, EPSG_4326, BNG]
        assert c["storageCrs"] == CRS84
        assert c["extent"]["spatial"]["crs"] == CRS84


def test_crs84_is_the_default_and_says_so(client: TestClient) -> None:
    r = client.get(ITEMS)
    assert r.headers["content-crs"] == f"<{CRS84}>"
    reference = public_places(client, "safe_place")
    for f in r.json()["features"]:
        place = reference[f["id"]]
        assert f["geometry"]["coordinates"] == [place["longitude"], place["latitude"]]


def test_british_national_grid(client: TestClient) -> None:
    reference = public_places(client, "safe_place")
    r = client.get(ITEMS, params={"crs": BNG, "limit": 2})
    assert r.status_code == 200 and r.headers["content-crs"] == f"<{BNG}>"
    body = r.json()
    for f in body["features"]:
        easting, northing = f["geometry"]["coordinates"]
        assert (easting, northing) == _grid(reference[f["id"]])
        assert 400_000 < easting < 460_000 and 330_000 < northing < 390_000  # Derbyshire
    nxt = next(lk["href"] for lk in body["links"] if lk["rel"] == "next")
    assert "crs=http" in nxt and "27700" in nxt
    later = client.get(nxt)
    assert later.headers["content-crs"] == f"<{BNG}>"
    for f in later.json()["features"]:
        assert tuple(f["geometry"]["coordinates"]) == _grid(reference[f["id"]])
    one = client.get(f"{ITEMS}/S1", params={"crs": "EPSG:27700"})
    assert one.headers["content-crs"] == f"<{BNG}>"
    assert tuple(one.json()["geometry"]["coordinates"]) == _grid(reference["S1"])
    # The properties stay what they are: the latitude and longitude.
    assert one.json()["properties"]["latitude"] == reference["S1"]["latitude"]


def test_epsg_4326_is_latitude_first(client: TestClient) -> None:
    reference = public_places(client, "safe_place")
    r = client.get(ITEMS, params={"crs": EPSG_4326})
    assert r.headers["content-crs"] == f"<{EPSG_4326}>"
    for f in r.json()["features"]:
        place = reference[f["id"]]
        assert f["geometry"]["coordinates"] == [place["latitude"], place["longitude"]]


@pytest.mark.parametrize(
    "box", [(428000, 359000, 431000, 362000), (425000, 350000, 445000, 358000), (0, 0, 1, 1)]
)
def test_a_bbox_on_the_grid(client: TestClient, box: tuple[int, int, int, int]) -> None:
    reference = public_places(client, "safe_place")
    inside = sorted(
        i
        for i, p in reference.items()
        if box[0] <= _grid(p)[0] <= box[2] and box[1] <= _grid(p)[1] <= box[3]
    )
    text = ",".join(map(str, box))
    body = client.get(ITEMS, params={"bbox": text, "bbox-crs": BNG}).json()
    assert [f["id"] for f in body["features"]] == inside and body["numberMatched"] == len(inside)
    # Answered in the grid too, if asked: the same places.
    both = client.get(ITEMS, params={"bbox": text, "bbox-crs": BNG, "crs": BNG}).json()
    assert [f["id"] for f in both["features"]] == inside
    for f in both["features"]:
        x, y = f["geometry"]["coordinates"]
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3]


def test_a_latitude_first_bbox(client: TestClient) -> None:
    lon_first = client.get(ITEMS, params={"bbox": "-1.6,53.1,-1.5,53.2"}).json()
    lat_first = client.get(ITEMS, params={"bbox": "53.1,-1.6,53.2,-1.5", "bbox-crs": EPSG_4326})
    assert [f["id"] for f in lat_first.json()["features"]] == ["S1", "S2"]
    assert lat_first.json()["features"] == lon_first["features"]


def test_the_api_definition_lists_the_crss(client: TestClient) -> None:
    doc = client.get("/ogc/api").json()
    for name in ("crs", "bbox-crs"):
        schema = doc["components"]["parameters"][name]["schema"]
        assert schema["enum"] == [CRS84, EPSG_4326, BNG] and schema["default"] == CRS84
    ok = doc["paths"]["/collections/safe-places/items"]["get"]["responses"]["200"]
    assert "Content-Crs" in ok["headers"]
