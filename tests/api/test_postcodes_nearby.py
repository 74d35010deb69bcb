"""GET /api/v1/postcodes?lat=&lon= (reverse geocoding) and GET /api/v1/outcodes/{outcode}."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.postcode_schemas import NearbyPostcodesOut, OutcodeOut
from api.settings import Settings
from locator.geo import wgs84_to_bng

PROBLEM = "application/problem+json"
MATLOCK = {"lat": 53.142342, "lon": -1.551396}  # DE4 3AG


@pytest.fixture(scope="module")
def client(national_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national_settings)) as c:
        yield c


def _nearby(client: TestClient, **params: object) -> NearbyPostcodesOut:
    r = client.get("/api/v1/postcodes", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return NearbyPostcodesOut.model_validate(r.json())


def test_the_nearest_postcodes_come_nearest_first_with_their_distance(client: TestClient) -> None:
    body = _nearby(client, **MATLOCK, radius=1000)
    codes = [p.postcode for p in body.result]
    # DE4 3ZZ is terminated: never an answer to "which postcode is this".
    assert codes == ["DE4 3AG", "DE4 3AH"]
    assert body.result[0].distance_m == 0.0
    x, y = wgs84_to_bng(MATLOCK["lon"], MATLOCK["lat"])
    e, n = 429870, 360187  # DE4 3AH's grid point
    assert body.result[1].distance_m == pytest.approx(((x - e) ** 2 + (y - n) ** 2) ** 0.5, abs=1)
    first = body.result[0]
    assert first.local_authority_code == "E07000035" and first.in_service_area
    assert [p.postcode for p in _nearby(client, **MATLOCK, radius=1000, limit=1).result] == [
        "DE4 3AG"
    ]


def test_the_default_radius_is_100_metres_and_none_in_range_is_empty(client: TestClient) -> None:
    near = _nearby(client, lat=53.1424, lon=-1.5514)  # a few metres from DE4 3AG
    assert [p.postcode for p in near.result] == ["DE4 3AG"]
    # 400 m from DE4 3AG: nothing within 100 m, so an empty answer, not an error.
    assert _nearby(client, lat=53.1460, lon=-1.5514).result == []


def test_beyond_the_area_from_the_national_table(client: TestClient) -> None:
    body = _nearby(client, lat=53.466, lon=-2.206, radius=2000)
    # M1 1AE is about 2.2 km away: beyond the radius.
    assert [p.postcode for p in body.result] == ["M12 4HP", "M12 4AB"]
    assert all(not p.in_service_area and p.country == "England" for p in body.result)
    assert {p.local_authority_code for p in body.result} == {"E08000003"}
    assert [p.distance_m for p in body.result] == sorted(p.distance_m for p in body.result)


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"lat": 53.35, "lon": -6.26}, 422, "postcodes in Great Britain"),  # Dublin
        ({"lat": 48.85, "lon": 2.35}, 422, "postcodes in Great Britain"),  # Paris
        ({"lat": -1.551396, "lon": 53.142342}, 422, "the right way round"),  # swapped
        ({"lat": 95, "lon": -1.5}, 422, "Latitude must be between -90 and 90."),
        ({"lat": "nan", "lon": -1.5}, 422, "must be numbers"),
        ({"lat": "north", "lon": -1.5}, 422, "The latitude (lat) must be a number."),
        ({"lon": -1.5}, 422, "The latitude (lat) is needed."),
        ({**MATLOCK, "radius": 0}, 422, "more than 0"),
        ({**MATLOCK, "radius": 2001}, 422, "at most 2000"),
        ({**MATLOCK, "limit": 0}, 422, "at least 1"),
        ({**MATLOCK, "limit": 101}, 422, "at most 100"),
        ({**MATLOCK, "distance": 5}, 400, '"distance"'),
        ({**MATLOCK, "q": "x"}, 400, '"q"'),
    ],
)
def test_bad_points_and_limits_are_plain_problems(
    client: TestClient, params: dict[str, object], status: int, words: str
) -> None:
    r = client.get("/api/v1/postcodes", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM and words in r.json()["detail"]


def test_an_outcode_has_its_middle_its_count_and_its_areas(client: TestClient) -> None:
    r = client.get("/api/v1/outcodes/de4")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = OutcodeOut.model_validate(r.json())
    district = client.get("/api/v1/postcodes/DE4").json()
    assert (body.outcode, body.latitude, body.longitude) == (
        "DE4",
        district["latitude"],
        district["longitude"],
    )
    assert body.postcode_count == 4 and body.country == "England"
    assert [(a.code, a.name) for a in body.local_authorities] == [("E07000035", "Derbyshire Dales")]
    far = OutcodeOut.model_validate(client.get("/api/v1/outcodes/M12").json())
    assert far.postcode_count == 2 and far.country == "England"
    assert [(a.code, a.name) for a in far.local_authorities] == [("E08000003", None)]


@pytest.mark.parametrize(
    ("outcode", "status"),
    [("XX9", 422), ("DE4 3AG", 422), ("banana", 422), ("DE99", 404), ("SW1A", 404)],
)
def test_an_unknown_or_malformed_outcode_is_a_problem(
    client: TestClient, outcode: str, status: int
) -> None:
    r = client.get(f"/api/v1/outcodes/{outcode}")
    assert r.status_code == status and r.headers["content-type"] == PROBLEM


def test_without_the_national_table_only_the_local_postcodes(synthetic_settings: Settings) -> None:
    with TestClient(create_app(synthetic_settings)) as c:
        assert [
            p["postcode"] for p in c.get("/api/v1/postcodes", params=MATLOCK).json()["result"]
        ] == ["DE4 3AG"]
        far = c.get("/api/v1/postcodes", params={"lat": 53.466, "lon": -2.206})
        assert far.status_code == 422
        assert "we know the postcodes near Derbyshire and Derby" in far.json()["detail"]
        assert c.get("/api/v1/outcodes/M12").status_code == 404
