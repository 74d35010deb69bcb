"""The Open Referral UK feed over HTTP: every endpoint's answer validated against the UK
profile's compiled schemas and the typed models written from them, over the synthetic data;
paging as the profile counts it; a postcode search with known distances; 400/404/422s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from oruk_models import (
    Meta,
    OrganizationServices,
    OrganizationSummary,
    Page,
    Service,
    ServiceAtLocation,
    ServiceAtLocationSummary,
    ServiceSummary,
    Taxonomy,
    TaxonomyTerm,
)
from pydantic import BaseModel
from pyproj import Geod

from api.app import create_app
from api.settings import Settings
from locator.index import VenueIndex
from locator.search import Locator

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "oruk"
PROBLEM = "application/problem+json"
WGS84 = Geod(ellps="WGS84")
MATLOCK = (53.142342, -1.551396)  # DE4 3AG in the synthetic postcodes


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(synthetic_settings)) as c:
        yield c


def validator(name: str) -> Draft202012Validator:
    found = json.loads((SCHEMAS / name).read_text())
    return Draft202012Validator(found, format_checker=Draft202012Validator.FORMAT_CHECKER)


def valid(record: dict[str, Any], schema: str, model: type[BaseModel]) -> dict[str, Any]:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(record)
    ]
    assert not errors, errors
    model.model_validate(record)
    return record


def every_page(client: TestClient, path: str, per_page: int, **params: object) -> list[Any]:
    """All items of a list, page by page, each page checked against the profile's Page."""
    items: list[Any] = []
    page = 1
    while True:
        r = client.get(path, params={**params, "page": page, "per_page": per_page})
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        body = Page.model_validate(r.json())
        assert (body.page_number, body.size) == (page, len(body.contents))
        assert body.first_page == (page == 1)
        assert body.total_pages == -(-body.total_items // per_page)
        items += body.contents
        if body.last_page:
            assert len(items) == body.total_items and page == max(body.total_pages, 1)
            return items
        assert body.size == per_page
        page += 1


def problem(client: TestClient, path: str, status: int, **params: object) -> str:
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == status and body["detail"]
    return str(body["detail"])


def test_the_root_says_which_profile_and_where_the_openapi_is(client: TestClient) -> None:
    meta = Meta.model_validate(client.get("/oruk").json())
    assert meta.version == "HSDS-UK-3.0"
    assert str(meta.openapi_url).endswith("/openapi.json")
    assert client.get(str(meta.openapi_url)).status_code == 200
    # The feed's address as a directory may write it, with a slash.
    assert client.get("/oruk/").json() == client.get("/oruk").json()


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_every_service_in_the_list_and_in_full(client: TestClient, per_page: int) -> None:
    listed = every_page(client, "/oruk/services", per_page)
    for item in listed:
        valid(item, "compiled/service_list.json", ServiceSummary)
    # By the place's name (after "Safe Place: " or "Police enquiry office: ").
    names = [s["name"].split(": ", 1)[1] for s in listed]
    assert names == sorted(names, key=str.casefold)
    # The active places of either kind, each once (P3's front counter is closed).
    places = client.get("/api/v1/places").json()["features"]
    assert len({s["id"] for s in listed}) == len(listed) == len(places)
    for item in listed:
        full = client.get(f"/oruk/services/{item['id']}").json()
        valid(full, "compiled/service.json", Service)
        assert {k: full[k] for k in item} == item


def test_every_service_at_location_in_the_list_and_in_full(client: TestClient) -> None:
    listed = every_page(client, "/oruk/service_at_locations", 2)
    services = {s["id"] for s in every_page(client, "/oruk/services", 50)}
    assert {s["service_id"] for s in listed} == services
    for item in listed:
        valid(item, "compiled/service_at_location_list.json", ServiceAtLocationSummary)
        full = client.get(f"/oruk/service_at_locations/{item['id']}").json()
        valid(full, "compiled/service_at_location.json", ServiceAtLocation)
        assert full["location"]["id"] == item["location_id"] == item["location"]["id"]
        assert full["service"]["id"] == item["service_id"]


def test_the_taxonomy_and_its_terms(client: TestClient) -> None:
    (taxonomy,) = every_page(client, "/oruk/taxonomies", 10)
    valid(taxonomy, "taxonomy.json", Taxonomy)
    assert client.get(f"/oruk/taxonomies/{taxonomy['id']}").json() == taxonomy
    terms = every_page(client, "/oruk/taxonomy_terms", 5)
    for term in terms:
        valid(term, "taxonomy_term.json", TaxonomyTerm)
        assert term["taxonomy_id"] == taxonomy["id"]
        assert client.get(f"/oruk/taxonomy_terms/{term['id']}").json() == term
    # Every term a service is filed under is declared.
    declared = {t["id"] for t in terms}
    for item in every_page(client, "/oruk/services", 50):
        full = client.get(f"/oruk/services/{item['id']}").json()
        assert {a["taxonomy_term_id"] for a in full["attributes"]} <= declared


def test_the_organisations_and_their_services(client: TestClient) -> None:
    listed = every_page(client, "/oruk/organizations", 1)
    assert [o["name"] for o in listed] == ["Derbyshire Constabulary", "Derbyshire County Council"]
    services = {s["id"]: s for s in every_page(client, "/oruk/services", 50)}
    answered = []
    for item in listed:
        valid(item, "compiled/organization_list.json", OrganizationSummary)
        full = client.get(f"/oruk/organizations/{item['id']}").json()
        valid(full, "compiled/organization.json", OrganizationServices)
        assert {k: full[k] for k in item} == item
        for service in full["services"]:
            assert service["organization_id"] == item["id"]
            assert service == client.get(f"/oruk/services/{service['id']}").json()
            answered.append(service["id"])
    assert sorted(answered) == sorted(services)
    problem(client, f"/oruk/organizations/{next(iter(services))}", 404)


def test_filtering_by_term_and_taxonomy(client: TestClient) -> None:
    terms = {t["term"]: t["id"] for t in every_page(client, "/oruk/taxonomy_terms", 50)}
    police = every_page(
        client, "/oruk/services", 50, taxonomy_term_id=terms["police-enquiry-office"]
    )
    offices = client.get("/api/v1/places", params={"kind": "police_enquiry_office"}).json()
    assert len(police) == len(offices["features"]) > 0
    assert all(s["name"].startswith("Police enquiry office") for s in police)
    libraries = every_page(client, "/oruk/services", 50, taxonomy_term_id=terms["library"])
    assert {s["name"] for s in libraries} == {
        "Safe Place: Matlock Library",
        "Safe Place: Alfreton Library",
    }
    taxonomy = every_page(client, "/oruk/taxonomies", 10)[0]["id"]
    assert len(every_page(client, "/oruk/services", 50, taxonomy_id=taxonomy)) == len(
        every_page(client, "/oruk/services", 50)
    )
    unknown = "00000000-0000-0000-0000-000000000000"
    assert every_page(client, "/oruk/services", 50, taxonomy_id=unknown) == []
    words = every_page(client, "/oruk/services", 50, search="matlock library")
    assert [s["name"] for s in words] == ["Safe Place: Matlock Library"]
    monday = every_page(
        client, "/oruk/services", 50, day="MO", start_time="09:00", end_time="17:00"
    )
    assert {s["name"] for s in monday} == {
        "Safe Place: Matlock Library",
        "Safe Place: Alfreton Library",
    }


def _distances_from(client: TestClient, lat: float, lon: float) -> dict[str, float]:
    """Geodesic metres from a point to every active place, by its ORUK location id."""
    found = {}
    for item in every_page(client, "/oruk/service_at_locations", 50):
        place = item["location"]
        _, _, metres = WGS84.inv(lon, lat, place["longitude"], place["latitude"])
        found[item["id"]] = metres
    return found


@pytest.mark.parametrize("proximity", [100, 600, 2000, 8000, 30000])
def test_near_a_postcode_within_the_proximity_nearest_first(
    client: TestClient, proximity: int
) -> None:
    distances = _distances_from(client, *MATLOCK)
    listed = every_page(
        client, "/oruk/service_at_locations", 2, postcode="DE4 3AG", proximity=proximity
    )
    for item in listed:
        valid(item, "compiled/service_at_location_list.json", ServiceAtLocationSummary)
    expected = sorted((d, i) for i, d in distances.items() if d <= proximity)
    assert [i for _, i in expected] == [item["id"] for item in listed]
    assert proximity < 2000 or len(listed) >= 2  # the café at DE4 3AG, the library 540 m off


def test_near_a_postcode_the_known_places_in_order(client: TestClient) -> None:
    listed = every_page(client, "/oruk/service_at_locations", 50, postcode="de43ag", proximity=2000)
    assert [i["location"]["name"] for i in listed] == ["Corner Café", "Matlock Library"]
    nearest_first = every_page(client, "/oruk/service_at_locations", 50, postcode="DE4 3AG")
    assert [i["location"]["name"] for i in nearest_first][:2] == ["Corner Café", "Matlock Library"]
    terms = {t["term"]: t["id"] for t in every_page(client, "/oruk/taxonomy_terms", 50)}
    police = every_page(
        client,
        "/oruk/service_at_locations",
        50,
        postcode="DE4 3AG",
        taxonomy_term_id=terms["police-enquiry-office"],
    )
    assert police and all(p["service"]["name"].startswith("Police") for p in police)
    # An answer near a postcode says where someone is: kept by no cache.
    asked = client.get("/oruk/service_at_locations", params={"postcode": "DE4 3AG"})
    assert asked.headers["cache-control"] == "no-store" and "etag" not in asked.headers


def test_the_feed_answers_304_until_the_data_changes(client: TestClient) -> None:
    for path in ("/oruk/services?per_page=2", "/oruk/taxonomy_terms", "/oruk/organizations"):
        first = client.get(path)
        assert first.headers["cache-control"] == "public, no-cache"
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and not again.content
        other = client.get(path + ("&" if "?" in path else "?") + "page=2")
        assert other.headers["etag"] != first.headers["etag"]
    registry = client.app.state.registry
    before = client.get("/oruk/services")
    registry.swap(registry.current)  # a new data version, as after any edit
    after = client.get("/oruk/services", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]


def test_unknown_ids_are_404_problems(client: TestClient) -> None:
    for path in (
        "services",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
        "organizations",
    ):
        for unknown in ("00000000-0000-0000-0000-000000000000", "S1", "not an id"):
            detail = problem(client, f"/oruk/{path}/{unknown}", 404)
            assert "no " in detail and unknown not in detail


def test_a_service_id_is_not_a_service_at_location_id(client: TestClient) -> None:
    service = every_page(client, "/oruk/services", 1)[0]
    problem(client, f"/oruk/service_at_locations/{service['id']}", 404)
    assert client.get(f"/oruk/services/{service['id'].upper()}").status_code == 200


def test_bad_parameters_are_problems(client: TestClient) -> None:
    assert "bogus" in problem(client, "/oruk/services", 400, bogus="1")
    assert "limit" in problem(client, "/oruk/taxonomies", 400, limit="5")
    for params in ({"page": 0}, {"page": "two"}, {"per_page": 0}, {"per_page": 501}):
        problem(client, "/oruk/services", 422, **params)
    assert "postcode" in problem(client, "/oruk/service_at_locations", 422, proximity=500)
    for proximity in ("-1", "0", "far", "100001"):
        problem(client, "/oruk/service_at_locations", 422, postcode="DE4 3AG", proximity=proximity)
    problem(client, "/oruk/service_at_locations", 422, postcode="banana")
    problem(client, "/oruk/service_at_locations", 404, postcode="DE99 1AA")
    assert "(day)" in problem(client, "/oruk/services", 422, day="Funday")
    assert "(end_time)" in problem(client, "/oruk/services", 422, end_time="25:00")
    problem(client, "/oruk/services", 422, minimum_age=-1)
    assert "once" in client.get("/oruk/services?page=1&page=2").json()["detail"]


def test_every_answer_is_open_to_any_site(client: TestClient) -> None:
    for path in ("/oruk", "/oruk/services", "/oruk/services/nothing", "/oruk/services?x=1"):
        assert client.get(path).headers["access-control-allow-origin"] == "*"
        asked = client.get(path, headers={"Origin": "https://directory.example.org"})
        assert asked.headers["access-control-allow-origin"] == "*"
    # The rest of the service keeps its partner list.
    other = client.get("/api/v1/places", headers={"Origin": "https://directory.example.org"})
    assert "access-control-allow-origin" not in other.headers


def test_ids_are_the_same_from_another_server(
    client: TestClient, synthetic_settings: Settings
) -> None:
    first = every_page(client, "/oruk/service_at_locations", 50)
    with TestClient(create_app(synthetic_settings)) as other:
        again = every_page(other, "/oruk/service_at_locations", 50)
    assert first == again


# A plausible value for each of the profile's list parameters.
PARAMETER_VALUES = {
    "search": "library",
    "page": "1",
    "per_page": "10",
    "minimum_age": "16",
    "maximum_age": "65",
    "start_time": "09:00",
    "end_time": "17:00",
    "day": "MO",
    "postcode": "DE4 3AG",
    "proximity": "5000",
}


def _profile_operations() -> list[tuple[str, list[str]]]:
    """The profile's read API: each path and the names of its query parameters."""
    document = json.loads((SCHEMAS / "openapi.json").read_text())
    shared = document["components"]["parameters"]
    found = []
    for path, item in document["paths"].items():
        params = [shared[p["$ref"].rsplit("/", 1)[1]] for p in item["get"].get("parameters", [])]
        found.append((path, [p["name"] for p in params if p["in"] == "query"]))
    return found


@pytest.mark.parametrize(("path", "names"), _profile_operations(), ids=lambda v: str(v))
def test_every_endpoint_and_parameter_the_profile_lists(
    client: TestClient, path: str, names: list[str]
) -> None:
    spec = client.get("/openapi.json").json()["paths"]
    ours = spec["/oruk" + (path.rstrip("/") or "")]["get"]
    declared = {p["name"] for p in ours.get("parameters", []) if p["in"] == "query"}
    assert set(names) <= declared
    listing = path.removesuffix("/{id}")
    found = every_page(client, "/oruk" + listing, 1)[0]["id"] if "{id}" in path else ""
    url = "/oruk" + (path.rstrip("/") or "").replace("{id}", found)
    terms = every_page(client, "/oruk/taxonomy_terms", 50)
    values = {**PARAMETER_VALUES, "taxonomy_term_id": terms[0]["id"]}
    values["taxonomy_id"] = terms[0]["taxonomy_id"]
    for name in names:  # each on its own (a proximity from a postcode), then all together
        params = {name: values[name], **({"postcode": "DE4 3AG"} if name == "proximity" else {})}
        assert client.get(url, params=params).status_code == 200, name
    assert client.get(url, params={n: values[n] for n in names}).status_code == 200


def test_the_real_data_meets_the_profile(real_settings: Settings) -> None:
    with TestClient(create_app(real_settings)) as c:
        listed = every_page(c, "/oruk/service_at_locations", 100)
        assert len(listed) > 50
        for item in listed:
            valid(item, "compiled/service_at_location_list.json", ServiceAtLocationSummary)
            full = c.get(f"/oruk/service_at_locations/{item['id']}").json()
            valid(full, "compiled/service_at_location.json", ServiceAtLocation)
            service = c.get(f"/oruk/services/{item['service_id']}").json()
            valid(service, "compiled/service.json", Service)
        near = every_page(c, "/oruk/service_at_locations", 100, postcode="DE4 3AG", proximity=5000)
        assert near and any("Matlock" in i["location"]["name"] for i in near)
        for item in every_page(c, "/oruk/organizations", 10):
            full = c.get(f"/oruk/organizations/{item['id']}").json()
            valid(full, "compiled/organization.json", OrganizationServices)


def test_an_edit_reaches_the_feed(synthetic_settings: Settings) -> None:
    with TestClient(create_app(synthetic_settings)) as c:
        listed = every_page(c, "/oruk/services", 50)
        registry = c.app.state.registry
        live: Locator = registry.current
        gone = live.index.get("S1")
        assert gone is not None
        kept = [v for v in live.index if v.id != "S1"]
        registry.swap(Locator(VenueIndex(kept), live.area, live.settings))
        after = every_page(c, "/oruk/services", 50)
        assert len(after) == len(listed) - 1
        assert "Safe Place: Matlock Library" not in {s["name"] for s in after}
        removed = next(s for s in listed if s["name"] == "Safe Place: Matlock Library")
        problem(c, f"/oruk/services/{removed['id']}", 404)


def test_under_a_path_prefix_the_openapi_link_has_it(synthetic_settings: Settings) -> None:
    server = synthetic_settings.server.model_copy(update={"root_path": "/safeplaces"})
    settings = synthetic_settings.model_copy(update={"server": server})
    # As a proxy passes a request on: the prefix already taken off the path.
    with TestClient(create_app(settings)) as c:
        meta = Meta.model_validate(c.get("/oruk").json())
    assert str(meta.openapi_url) == "http://testserver/safeplaces/openapi.json"
