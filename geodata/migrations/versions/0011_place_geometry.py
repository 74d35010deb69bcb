"""On PostgreSQL with PostGIS: a `geom geometry(Point, 4326)` column on places, with a GiST
index, so council GIS staff can open the places table in QGIS straight from the database.

A trigger keeps it in step with the longitude and latitude on every insert and every change of
either, whoever writes (the service, an import, a hand-made fix in psql). Where PostGIS isn't
installed, or can't be enabled (CREATE EXTENSION may need a superuser), and on SQLite, this
does nothing: the service itself only reads the longitude and latitude.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# EPSG:4326, longitude first (x), as the columns hold them.
_FILL = """
CREATE OR REPLACE FUNCTION places_geom_from_coordinates() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.longitude IS NULL OR NEW.latitude IS NULL THEN
        NEW.geom := NULL;
    ELSE
        NEW.geom := ST_SetSRID(ST_MakePoint(NEW.longitude, NEW.latitude), 4326);
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _postgis(bind):
        return
    op.execute("ALTER TABLE places ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326)")
    op.execute(
        "UPDATE places SET geom = ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) "
        "WHERE longitude IS NOT NULL AND latitude IS NOT NULL"
    )
    op.execute("CREATE INDEX IF NOT EXISTS ix_places_geom ON places USING gist (geom)")
    op.execute(_FILL)
    op.execute("DROP TRIGGER IF EXISTS places_geom ON places")
    op.execute(
        "CREATE TRIGGER places_geom BEFORE INSERT OR UPDATE OF longitude, latitude ON places "
        "FOR EACH ROW EXECUTE FUNCTION places_geom_from_coordinates()"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # The extension stays: other tables on the server may use it.
    op.execute("DROP TRIGGER IF EXISTS places_geom ON places")
    op.execute("DROP FUNCTION IF EXISTS places_geom_from_coordinates()")
    op.execute("DROP INDEX IF EXISTS ix_places_geom")
    op.execute("ALTER TABLE places DROP COLUMN IF EXISTS geom")


def _postgis(bind: Connection) -> bool:
    """Whether PostGIS is enabled in this database, enabling it if the server has it and we
    may: a refusal (no permission) is rolled back to a savepoint, and the migration goes on."""
    query = "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
    if bind.execute(text(query)).scalar():
        return True
    on_server = "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
    if not bind.execute(text(on_server)).scalar():
        return False
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except DBAPIError:
        return False
    return True
