"""A venue's contact person is for staff only: absent from every public output, there in the
staff API and on the staff page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role

CONTACT = {
    "contact_name": "Zebedee Quartermaine",
    "contact_email": "zebedee.q@venue-private.example",
    "contact_phone": "01629 777888",
}
# Each piece, as it could appear in any output (the phone with or without its space).
SECRETS = ["Zebedee", "Quartermaine", "venue-private", "777888", "777 888"]
HTML = {"accept": "text/html"}

# Every public output that can carry S1 (Matlock Library), and how to find S1 in it.
PUBLIC = {
    "JSON place": ("/api/v1/places/S1", {}),
    "JSON nearest": ("/api/v1/places/nearest", {"postcode": "DE4 3AH"}),
    "JSON places": ("/api/v1/places", {}),
    "page: place": ("/places/S1", {}),
    "page: find": ("/find", {"q": "DE4 3AH"}),
    "embed": ("/embed", {"postcode": "DE4 3AH"}),
    "OGC items": ("/ogc/collections/safe-places/items", {}),
    "OGC item": ("/ogc/collections/safe-places/items/S1", {}),
    "download GeoJSON": ("/api/v1/downloads/places.geojson", {}),
    "download CSV": ("/api/v1/downloads/places.csv", {}),
    "download GeoPackage": ("/api/v1/downloads/places.gpkg", {}),
}


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("contact") / "places.db"
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    with TestClient(create_app(settings)) as c:
        store: PlaceStore = c.app.state.datasets.store  # type: ignore[attr-defined]
        store.update("S1", CONTACT, "ann@council.gov.uk", store.get("S1").version)
        yield c


@pytest.mark.parametrize("output", list(PUBLIC))
def test_no_public_output_carries_the_venue_contact(client: TestClient, output: str) -> None:
    path, params = PUBLIC[output]
    r = client.get(
        path, params=params, headers=HTML if not path.startswith(("/api", "/ogc")) else {}
    )
    assert r.status_code == 200, (output, r.text[:300])
    body = r.content
    # The output does carry the place (so the test could fail), but not its contact.
    assert b"Matlock Library" in body, output
    for secret in SECRETS:
        assert secret.encode() not in body, (output, secret)


def test_staff_see_the_contact(client: TestClient, tmp_path: Path) -> None:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    viewer = users.create_user("vic@council.gov.uk", "Vic", Role.VIEWER, "correct horse battery")
    token = {"Authorization": f"Bearer {users.create_token(viewer.id, 'tests')}"}
    place = client.get("/api/v1/admin/places/S1", headers=token).json()
    assert {k: place[k] for k in CONTACT} == CONTACT
