"""The place database: migrations, seeding once, and changes seen at once by every worker."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.app import create_app
from geodata.datasets import load_datasets, open_store
from geodata.store import make_engine, migrate
from locator.settings import Settings
from locator.venues import Status


def _fresh(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'places.db'}"})


def test_migrations_create_the_schema_on_an_empty_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'x.db'}")
    migrate(engine)
    migrate(engine)  # running them again changes nothing
    tables = set(inspect(engine).get_table_names())
    assert {"places", "meta", "place_changes", "users", "api_tokens", "alembic_version"} <= tables
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"


def test_first_start_seeds_once(synthetic_settings: Settings, tmp_path: Path) -> None:
    settings = _fresh(synthetic_settings, tmp_path)
    first = load_datasets(settings)
    assert first.store.count() == 6  # 4 Safe Places and 2 open police counters
    version = first.store.data_version()
    assert version == 1
    assert [p for p in first.store.seed_problems() if "S5" in p]  # the row with no position
    again = load_datasets(settings)
    assert again.store.count() == 6 and again.store.data_version() == version


def test_seeding_never_repeats_even_when_places_are_gone(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    settings = _fresh(synthetic_settings, tmp_path)
    store = load_datasets(settings).store
    for venue in store.venues():
        store.set_status(venue.id, Status.REMOVED)
    load_datasets(settings)
    assert {v.status for v in open_store(settings).venues()} == {Status.REMOVED}


def test_a_change_is_seen_by_the_next_search(synthetic_settings: Settings, tmp_path: Path) -> None:
    settings = _fresh(synthetic_settings, tmp_path)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/places/S1").status_code == 200
        before = client.get("/readyz").json()["data_version"]
        client.app.state.datasets.store.set_status("S1", Status.SUSPENDED)  # type: ignore[attr-defined]
        assert client.get("/api/v1/places/S1").status_code == 404
        near = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "k": 10})
        assert "S1" not in [p["id"] for p in near.json()["places"]]
        assert client.get("/readyz").json()["data_version"] == before + 1


def test_every_worker_sees_a_change_made_through_another(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    """Two app instances on one database stand for two worker processes."""
    settings = _fresh(synthetic_settings, tmp_path)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        assert two.get("/api/v1/places/S3").status_code == 200
        one.app.state.datasets.store.set_status("S3", Status.SUSPENDED)  # type: ignore[attr-defined]
        assert two.get("/api/v1/places/S3").status_code == 404
        one.app.state.datasets.store.set_status("S3", Status.ACTIVE)  # type: ignore[attr-defined]
        assert two.get("/api/v1/places/S3").status_code == 200


def test_only_active_places_are_public(synthetic_settings: Settings, tmp_path: Path) -> None:
    settings = _fresh(synthetic_settings, tmp_path)
    store = load_datasets(settings).store
    store.set_status("S2", Status.DRAFT)
    store.set_status("S4", Status.REMOVED)
    with TestClient(create_app(settings)) as client:
        ids = {f["id"] for f in client.get("/api/v1/places").json()["features"]}
        assert ids == {"S1", "S3", "P1", "P2"}
