"""POST /api/v1/postcodes: many postcodes at once, postcodes.io-style."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.postcode_schemas import BulkPostcodesOut
from api.schemas import PostcodeOut
from api.settings import Settings

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(national_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national_settings)) as c:
        yield c


def test_each_postcode_is_answered_in_order_as_one_lookup_would(client: TestClient) -> None:
    asked = ["de4 3ag", "banana", "M12 4HP", "DE4 9ZZ", "DE4", "DE4 3AG", "", "S40 1AA"]
    r = client.post("/api/v1/postcodes", json={"postcodes": asked})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = BulkPostcodesOut.model_validate(r.json())
    assert [item.query for item in body.result] == asked
    for item in body.result:
        one = client.get(f"/api/v1/postcodes/{item.query}") if item.query else None
        if item.result is None:
            assert one is None or one.status_code in (404, 422)
        else:
            assert one is not None and PostcodeOut.model_validate(one.json()) == item.result
    found = [item.result.postcode if item.result else None for item in body.result]
    assert found == ["DE4 3AG", None, "M12 4HP", None, "DE4", "DE4 3AG", None, "S40 1AA"]
    manchester = body.result[2].result
    assert manchester is not None and not manchester.in_service_area
    assert manchester.country == "England"


def test_a_hundred_is_the_most(client: TestClient) -> None:
    ok = client.post("/api/v1/postcodes", json={"postcodes": ["DE4 3AG"] * 100})
    assert ok.status_code == 200 and len(ok.json()["result"]) == 100
    r = client.post("/api/v1/postcodes", json={"postcodes": ["DE4 3AG"] * 101})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["detail"] == "The list of postcodes (postcodes) has too many: at most 100."
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b'{"postcodes": ["DE4 3AG"', "The request body must be a JSON object."),
        (b"[]", "The request body must be a JSON object."),
        (b'"DE4 3AG"', "The request body must be a JSON object."),
        (b'{"postcodes": []}', "The list of postcodes (postcodes) is empty."),
        (b'{"postcodes": "DE4 3AG"}', "The list of postcodes (postcodes) is not valid."),
        (b'{"postcodes": [12345]}', "postcodes.0 must be text."),
        (b'{"postcodes": [null]}', "postcodes.0 must be text."),
        (b"{}", "The list of postcodes (postcodes) is needed."),
        (b'{"postcodes": ["DE4 3AG"], "filter": 1}', "filter is not valid."),
        (b"", "The request body must be a JSON object."),
    ],
)
def test_a_bad_body_is_a_plain_problem(client: TestClient, content: bytes, detail: str) -> None:
    r = client.post(
        "/api/v1/postcodes", content=content, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == 422 and body["detail"] == detail


def test_unknown_query_parameters_are_refused_on_the_batch_too(client: TestClient) -> None:
    r = client.post("/api/v1/postcodes?format=csv", json={"postcodes": ["DE4 3AG"]})
    assert r.status_code == 400 and '"format"' in r.json()["detail"]
