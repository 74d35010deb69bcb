"""The app the OGC API - Features tests share (tests/api/test_ogc*.py): a fresh place database
over the synthetic data, the clock fixed, and the places as the public JSON API gives them.

Each test module makes its own app from these (its own `settings` and `client` fixtures), so
no module sees another's edits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_now
from api.settings import Settings
from locator.hours import LONDON

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


def ogc_settings(synthetic: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    db = tmp_path_factory.mktemp("ogc") / "ogc.db"
    return synthetic.model_copy(update={"database_url": f"sqlite:///{db}"})


@contextmanager
def ogc_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as c:
        yield c


def public_places(client: TestClient, kind: str) -> dict[str, dict[str, Any]]:
    """The reference: the existing public GeoJSON endpoint, by id."""
    body = client.get("/api/v1/places", params={"kind": kind}).json()
    return {f["id"]: f["properties"] for f in body["features"]}
