"""The staff API: who may do what, stale edits, validation, and changes seen at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role

PASSWORD = "correct horse battery"
DALES, AMBER = "E07000035", "E07000032"  # S1's area (Derbyshire Dales), and another


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings, module_database_url: str) -> Iterator[TestClient]:
    settings = synthetic_settings.model_copy(update={"database_url": module_database_url})
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    made = {}
    for who, role, areas in [
        ("admin", Role.ADMIN, frozenset()),
        ("editor_in", Role.EDITOR, frozenset({DALES})),
        ("editor_out", Role.EDITOR, frozenset({AMBER})),
        ("viewer", Role.VIEWER, frozenset()),
    ]:
        user = users.create_user(f"{who}@council.gov.uk", who, role, PASSWORD, areas)
        made[who] = {"Authorization": f"Bearer {users.create_token(user.id, 'tests')}"}
    made["anonymous"] = {}
    return made


def _etag(client: TestClient, place: str, admin: dict[str, str]) -> str:
    return str(client.get(f"/api/v1/admin/places/{place}", headers=admin).headers["etag"])


NEW_PLACE = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}

# Each call gets the caller's headers and an admin's (to read the current ETag).
Call = Callable[[TestClient, dict[str, str], dict[str, str]], Response]
ROUTES: dict[str, tuple[Call, bool]] = {
    # name: (request, is it a change to place S1 / in S1's area?)
    "list": (lambda c, h, a: c.get("/api/v1/admin/places", headers=h), False),
    "read": (lambda c, h, a: c.get("/api/v1/admin/places/S1", headers=h), False),
    "history": (lambda c, h, a: c.get("/api/v1/admin/places/S1/history", headers=h), False),
    "create": (lambda c, h, a: c.post("/api/v1/admin/places", json=NEW_PLACE, headers=h), True),
    "update": (
        lambda c, h, a: c.patch(
            "/api/v1/admin/places/S1",
            json={"phone": "01629 533400"},
            headers={**h, "If-Match": _etag(c, "S1", a)},
        ),
        True,
    ),
    "suspend": (
        lambda c, h, a: c.post(
            "/api/v1/admin/places/S1/suspend",
            headers=h,
            json={"reason": "Closed for refurbishment"},
        ),
        True,
    ),
    "restore": (lambda c, h, a: c.post("/api/v1/admin/places/S1/restore", headers=h), True),
    "remove": (
        lambda c, h, a: c.post(
            "/api/v1/admin/places/S1/remove", headers=h, json={"reason": "Closed for refurbishment"}
        ),
        True,
    ),
    "activate": (lambda c, h, a: c.post("/api/v1/admin/places/S1/activate", headers=h), True),
    "checked": (lambda c, h, a: c.post("/api/v1/admin/places/S1/checked", headers=h), True),
    "restore version": (
        lambda c, h, a: c.post("/api/v1/admin/places/S1/history/1/restore", headers=h),
        True,
    ),
}


@pytest.mark.parametrize("who", ["anonymous", "viewer", "editor_in", "editor_out", "admin"])
@pytest.mark.parametrize("route", list(ROUTES))
def test_access_matrix(
    client: TestClient, tokens: dict[str, dict[str, str]], route: str, who: str
) -> None:
    call, changes = ROUTES[route]
    r = call(client, tokens[who], tokens["admin"])
    if who == "anonymous":
        expected = 401
    elif changes and who in ("viewer", "editor_out"):
        expected = 403
    else:
        expected = 201 if route == "create" else 200
    assert r.status_code == expected, (route, who, r.text)
    if expected >= 400:
        assert r.headers["content-type"] == "application/problem+json"
    if expected == 401:
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_wrong_or_revoked_token_is_401(client: TestClient) -> None:
    for header in ["Bearer sp_not-a-real-token", "Basic abc", "sp_token-without-scheme"]:
        r = client.get("/api/v1/admin/places", headers={"Authorization": header})
        assert r.status_code == 401


def test_create_by_postcode_is_public_at_once(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    body = {**NEW_PLACE, "name": "Bank Road Café", "category": "cafe", "postcode": "de43ah"}
    r = client.post("/api/v1/admin/places", json=body, headers=tokens["admin"])
    assert r.status_code == 201, r.text
    place = r.json()
    assert place["postcode"] == "DE4 3AH" and place["location_precision"] == "postcode"
    assert place["local_authority_code"] == DALES and place["version"] == 1
    assert r.headers["location"] == f"/api/v1/admin/places/{place['id']}"
    public = client.get(f"/api/v1/places/{place['id']}")
    assert public.status_code == 200 and public.json()["name"] == "Bank Road Café"
    near = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AH", "k": 1})
    assert near.json()["places"][0]["id"] == place["id"]


def test_stale_edit_gets_412_with_the_current_version(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    admin = tokens["admin"]
    tag = client.get("/api/v1/admin/places/S3", headers=admin).headers["etag"]
    first = client.patch(
        "/api/v1/admin/places/S3",
        json={"phone": "01773 000001"},
        headers={**admin, "If-Match": tag},
    )
    assert first.status_code == 200 and first.headers["etag"] != tag
    second = client.patch(
        "/api/v1/admin/places/S3",
        json={"phone": "01773 000002"},
        headers={**admin, "If-Match": tag},
    )
    assert second.status_code == 412
    assert second.json()["current_version"] == first.json()["version"]
    # Staff read back the stored form (E.164), which they can send again as it is.
    assert client.get("/api/v1/admin/places/S3", headers=admin).json()["phone"] == "+441773000001"
    missing = client.patch("/api/v1/admin/places/S3", json={"phone": "1"}, headers=admin)
    assert missing.status_code == 428


def test_validation_gives_a_message_per_field(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    bad = {
        "name": "",
        "category": "castle",
        "postcode": "SW1A 1AA",
        "phone": "12345",
        "opening_hours": "Mon 9-5 maybe",
        "email": "not-an-email",
    }
    r = client.post("/api/v1/admin/places", json=bad, headers=tokens["admin"])
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == {"name", "category", "postcode", "phone", "opening_hours", "email"}
    assert errors["phone"] == (
        '"12345" is not a real UK phone number: no UK phone numbers like it are in use. '
        "Type a UK phone number, like 01629 533400."
    )
    assert "Mon 9-5 maybe" in errors["opening_hours"]
    outside = {**NEW_PLACE, "postcode": "DE4 3AG", "latitude": 51.5, "longitude": -0.14}
    r = client.post("/api/v1/admin/places", json=outside, headers=tokens["admin"])
    assert r.status_code == 422 and "outside the area" in r.json()["errors"]["postcode"]
    r = client.post(
        "/api/v1/admin/places",
        json={**outside, "outside_area_override": True},
        headers=tokens["admin"],
    )
    assert r.status_code == 201


def test_history_and_restore(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    admin = tokens["admin"]
    tag = client.get("/api/v1/admin/places/S4", headers=admin).headers["etag"]
    client.patch(
        "/api/v1/admin/places/S4", json={"name": "Renamed Shop"}, headers={**admin, "If-Match": tag}
    )
    history = client.get("/api/v1/admin/places/S4/history", headers=admin).json()
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["fields"]["name"] == ["<script>alert(1)</script> Shop", "Renamed Shop"]
    assert history[1]["actor"] == "admin@council.gov.uk"
    assert history[1]["actor_name"] == "admin"  # the account's name, as the pages say it
    assert history[0]["actor_name"] != ""
    back = client.post("/api/v1/admin/places/S4/history/1/restore", headers=admin).json()
    assert back["name"] == "<script>alert(1)</script> Shop"
    assert client.get("/api/v1/admin/places/S4/history", headers=admin).json()[-1]["action"] == (
        "restore to version 1"
    )


def test_filters(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    viewer = tokens["viewer"]
    all_places = client.get("/api/v1/admin/places", headers=viewer).json()
    # The open data has no check dates; a place staff added counts as checked that day.
    seeded = [p for p in all_places if not p["id"].startswith("SP")]
    added = [p for p in all_places if p["id"].startswith("SP")]
    assert seeded and all(p["check_overdue"] for p in seeded)
    assert added and not any(p["check_overdue"] for p in added)
    dales = client.get("/api/v1/admin/places", params={"area": DALES}, headers=viewer).json()
    assert dales and all(p["local_authority_code"] == DALES for p in dales)
    police = client.get(
        "/api/v1/admin/places", params={"kind": "police_enquiry_office"}, headers=viewer
    ).json()
    assert {p["id"] for p in police} == {"P1", "P2"}
    r = client.get("/api/v1/admin/places", params={"status": "nonsense"}, headers=viewer)
    assert r.status_code == 422
    # The staff list's other filters, as its page has them.
    overdue = client.get("/api/v1/admin/places", params={"check": "overdue"}, headers=viewer)
    assert {p["id"] for p in overdue.json()} == {p["id"] for p in seeded}
    no_phone = client.get("/api/v1/admin/places", params={"missing": "phone"}, headers=viewer)
    assert no_phone.json() and not any(p["phone"] for p in no_phone.json())
    week = client.get("/api/v1/admin/places", params={"changed": 7}, headers=viewer).json()
    assert len(week) == len(all_places)


def test_suspend_needs_a_reason_and_the_history_keeps_it(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    place = "/api/v1/admin/places/S2"
    for body in (None, {}, {"reason": "  "}):
        r = client.post(f"{place}/suspend", headers=tokens["editor_in"], json=body)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert "Say why" in r.json()["errors"]["reason"]
    r = client.post(f"{place}/suspend", headers=tokens["editor_in"], json={"reason": "Closed"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert client.post(f"{place}/restore", headers=tokens["editor_in"]).status_code == 200
    checked = client.post(f"{place}/checked", headers=tokens["editor_in"])
    assert checked.status_code == 200 and checked.json()["check_overdue"] is False
    assert checked.json()["last_checked"] == datetime.now().date().isoformat()
    history = client.get(f"{place}/history", headers=tokens["viewer"]).json()
    assert [(c["action"], c["note"], c["actor"]) for c in history[-3:]] == [
        ("suspend", "Closed", "editor_in@council.gov.uk"),
        ("activate", None, "editor_in@council.gov.uk"),
        ("check", None, "editor_in@council.gov.uk"),
    ]


def test_unknown_place_is_404(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.get("/api/v1/admin/places/NOPE", headers=tokens["viewer"])
    assert r.status_code == 404
    r = client.post("/api/v1/admin/places/NOPE/suspend", headers=tokens["admin"])
    assert r.status_code == 404


def test_the_staff_router_carries_the_auth_dependency() -> None:
    from api.routes.staff import router

    assert any(d.dependency.__name__ == "current_staff" for d in router.dependencies)  # type: ignore[union-attr]


def _utc(text: str) -> datetime:
    """A timestamp from an answer: it must carry its zone, and that zone is UTC."""
    assert text.endswith(("Z", "+00:00")), text
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() == timedelta(0), text
    return moment


def test_timestamps_carry_their_time_zone(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    admin = tokens["admin"]
    before = datetime.now(UTC) - timedelta(seconds=5)
    place = {**NEW_PLACE, "name": "Clock Tower Café", "category": "cafe"}
    created = client.post("/api/v1/admin/places", json=place, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    # Read back from the database (naive on SQLite), still UTC and still now, not an hour off.
    for moment in (_utc(body["created_at"]), _utc(body["updated_at"])):
        assert before <= moment <= datetime.now(UTC) + timedelta(seconds=5)
    url = f"/api/v1/admin/places/{body['id']}"
    changed = client.patch(
        url, json={"phone": "01629 000000"}, headers={**admin, "If-Match": created.headers["etag"]}
    )
    assert _utc(changed.json()["updated_at"]) >= _utc(body["created_at"])
    listed = client.get("/api/v1/admin/places", headers=admin).json()
    assert all(_utc(p["created_at"]) and _utc(p["updated_at"]) for p in listed)
    history = client.get(f"{url}/history", headers=admin).json()
    assert len(history) == 2
    for change in history:
        assert before <= _utc(change["at"]) <= datetime.now(UTC) + timedelta(seconds=5)
