"""The staff API takes opening hours in OpenStreetMap's syntax, keeps them as sent, and the
public answers read them with England's bank holidays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_now
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role
from locator.hours import LONDON

PASSWORD = "correct horse battery"

RULES = "Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH 10:00-14:00"
NEW_PLACE = {"name": "Dale Road Chemist", "category": "pharmacy", "postcode": "DE4 3AG"}


class Clock:
    now = datetime(2026, 8, 31, 12, 30, tzinfo=LONDON)  # the summer bank holiday

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings, module_database_url: str) -> Iterator[TestClient]:
    settings = synthetic_settings.model_copy(update={"database_url": module_database_url})
    app = create_app(settings)
    app.dependency_overrides[get_now] = Clock()
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def admin(client: TestClient) -> dict[str, str]:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    user = users.create_user("admin@council.gov.uk", "admin", Role.ADMIN, PASSWORD, frozenset())
    return {"Authorization": f"Bearer {users.create_token(user.id, 'tests')}"}


def test_osm_hours_are_kept_as_sent_and_answered(client: TestClient, admin: dict[str, str]) -> None:
    made = client.post("/api/v1/admin/places", json={**NEW_PLACE, "opening_hours": RULES},
                       headers=admin)  # fmt: skip
    assert made.status_code == 201, made.text
    place = made.json()
    assert place["opening_hours"] == RULES
    public = client.get(f"/api/v1/places/{place['id']}").json()
    assert public["opening_hours"]["text"] == RULES
    assert public["opening_hours"]["bank_holidays"] == ["10:00-14:00"]
    assert public["opening_hours"]["days"][5] == {"day": "Saturday", "spans": ["10:00-13:00"]}
    found = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "k": 50}).json()
    [chemist] = [p for p in found["places"] if p["id"] == place["id"]]
    assert chemist["open_now"] is True
    assert chemist["opening_status"] == "Open now. Closes at 2pm."


def test_a_bad_rule_is_a_field_error(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post(
        "/api/v1/admin/places",
        json={**NEW_PLACE, "opening_hours": "Mo-Fr 09:00-17:00; Sa sometimes"},
        headers=admin,
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    message = r.json()["errors"]["opening_hours"]
    assert message.startswith('We could not read "Mo-Fr 09:00-17:00; Sa sometimes"')
    assert 'the part from "sometimes" is not understood' in message
