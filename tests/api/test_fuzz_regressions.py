"""Requests the API fuzzing (tests/api/test_fuzz.py) found answered wrongly, kept as plain
examples on both database backends so each stays fixed without the fuzzer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

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
    body = assert_problem(r, 409)
    assert str(body["errors"]["external_ref"]).startswith(  # type: ignore[index]
        "Another place already has this reference (S1)"
    )
    assert "S1" in str(body["detail"])
    # Nothing was written, and a new reference still works.
    names = [p["name"] for p in client.get("/api/v1/admin/places", headers=admin).json()]
    assert PLACE["name"] not in names
    ok = client.post("/api/v1/admin/places", json={**PLACE, "external_ref": "N1"}, headers=admin)
    assert ok.status_code == 201 and ok.json()["external_ref"] == "N1"


@pytest.mark.parametrize("field", ["name", "address", "operator", "external_ref"])
def test_a_nul_character_in_a_new_place_is_a_field_error(
    client: TestClient, admin: dict[str, str], field: str
) -> None:
    # PostgreSQL refuses NUL in text: it was a 500 there (SQLite stored it).
    body = {**PLACE, field: "Dale\x00Road"}
    r = client.post("/api/v1/admin/places", json=body, headers=admin)
    problem = assert_problem(r, 422)
    assert "NUL" in problem["errors"][field]  # type: ignore[index]


def test_a_nul_character_in_a_change_is_a_field_error(
    client: TestClient, admin: dict[str, str]
) -> None:
    tag = client.get("/api/v1/admin/places/S1", headers=admin).headers["etag"]
    r = client.patch(
        "/api/v1/admin/places/S1",
        json={"accessibility_notes": "Step-free\x00"},
        headers={**admin, "If-Match": tag},
    )
    assert "NUL" in assert_problem(r, 422)["errors"]["accessibility_notes"]  # type: ignore[index]


@pytest.mark.parametrize(
    "request_line",
    [
        ("GET", "/api/v1/admin/places/S1%00"),
        ("GET", "/api/v1/admin/places/%00/history"),
        ("POST", "/api/v1/admin/places/%00/remove"),
        ("POST", "/api/v1/admin/places/S1%00/suspend"),
        ("POST", "/api/v1/admin/places/%00/history/1/restore"),
    ],
)
def test_a_place_id_with_a_nul_character_is_not_found(
    client: TestClient, admin: dict[str, str], request_line: tuple[str, str]
) -> None:
    method, path = request_line
    assert_problem(client.request(method, path, headers=admin), 404)


def test_staff_api_moments_carry_their_timezone(client: TestClient, admin: dict[str, str]) -> None:
    # SQLite keeps no offset: its moments came back naive, not the `date-time` the API declares.
    place = client.get("/api/v1/admin/places/S3", headers=admin).json()
    history = client.get("/api/v1/admin/places/S3/history", headers=admin).json()
    moments = [place["created_at"], place["updated_at"], *(c["at"] for c in history)]
    for moment in moments:
        assert datetime.fromisoformat(moment).utcoffset() == timedelta(0), moment


def test_a_login_with_a_nul_character_is_a_wrong_login_not_a_server_error(
    client: TestClient,
) -> None:
    form = client.get("/staff/login", headers={"accept": "text/html"})
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post(
        "/staff/login",
        data={"email": "admin@council.gov.uk\x00", "password": "x\x00", "csrf_token": token},
        headers={"accept": "text/html", "origin": "http://testserver"},
    )
    assert r.status_code == 401 and "The email address or password is not right." in r.text
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    assert users.find("admin@council.gov.uk\x00") is None
    with pytest.raises(ValueError, match="control characters"):
        users.create_user("a\x00@council.gov.uk", "A", Role.ADMIN, "correct horse battery")
