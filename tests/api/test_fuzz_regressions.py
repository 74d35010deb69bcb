"""Requests the API fuzzing (tests/api/test_fuzz.py) found answered wrongly, kept as plain
examples on both database backends so each stays fixed without the fuzzer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role

PLACE = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings, module_database_url: str) -> Iterator[TestClient]:
    settings = synthetic_settings.model_copy(update={"database_url": module_database_url})
    # A server error must come back as the 500 it is, not raise in the test.
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def admin(client: TestClient) -> dict[str, str]:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    user = users.create_user("admin@council.gov.uk", "admin", Role.ADMIN, "correct horse battery")
    return {"Authorization": f"Bearer {users.create_token(user.id, 'tests')}"}


def assert_problem(r: Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = r.json()
    assert body["status"] == status and str(body["detail"]).strip()
    return body


def test_a_new_place_with_a_reference_already_in_use_is_refused_in_words(
    client: TestClient, admin: dict[str, str]
) -> None:
    # S1 is the reference of a seeded place: the unique column made this a 500.
    r = client.post("/api/v1/admin/places", json={**PLACE, "external_ref": "S1"}, headers=admin)
    body = assert_problem(r, 422)
    assert body["errors"] == {"external_ref": "Another place already has the reference S1."}
    assert "S1" in str(body["detail"])
    # Nothing was written, and a new reference still works.
    names = [p["name"] for p in client.get("/api/v1/admin/places", headers=admin).json()]
    assert PLACE["name"] not in names
    ok = client.post("/api/v1/admin/places", json={**PLACE, "external_ref": "N1"}, headers=admin)
    assert ok.status_code == 201 and ok.json()["external_ref"] == "N1"
