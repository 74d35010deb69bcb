"""The place database: migrations, seeding once, and changes seen at once by every worker."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text

from api.app import create_app
from api.settings import Settings
from geodata.datasets import load_datasets, load_venue_files, open_store
from geodata.engine import MIGRATIONS, make_engine, migrate
from geodata.gazetteer import Gazetteer
from geodata.placenames import PlaceNames
from locator.venues import Status


def _fresh(settings: Settings, database_url: str) -> Settings:
    return settings.model_copy(update={"database_url": database_url})


def test_a_database_behind_the_newest_migration_is_brought_up_to_date(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    assert "account_links" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "account_links" in inspect(engine).get_table_names()
    with engine.connect() as c:
        newest = sorted(p.name for p in (MIGRATIONS / "versions").glob("0*.py"))[-1][:4]
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == newest


def test_migrations_create_the_schema_on_an_empty_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'x.db'}")
    migrate(engine)
    migrate(engine)  # running them again changes nothing
    tables = set(inspect(engine).get_table_names())
    assert {"places", "meta", "place_changes", "users", "api_tokens", "alembic_version"} <= tables
    assert {"login_failures", "known_devices", "account_links", "recovery_codes"} <= tables
    assert "note" in {c["name"] for c in inspect(engine).get_columns("place_changes")}
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        newest = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert newest == ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _alembic(engine: Engine, *steps: str) -> None:
    """Run alembic commands ("upgrade:head", "downgrade:base") on one connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        for step in steps:
            action, target = step.split(":")
            getattr(command, action)(config, target)


@pytest.mark.postgres
# SQLAlchemy reads PostGIS's column type (places.geom) as unknown: that is all it is.
@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry':sqlalchemy.exc.SAWarning")
def test_every_migration_runs_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    migrate(engine)  # running them again changes nothing
    # Every step down and up again, as a deployment rolling back would.
    _alembic(engine, "downgrade:base", "upgrade:head")
    inspector = inspect(engine)
    assert {"places", "meta", "place_changes", "users", "api_tokens", "staff_sessions"} <= set(
        inspector.get_table_names()
    )
    places = {c["name"]: c for c in inspector.get_columns("places")}
    assert places["created_at"]["type"].timezone is True  # timestamptz: no naive times
    assert str(places["verified"]["type"]) == "BOOLEAN"
    assert "ix_places_local_authority_code" in {i["name"] for i in inspector.get_indexes("places")}
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert c.execute(text("SHOW server_encoding")).scalar() == "UTF8"
    engine.dispose()


def test_first_start_seeds_once(synthetic_settings: Settings, database_url: str) -> None:
    settings = _fresh(synthetic_settings, database_url)
    first = load_datasets(settings)
    assert first.store.count() == 6  # 4 Safe Places and 2 open police counters
    version = first.store.data_version()
    assert version == 1
    assert [p for p in first.store.seed_problems() if "S5" in p]  # the row with no position
    again = load_datasets(settings)
    assert again.store.count() == 6 and again.store.data_version() == version


def test_seeding_never_repeats_even_when_places_are_gone(
    synthetic_settings: Settings, database_url: str
) -> None:
    settings = _fresh(synthetic_settings, database_url)
    store = load_datasets(settings).store
    for venue in store.venues():
        store.set_status(venue.id, Status.REMOVED)
    load_datasets(settings)
    assert {v.status for v in open_store(settings).venues()} == {Status.REMOVED}


def test_a_change_is_seen_by_the_next_search(
    synthetic_settings: Settings, database_url: str
) -> None:
    settings = _fresh(synthetic_settings, database_url)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/places/S1").status_code == 200
        before = client.get("/readyz").json()["data_version"]
        client.app.state.datasets.store.set_status("S1", Status.SUSPENDED)  # type: ignore[attr-defined]
        assert client.get("/api/v1/places/S1").status_code == 404
        near = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "k": 10})
        assert "S1" not in [p["id"] for p in near.json()["places"]]
        assert client.get("/readyz").json()["data_version"] == before + 1


def test_every_worker_sees_a_change_made_through_another(
    synthetic_settings: Settings, database_url: str
) -> None:
    """Two app instances on one database stand for two worker processes (or replicas):
    the other sees the change within a second (geodata.changes)."""
    settings = _fresh(synthetic_settings, database_url)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        assert two.get("/api/v1/places/S3").status_code == 200
        one.app.state.datasets.store.set_status("S3", Status.SUSPENDED)  # type: ignore[attr-defined]
        assert one.get("/api/v1/places/S3").status_code == 404  # at once where it was made
        _within_a_second(lambda: two.get("/api/v1/places/S3").status_code == 404)
        one.app.state.datasets.store.set_status("S3", Status.ACTIVE)  # type: ignore[attr-defined]
        _within_a_second(lambda: two.get("/api/v1/places/S3").status_code == 200)


def _within_a_second(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 1.0
    while not done():
        assert time.monotonic() < deadline, "not seen within a second"
        time.sleep(0.02)


def test_only_active_places_are_public(synthetic_settings: Settings, database_url: str) -> None:
    settings = _fresh(synthetic_settings, database_url)
    store = load_datasets(settings).store
    store.set_status("S2", Status.DRAFT)
    store.set_status("S4", Status.REMOVED)
    with TestClient(create_app(settings)) as client:
        ids = {f["id"] for f in client.get("/api/v1/places").json()["features"]}
        assert ids == {"S1", "S3", "P1", "P2"}


def test_workers_starting_together_migrate_and_seed_once(
    synthetic_settings: Settings, database_url: str
) -> None:
    """`serve --workers N` starts N processes on a new database at once: one migrates and
    seeds, the others wait for it and then find it done."""
    settings = _fresh(synthetic_settings, database_url)
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    venues = load_venue_files(settings, gazetteer, PlaceNames.load(data.path(data.places_file)))
    start = threading.Barrier(4)
    seeded: list[bool] = []
    errors: list[str] = []

    def worker() -> None:
        # What load_datasets does with the database on a first start.
        try:
            start.wait()
            store = open_store(settings)
            seeded.append(store.data_version() == 0 and store.seed(venues))
        except BaseException:  # noqa: BLE001 - reported below
            errors.append(traceback.format_exc())

    # Daemons with a time limit: without the lock, Alembic (not thread-safe) could hang.
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads) and not errors, "\n".join(errors)
    assert sorted(seeded) == [False, False, False, True]
    store = open_store(settings)
    assert store.count() == 6 and store.data_version() == 1
    assert len(store.history("S1")) == 1
