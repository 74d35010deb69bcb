"""The HTTP contract: status, media type, and bodies validated against the response models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_now
from api.schemas import NearestOut, PlaceOut, PostcodeOut, ReadyOut, SearchOut
from api.settings import Settings
from locator.hours import LONDON

# A Tuesday at 10:00: Matlock Library (S1) is open, the others are not.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings) -> Iterator[TestClient]:
    app = create_app(synthetic_settings)
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as c:
        yield c


def _problem(response, status: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    return body


def test_postcode_lookup(client: TestClient) -> None:
    r = client.get("/api/v1/postcodes/de43ag")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = PostcodeOut.model_validate(r.json())
    assert body.postcode == "DE4 3AG" and not body.approximate
    assert (body.latitude, body.longitude) == (53.142342, -1.551396)


def test_postcode_lookup_district_and_terminated(client: TestClient) -> None:
    district = PostcodeOut.model_validate(client.get("/api/v1/postcodes/DE4").json())
    assert district.approximate and district.postcode == "DE4"
    old = PostcodeOut.model_validate(client.get("/api/v1/postcodes/DE4 3ZZ").json())
    assert old.terminated


def test_postcode_lookup_errors(client: TestClient) -> None:
    body = _problem(client.get("/api/v1/postcodes/DE4 9ZZ"), 404)
    assert body["detail"] == "We couldn't find the postcode DE4 9ZZ. Please check it and try again."
    _problem(client.get("/api/v1/postcodes/DE99"), 404)
    body = _problem(client.get("/api/v1/postcodes/banana"), 422)
    assert body["type"] == "/problems/invalid-postcode"


def test_search_found_and_choices(client: TestClient) -> None:
    found = SearchOut.model_validate(client.get("/api/v1/search", params={"q": "Matlock"}).json())
    assert found.status == "found" and found.origin is not None
    choices = SearchOut.model_validate(client.get("/api/v1/search", params={"q": "newton"}).json())
    assert choices.status == "choices" and len(choices.choices) == 2
    # Each choice carries a query that picks exactly it.
    again = client.get("/api/v1/search", params={"q": choices.choices[1].q}).json()
    assert again["status"] == "found" and again["origin"]["longitude"] == -2.063672
    district = SearchOut.model_validate(client.get("/api/v1/search?q=DE4 9ZZ").json())
    assert district.message == "We couldn't find DE4 9ZZ, so we used the middle of DE4."


def test_search_errors(client: TestClient) -> None:
    _problem(client.get("/api/v1/search", params={"q": "Atlantis"}), 404)
    _problem(client.get("/api/v1/search", params={"q": "  "}), 422)
    _problem(client.get("/api/v1/search"), 422)
    _problem(client.get("/api/v1/search", params={"q": "x" * 300}), 422)


def test_placenames(client: TestClient) -> None:
    r = client.get("/api/v1/placenames", params={"prefix": "mat"})
    assert [s["name"] for s in r.json()["suggestions"]] == ["Matlock", "Matlock Bath"]
    _problem(client.get("/api/v1/placenames", params={"prefix": ""}), 422)
    _problem(client.get("/api/v1/placenames", params={"prefix": "m", "limit": 0}), 422)


def test_nearest_by_postcode(client: TestClient) -> None:
    r = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = NearestOut.model_validate(r.json())
    assert body.in_service_area and body.origin.label == "DE4 3AG"
    ids = [p.id for p in body.places]
    assert ids[0] == "S2"  # the café at this very postcode
    assert set(ids) == {"S1", "S2", "S3", "S4"}
    distances = [p.distance_m for p in body.places]
    assert distances == sorted(distances)
    first = r.json()["places"][0]
    for field in [
        "id",
        "name",
        "kind",
        "category",
        "address",
        "postcode",
        "latitude",
        "longitude",
        "distance_m",
        "walk_minutes",
        "open_now",
        "opening_hours",
    ]:
        assert field in first
    library = next(p for p in body.places if p.id == "S1")
    assert library.open_now is True and library.opening_status == "Open now. Closes at 5pm."
    assert library.opening_hours is not None and library.opening_hours.days[6].spans == []
    cafe = next(p for p in body.places if p.id == "S2")
    assert cafe.open_now is None and cafe.opening_status == "Opening hours not known."
    police = body.nearest_police_enquiry_office
    assert police is not None and police.id == "P1"
    assert police.location_note == "Approximate location: check the address before you go."


def test_nearest_by_q_latlon_and_filters(client: TestClient) -> None:
    by_name = client.get("/api/v1/places/nearest", params={"q": "Matlock", "k": 2}).json()
    assert len(by_name["places"]) == 2
    by_point = client.get("/api/v1/places/nearest", params={"lat": 53.1, "lon": -1.39}).json()
    assert by_point["places"][0]["id"] == "S3"
    open_now = client.get("/api/v1/places/nearest?postcode=DE4 3AG&open_now=true").json()
    assert [p["id"] for p in open_now["places"]] == ["S1"]
    shops = client.get("/api/v1/places/nearest?postcode=DE4 3AG&category=shop").json()
    assert [p["id"] for p in shops["places"]] == ["S4"]
    both = client.get("/api/v1/places/nearest?postcode=DE4 3AG&category=shop,cafe").json()
    assert {p["id"] for p in both["places"]} == {"S2", "S4"}
    near = client.get("/api/v1/places/nearest?postcode=DE4 3AG&radius_m=1000").json()
    assert {p["id"] for p in near["places"]} == {"S1", "S2"}
    police = client.get("/api/v1/places/nearest?postcode=DE4 3AG&kind=police_enquiry_office")
    assert {p["id"] for p in police.json()["places"]} == {"P1", "P2"}


def test_nearest_outside_the_area(client: TestClient) -> None:
    body = client.get("/api/v1/places/nearest", params={"lat": 51.501, "lon": -0.1416}).json()
    assert body["in_service_area"] is False and body["places"] == []
    assert any("outside the area we cover" in m for m in body["messages"])


SECTOR_DE4_3 = (
    "We used the middle of the DE4 3 postcode sector. Type the whole postcode to be more exact."
)


@pytest.mark.parametrize("typed", ["DE4 3", "de4 3a"])
def test_partly_typed_postcode_is_its_sector(client: TestClient, typed: str) -> None:
    for params in ({"q": typed}, {"postcode": typed}):
        body = NearestOut.model_validate(client.get("/api/v1/places/nearest", params=params).json())
        assert body.origin.label == "DE4 3" and body.origin.source == "postcode_sector"
        assert body.origin.approximate and body.messages[0] == SECTOR_DE4_3
    found = SearchOut.model_validate(client.get("/api/v1/search", params={"q": typed}).json())
    assert found.origin is not None and found.origin.label == "DE4 3"
    assert found.message == SECTOR_DE4_3
    sector = PostcodeOut.model_validate(client.get(f"/api/v1/postcodes/{typed}").json())
    assert sector.postcode == "DE4 3" and sector.approximate


def test_partly_typed_postcode_is_never_another_district(client: TestClient) -> None:
    district = SearchOut.model_validate(client.get("/api/v1/search?q=DE55").json())
    assert district.origin is not None and district.origin.label == "DE55"
    body = _problem(client.get("/api/v1/search", params={"q": "DE5 5"}), 404)
    assert "DE55" not in str(body["detail"])
    empty = SearchOut.model_validate(client.get("/api/v1/search?q=DE4 9").json())
    assert empty.message == (
        "We don't know any postcodes that start DE4 9, so we used the middle of DE4. "
        "Type the whole postcode to be more exact."
    )


def test_postcode_shaped_text_is_answered_as_a_postcode(client: TestClient) -> None:
    body = _problem(client.get("/api/v1/search", params={"q": "XX1 1XX"}), 404)
    assert body["type"] == "/problems/unknown-postcode"
    assert body["detail"] == (
        "We don't know the postcode XX1 1XX. Check it on a letter or ask someone. "
        "Or type the name of your town or village."
    )


@pytest.fixture(scope="module")
def national(national_settings: Settings) -> Iterator[TestClient]:
    """A client whose data includes a (tiny) national postcode table."""
    app = create_app(national_settings)
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as c:
        yield c


def test_nearest_from_a_real_postcode_beyond_the_area(national: TestClient) -> None:
    r = national.get("/api/v1/places/nearest", params={"q": "M12 4HP"})
    assert r.status_code == 200, r.text
    body = NearestOut.model_validate(r.json())
    assert body.in_service_area is False and body.origin.label == "M12 4HP"
    assert body.origin.outside is not None
    assert (body.origin.outside.country, body.origin.outside.direction) == ("England", "north-west")
    assert [p.id for p in body.places] == ["S2", "S1", "S4"]
    assert body.messages == [
        "M12 4HP is in England, about 36 km north-west of the area we cover.",
        "This service covers Derbyshire and Derby only.",
        "These are the nearest Safe Places we know. The nearest is about 57 km away.",
        "If you need help now, phone 999. To talk to the police, phone 101.",
    ]
    found = SearchOut.model_validate(national.get("/api/v1/search?q=EH1 1YZ").json())
    assert found.message == "EH1 1YZ is in Scotland, about 309 km north of the area we cover."
    body2 = _problem(national.get("/api/v1/places/nearest", params={"postcode": "SW1A 1AA"}), 404)
    assert str(body2["detail"]).startswith("We don't know the postcode SW1A 1AA.")


def test_postcode_lookup_anywhere_in_great_britain(national: TestClient) -> None:
    far = PostcodeOut.model_validate(national.get("/api/v1/postcodes/m124hp").json())
    assert (far.postcode, far.in_service_area, far.country) == ("M12 4HP", False, "England")
    assert (far.latitude, far.longitude) == (53.466, -2.206) and not far.approximate
    assert far.local_authority_code == "E08000003"  # Manchester, from the national table
    wales = PostcodeOut.model_validate(national.get("/api/v1/postcodes/CF10 1EP").json())
    assert wales.country == "Wales" and wales.local_authority_code is None  # the file has none
    near = PostcodeOut.model_validate(national.get("/api/v1/postcodes/DE4 3AG").json())
    assert near.in_service_area and near.country is None
    _problem(national.get("/api/v1/postcodes/ZZ9 9ZZ"), 404)


@pytest.mark.parametrize(
    ("params", "slug"),
    [
        ({}, "invalid-parameter"),
        ({"postcode": "banana"}, "invalid-postcode"),
        ({"postcode": "SW1A 1AA"}, "unknown-postcode"),
        ({"q": "Atlantis"}, "unknown-place"),
        ({"q": "Newton"}, "ambiguous-place"),
        ({"lat": 91, "lon": 0}, "invalid-coordinates"),
        ({"lat": 53, "lon": 181}, "invalid-coordinates"),
        ({"lat": 53}, "invalid-parameter"),
        ({"lat": "north", "lon": 1}, "invalid-parameter"),
        ({"lat": "nan", "lon": 1}, "invalid-coordinates"),
        ({"postcode": "DE4 3AG", "k": 0}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "k": 51}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "k": "five"}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "kind": "bakery"}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "category": "castle"}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "radius_m": -5}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "radius_m": 10_000_000}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "open_now": "maybe"}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "q": "Matlock"}, "invalid-parameter"),
        ({"postcode": "DE4 3AG", "lat": 53, "lon": -1.5}, "invalid-parameter"),
        ({"postcode": ["DE4 3AG", "S40 1AA"]}, "invalid-parameter"),
        (
            {"postcode": "DE4 3AG", "kind": "safe_place", "category": "police_station"},
            "invalid-parameter",
        ),
        ({"q": "matl"}, "unknown-place"),
        ({"q": "XX1 1XX"}, "unknown-postcode"),
        ({"postcode": "XX1 1XX"}, "unknown-postcode"),
        ({"q": "DE5 5"}, "unknown-postcode"),
    ],
)
def test_nearest_errors(client: TestClient, params: dict[str, object], slug: str) -> None:
    r = client.get("/api/v1/places/nearest", params=params)
    assert 400 <= r.status_code < 500, r.text
    body = _problem(r, r.status_code)
    assert body["type"] == f"/problems/{slug}"
    assert isinstance(body["detail"], str) and body["detail"].endswith((".", "?"))


def test_error_details_are_plain_english(client: TestClient) -> None:
    k = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "k": "five"}).json()
    assert k["detail"] == "The number of places (k) must be a whole number."
    r = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "radius_m": 0})
    assert r.json()["detail"] == "The distance in metres (radius_m) must be more than 0."
    both = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "q": "x"}).json()
    assert both["detail"] == (
        "Please give only one of postcode, q, or lat and lon (you gave postcode and q)."
    )
    kind = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "kind": "x"})
    assert kind.json()["detail"] == (
        'We don\'t know the kind "x". Use one of: safe_place, police_enquiry_office.'
    )
    amb = client.get("/api/v1/places/nearest", params={"q": "Newton"}).json()
    assert [c["q"] for c in amb["choices"]] == ["Newton, Bolsover", "Newton, Tameside"]


def test_places_geojson(client: TestClient) -> None:
    r = client.get("/api/v1/places")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    ids = [f["id"] for f in fc["features"]]
    assert ids == sorted(ids) and set(ids) == {"S1", "S2", "S3", "S4", "P1", "P2"}
    s1 = next(f for f in fc["features"] if f["id"] == "S1")
    # RFC 7946: longitude first.
    assert s1["geometry"] == {"type": "Point", "coordinates": [-1.556, 53.138454]}
    PlaceOut.model_validate(s1["properties"])
    only = client.get("/api/v1/places?kind=police_enquiry_office").json()
    assert {f["id"] for f in only["features"]} == {"P1", "P2"}
    boxed = client.get("/api/v1/places", params={"bbox": "-1.6,53.1,-1.5,53.2"}).json()
    assert {f["id"] for f in boxed["features"]} == {"S1", "S2"}


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "-1.5,53.2,-1.6,53.1", "-200,53,-1,54", "-1,-95,1,53"]
)
def test_places_bad_bbox(client: TestClient, bbox: str) -> None:
    _problem(client.get("/api/v1/places", params={"bbox": bbox}), 422)


def test_one_place(client: TestClient) -> None:
    body = PlaceOut.model_validate(client.get("/api/v1/places/S3").json())
    assert body.name == "Alfreton Library" and body.verified is False
    assert body.opening_hours is not None and body.opening_hours.text == "Mon 09:30-17:00"
    _problem(client.get("/api/v1/places/NOPE"), 404)


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = ReadyOut.model_validate(client.get("/readyz").json())
    assert ready.places == {"safe_place": 4, "police_enquiry_office": 2}
    assert ready.postcodes == 6 and ready.rows_skipped == 1


def test_unknown_route_and_method(client: TestClient) -> None:
    _problem(client.get("/api/v1/nothing"), 404)
    r = client.post("/api/v1/places")
    _problem(r, 405)
    assert r.headers["allow"] == "GET"


def test_category_implies_its_kind(client: TestClient) -> None:
    r = client.get("/api/v1/places/nearest?postcode=DE4 3AG&category=police_station")
    assert {p["id"] for p in r.json()["places"]} == {"P1", "P2"}


def test_partial_name_is_not_called_ambiguous(client: TestClient) -> None:
    body = _problem(client.get("/api/v1/places/nearest", params={"q": "matl"}), 404)
    assert body["title"] == "We couldn't find that place"
    assert body["detail"] == 'We couldn\'t find "matl". Did you mean one of these?'
    assert [c["name"] for c in body["choices"]] == ["Matlock", "Matlock Bath"]


def test_openapi_and_docs_are_served_locally(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/places/nearest" in spec["paths"]
    nearest = spec["paths"]["/api/v1/places/nearest"]["get"]
    assert any(p["name"] == "postcode" and p.get("examples") for p in nearest["parameters"])
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "/static/docs/swagger-ui-bundle.js" in docs
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200


def test_real_data_answers_a_real_postcode(real_settings: Settings) -> None:
    with TestClient(create_app(real_settings)) as c:
        body = c.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"}).json()
        assert body["places"][0]["name"] == "Matlock Library"
        assert body["places"][0]["distance_m"] < 1000
        assert body["nearest_police_enquiry_office"]["kind"] == "police_enquiry_office"
        ready = c.get("/readyz").json()
        assert ready["places"] == {"safe_place": 60, "police_enquiry_office": 4}
        assert ready["rows_skipped"] == 3


def test_about_shows_the_data_attribution(client: TestClient) -> None:
    body = client.get("/api/v1/about").json()
    assert "Contains OS data © Crown copyright and database right 2025." in body["attribution"]
    assert any("Open Names" in line for line in body["attribution"])
