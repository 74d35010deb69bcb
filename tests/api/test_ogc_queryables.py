"""OGC API - Features Part 3 queryables and the Sorting draft, through TestClient: the JSON
Schema documents, the property filters and sortby against the places as the public JSON API
gives them, and the links that carry a query onwards. Real clients: test_ogc_clients.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from ogcapi import ogc_client, ogc_settings, public_places
from openapi_spec_validator import validate

from api.settings import Settings
from locator.feature_query import QUERYABLE_NAMES

SCHEMA_JSON = "application/schema+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
COLLECTIONS = {"safe-places": "safe_place", "police-enquiry-offices": "police_enquiry_office"}


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ogc_settings(synthetic_settings, tmp_path_factory)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with ogc_client(settings) as c:
        yield c


def _all(client: TestClient, collection: str, **params: str) -> dict[str, Any]:
    r = client.get(f"/ogc/collections/{collection}/items", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [f["id"] for f in body["features"]]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_queryables_are_json_schema(client: TestClient, collection: str) -> None:
    about = client.get(f"/ogc/collections/{collection}").json()
    [link] = [lk for lk in about["links"] if lk["rel"] == QUERYABLES_REL]
    assert link["type"] == SCHEMA_JSON
    r = client.get(link["href"], headers={"Accept": SCHEMA_JSON})
    assert r.status_code == 200 and r.headers["content-type"] == SCHEMA_JSON
    schema = r.json()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == link["href"] and schema["type"] == "object"
    assert schema["additionalProperties"] is False
    properties = schema["properties"]
    assert properties["geometry"]["x-ogc-role"] == "primary-geometry"
    assert properties["geometry"]["format"] == "geometry-point"
    assert properties["id"]["x-ogc-role"] == "id"
    assert list(properties) == ["geometry", *QUERYABLE_NAMES]
    assert properties["kind"]["enum"] == [COLLECTIONS[collection]]
    for name, p in properties.items():
        assert "type" in p or p["format"].startswith("geometry-"), name
    # Every place's values are ones its collection's queryables declare.
    validator = Draft202012Validator({**schema, "properties": {**properties, "geometry": {}}})
    for feature in _all(client, collection)["features"]:
        values = {k: v for k, v in feature["properties"].items() if k in properties}
        validator.validate({**values, "id": feature["id"]})


def test_sortables(client: TestClient) -> None:
    r = client.get("/ogc/collections/safe-places/sortables")
    assert r.status_code == 200 and r.headers["content-type"] == SCHEMA_JSON
    schema = r.json()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "http://testserver/ogc/collections/safe-places/sortables"
    assert list(schema["properties"]) == list(QUERYABLE_NAMES)


def _reference_value(name: str, feature_id: str, place: dict[str, Any]) -> Any:
    return feature_id if name == "id" else place[name]


@pytest.mark.parametrize("collection", COLLECTIONS)
@pytest.mark.parametrize("name", QUERYABLE_NAMES)
def test_each_filter_keeps_the_places_with_that_value(
    client: TestClient, collection: str, name: str
) -> None:
    reference = public_places(client, COLLECTIONS[collection])
    values = {_reference_value(name, i, p) for i, p in reference.items()} - {None}
    assert values or name in ("postcode", "last_checked"), name
    for value in values:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        expected = sorted(i for i, p in reference.items() if _reference_value(name, i, p) == value)
        assert _ids(_all(client, collection, **{name: text})) == expected, (name, value)


def test_filters_combine_and_postcodes_ignore_case_and_spaces(client: TestClient) -> None:
    assert _ids(_all(client, "safe-places", category="library")) == ["S1", "S3"]
    assert _ids(_all(client, "safe-places", category="library", verified="false")) == ["S3"]
    assert _ids(_all(client, "safe-places", postcode="de43ah")) == ["S1"]
    assert _ids(_all(client, "safe-places", name="matlock library")) == []
    assert _ids(_all(client, "safe-places", name="Matlock Library", bbox="-2,53,-1,54")) == ["S1"]
    assert _all(client, "safe-places", category="hospital")["numberMatched"] == 0


def _sort_key(place: dict[str, Any], name: str) -> Any:
    value = place[name]
    return value.casefold() if isinstance(value, str) else value


@pytest.mark.parametrize("name", ["name", "category", "postcode", "location_precision"])
def test_sortby_orders_every_page(client: TestClient, name: str) -> None:
    reference = public_places(client, "safe_place")
    ascending = sorted(reference, key=lambda i: (_sort_key(reference[i], name), i))
    descending = sorted(reference, key=lambda i: _sort_key(reference[i], name), reverse=True)
    assert _ids(_all(client, "safe-places", sortby=name)) == ascending
    assert _ids(_all(client, "safe-places", sortby=f"-{name}")) == descending
    # A page at a time, through the next links, in the same order.
    url: str | None = f"/ogc/collections/safe-places/items?sortby=-{name}&limit=1"
    seen: list[str] = []
    while url:
        body = client.get(url).json()
        seen += _ids(body)
        url = next((lk["href"] for lk in body["links"] if lk["rel"] == "next"), None)
    assert seen == descending


def test_links_carry_the_query(client: TestClient) -> None:
    r = client.get(
        "/ogc/collections/safe-places/items",
        params={"category": "library", "sortby": "-name", "limit": 1},
    )
    body = r.json()
    assert _ids(body) == ["S1"] and body["numberMatched"] == 2
    nxt = next(lk["href"] for lk in body["links"] if lk["rel"] == "next")
    assert "category=library" in nxt and "sortby=-name" in nxt
    assert _ids(client.get(nxt).json()) == ["S3"]
    # The same links in the Link header, for clients that read them there.
    header = r.headers["link"]
    assert f'rel="{QUERYABLES_REL}"' in header and 'rel="next"' in header
    assert 'rel="self"; type="application/geo+json"' in header


def test_the_api_definition_lists_every_filter(client: TestClient) -> None:
    doc = client.get("/ogc/api").json()
    validate(doc)
    for collection, kind in COLLECTIONS.items():
        params = doc["paths"][f"/collections/{collection}/items"]["get"]["parameters"]
        inline = {p["name"]: p for p in params if "name" in p}
        assert set(inline) == set(QUERYABLE_NAMES)
        assert inline["kind"]["schema"]["enum"] == [kind]
        assert {"$ref": "#/components/parameters/sortby"} in params
        assert f"/collections/{collection}/queryables" in doc["paths"]
        assert f"/collections/{collection}/sortables" in doc["paths"]
