"""PostGIS when present: the places table carries a `geometry(Point, 4326)` column with a GiST
index, kept in step with the coordinates by every writer, so QGIS can open it directly; a
PostgreSQL without PostGIS (or where it can't be enabled) keeps working without it."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from postgres import PostgresServer
from psycopg import sql
from sqlalchemy import Engine, inspect, text
from synthetic import venue_at

from geodata.engine import MIGRATIONS, make_engine
from geodata.store import PlaceStore

pytestmark = pytest.mark.postgres


def _migrate(engine: Engine, action: str, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, target)


def _geom(engine: Engine, place_id: str) -> str | None:
    with engine.connect() as c:
        found = c.execute(
            text("SELECT ST_AsText(geom) FROM places WHERE id = :id"), {"id": place_id}
        ).scalar()
        return None if found is None else str(found)


@pytest.fixture
def postgis_url(postgres_url: str) -> str:
    """A new database on a server with PostGIS; without it the test fails, in words."""
    engine = make_engine(postgres_url)
    with engine.connect() as c:
        found = c.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        ).scalar()
    engine.dispose()
    if not found:
        pytest.fail(
            "PostGIS is not installed beside PostgreSQL (Debian: apt-get install -y "
            "postgresql-15-postgis-3, for PostgreSQL 15; `make postgres` does it).",
            pytrace=False,
        )
    return postgres_url


def test_places_have_a_point_geometry_with_a_gist_index(postgis_url: str) -> None:
    store = PlaceStore.open(postgis_url)
    store.add([venue_at(1, -1.556, 53.138454), venue_at(2, -1.387246, 53.096523)])
    with store.engine.connect() as c:
        column = c.execute(
            text(
                "SELECT type, srid, coord_dimension FROM geometry_columns "
                "WHERE f_table_name = 'places' AND f_geometry_column = 'geom'"
            )
        ).one()
        index = c.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_places_geom'")
        ).scalar()
    assert tuple(column) == ("POINT", 4326, 2)
    assert index is not None and "USING gist (geom)" in index
    # Filled as each place is added, longitude first.
    assert _geom(store.engine, "T001") == "POINT(-1.556 53.138454)"
    # And kept in step when an officer moves a place.
    store.update("T002", {"latitude": 53.1, "longitude": -1.4}, "ann@council", 1)
    assert _geom(store.engine, "T002") == "POINT(-1.4 53.1)"
    # An edit that leaves the coordinates alone leaves the point alone.
    store.update("T002", {"name": "Alfreton Library"}, "ann@council", 2)
    assert _geom(store.engine, "T002") == "POINT(-1.4 53.1)"
    # What QGIS asks for: the places in a box, through the index.
    with store.engine.connect() as c:
        inside = c.execute(
            text(
                "SELECT id FROM places "
                "WHERE geom && ST_MakeEnvelope(-1.6, 53.12, -1.5, 53.15, 4326)"
            )
        ).all()
    assert [r.id for r in inside] == ["T001"]
    store.engine.dispose()
    store.writer.dispose()


def test_places_there_before_the_migration_get_their_points(postgis_url: str) -> None:
    store = PlaceStore.open(postgis_url)
    _migrate(store.writer, "downgrade", "0010")
    assert "geom" not in {c["name"] for c in inspect(store.engine).get_columns("places")}
    store.add([venue_at(3, -1.5, 53.2)])  # written with no trigger to fill anything
    _migrate(store.writer, "upgrade", "head")
    assert _geom(store.engine, "T003") == "POINT(-1.5 53.2)"
    store.engine.dispose()
    store.writer.dispose()


@pytest.fixture
def unprivileged_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A database whose owner may not enable PostGIS (not a superuser), as on many servers."""
    name, url = postgres_server.create_database()
    with postgres_server._admin() as admin:
        admin.execute("CREATE ROLE plain_owner LOGIN")
        admin.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO plain_owner").format(sql.Identifier(name))
        )
    # The schema belongs to the database's first owner: give it over too.
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as database:
        database.execute("ALTER SCHEMA public OWNER TO plain_owner")
    try:
        yield url.replace("postgres@", "plain_owner@")
    finally:
        postgres_server.drop_database(name)
        with postgres_server._admin() as admin:
            admin.execute("DROP ROLE plain_owner")


def test_without_postgis_the_migrations_run_and_places_are_stored(unprivileged_url: str) -> None:
    store = PlaceStore.open(unprivileged_url)
    store.add([venue_at(4, -1.5, 53.2)])
    assert store.get("T004").longitude == -1.5
    assert "geom" not in {c["name"] for c in inspect(store.engine).get_columns("places")}
    with make_engine(unprivileged_url).connect() as c:
        enabled = "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"
        assert c.execute(text(enabled)).scalar() == 0
    store.engine.dispose()
    store.writer.dispose()
