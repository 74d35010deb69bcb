"""The staff API when a change can't be saved: a reference another place has is a 409, in
problem+json with the message for the field; nothing is written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role

PASSWORD = "correct horse battery"
NEW_PLACE = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}
PLACES = "/api/v1/admin/places"


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings, module_database_url: str) -> Iterator[TestClient]:
    settings = synthetic_settings.model_copy(update={"database_url": module_database_url})
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def admin(client: TestClient) -> dict[str, str]:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    user = users.create_user("admin@council.gov.uk", "Admin", Role.ADMIN, PASSWORD)
    return {"Authorization": f"Bearer {users.create_token(user.id, 'tests')}"}


def _count(client: TestClient, admin: dict[str, str]) -> int:
    return len(client.get(PLACES, headers=admin).json())


def test_creating_a_place_with_a_reference_in_use_is_a_409(
    client: TestClient, admin: dict[str, str]
) -> None:
    first = client.post(PLACES, json=NEW_PLACE | {"external_ref": "MAT-001"}, headers=admin)
    assert first.status_code == 201
    before = _count(client, admin)
    r = client.post(PLACES, json=NEW_PLACE | {"external_ref": "MAT-001"}, headers=admin)
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "/problems/duplicate-reference" and body["status"] == 409
    assert body["detail"].startswith("Another place already has this reference (MAT-001): ")
    assert f"Dale Road Pharmacy ({first.json()['id']})" in body["detail"]
    assert body["errors"] == {"external_ref": body["detail"]}
    assert _count(client, admin) == before


def test_changing_a_reference_to_one_in_use_is_a_409(
    client: TestClient, admin: dict[str, str]
) -> None:
    made = client.post(PLACES, json=NEW_PLACE | {"external_ref": "MAT-002"}, headers=admin)
    url, tag = f"{PLACES}/{made.json()['id']}", made.headers["etag"]
    r = client.patch(url, json={"external_ref": "S1"}, headers=admin | {"If-Match": tag})
    assert r.status_code == 409 and r.json()["type"] == "/problems/duplicate-reference"
    assert "(S1): Matlock Library (S1)" in r.json()["detail"]
    assert client.get(url, headers=admin).json()["external_ref"] == "MAT-002"
    moved = client.patch(url, json={"external_ref": "MAT-003"}, headers=admin | {"If-Match": tag})
    assert moved.status_code == 200 and moved.json()["external_ref"] == "MAT-003"
