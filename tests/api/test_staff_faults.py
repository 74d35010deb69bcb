"""The staff API when a change can't be saved: a reference another place has is a 409, in
problem+json with the message for the field; a database that can't take a write (read-only,
full) is a 503. Nothing is written, and the public search goes on working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from faults import disk_full, read_only, small_pages
from httpx import Response

from api.app import create_app
from api.settings import Settings
from geodata.engine import sqlite_file
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role

PASSWORD = "correct horse battery"
NEW_PLACE = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}
PLACES = "/api/v1/admin/places"


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings, module_database_url: str) -> Iterator[TestClient]:
    path = sqlite_file(module_database_url) if module_database_url.startswith("sqlite") else None
    if path is not None:
        small_pages(path)  # so a new place always needs a new page (see disk_full)
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


CANT_SAVE = "We couldn't save this change. Nothing was changed."


def _store(client: TestClient) -> PlaceStore:
    store: PlaceStore = client.app.state.datasets.store  # type: ignore[attr-defined]
    return store


def _cant_save(r: Response) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "/problems/storage-unavailable"
    assert r.json()["detail"].startswith(CANT_SAVE)
    assert int(r.headers["retry-after"]) > 0


def test_a_read_only_database_refuses_every_staff_write_in_words(
    client: TestClient, admin: dict[str, str]
) -> None:
    store = _store(client)
    tag = client.get(f"{PLACES}/S1", headers=admin).headers["etag"]
    count, version = store.count(), store.data_version()
    with read_only(store):
        _cant_save(client.post(PLACES, json=NEW_PLACE, headers=admin))
        _cant_save(
            client.patch(
                f"{PLACES}/S1", json={"phone": "01629 533400"}, headers=admin | {"If-Match": tag}
            )
        )
        _cant_save(
            client.post(
                f"{PLACES}/S1/suspend", headers=admin, json={"reason": "Closed for refurbishment"}
            )
        )
        _cant_save(client.post(f"{PLACES}/S1/history/1/restore", headers=admin))
        # Reading goes on: the staff list, and the public search (which never writes).
        assert client.get(f"{PLACES}/S1", headers=admin).headers["etag"] == tag
        found = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
        assert found.status_code == 200 and found.json()["places"]
        assert client.get("/find", params={"q": "DE4 3AG"}).status_code == 200
        assert client.get("/api/v1/places/S1").status_code == 200
    assert (store.count(), store.data_version()) == (count, version)
    # Writable again, the same change goes through.
    r = client.post(
        f"{PLACES}/S1/suspend", headers=admin, json={"reason": "Closed for refurbishment"}
    )
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert client.post(f"{PLACES}/S1/activate", headers=admin).status_code == 200


def test_a_full_disk_refuses_a_new_place_and_writes_none_of_it(
    client: TestClient, admin: dict[str, str]
) -> None:
    store = _store(client)
    if store.engine.dialect.name != "sqlite":
        pytest.skip("a full disk is made with SQLite's max_page_count")
    count, version = store.count(), store.data_version()
    # 2,000 characters of notes: more than a page holds, so the file must grow.
    big = NEW_PLACE | {"accessibility_notes": "Step-free entrance at the side. " * 62}
    with disk_full(store):
        _cant_save(client.post(PLACES, json=big, headers=admin))
        assert client.get("/api/v1/places/nearest?postcode=DE4 3AG").status_code == 200
    assert (store.count(), store.data_version()) == (count, version)
    assert client.post(PLACES, json=big, headers=admin).status_code == 201
    assert store.count() == count + 1


def test_a_full_disk_outside_the_database_is_the_same_503_and_other_os_errors_are_not(
    client: TestClient,
) -> None:
    """An OSError is a 503 only when it says the disk is full or read-only (here a real
    ENOSPC, from writing to /dev/full); any other is still the plain 500."""

    def full() -> None:
        with open("/dev/full", "wb", buffering=0) as device:  # noqa: PTH123
            device.write(b"x")

    def missing() -> None:
        Path("/nowhere/at/all").read_bytes()

    client.app.add_api_route("/api/v1/test-full", full)  # type: ignore[attr-defined]
    client.app.add_api_route("/api/v1/test-missing", missing)  # type: ignore[attr-defined]
    _cant_save(client.get("/api/v1/test-full"))
    # The same app, without starting it again: a 500 is answered, not raised to the test.
    r = TestClient(client.app, raise_server_exceptions=False).get("/api/v1/test-missing")
    assert r.status_code == 500 and r.json()["type"] == "/problems/internal-error"
