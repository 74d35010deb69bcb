"""A PostgreSQL server that can't be reached is `DatabaseUnreachable` (a plain 503 in the app),
said in one line at start-up, with connection timeouts short enough that nothing queues."""

from __future__ import annotations

from pathlib import Path

import pytest
from postgres import PostgresServer
from psycopg import sql
from sqlalchemy import text

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.engine import make_engine, server_timeouts, unreachable
from geodata.import_worker import ImportWorker
from geodata.startup import start_up_problem
from geodata.uploads import Matching, PendingImports, Preview
from locator.accounts import operator
from locator.errors import DatabaseUnreachable


def test_a_server_that_is_not_there_is_unreachable(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@/places?host={tmp_path}"  # no server on this socket
    for engine in (make_engine(url), make_engine(url, writer=True)):
        with pytest.raises(DatabaseUnreachable) as caught, engine.connect() as c:
            c.execute(text("SELECT 1"))
        assert unreachable(caught.value.__cause__)  # type: ignore[arg-type]
        line = start_up_problem(caught.value, url)
        assert line is not None and line.startswith(
            "The database (postgresql+psycopg://postgres@/places"
        )
        assert "can't be reached: " in line and "\n" not in line


def test_connections_give_up_in_seconds_unless_the_address_says_otherwise() -> None:
    url = "postgresql+psycopg://app@db.council.internal/places"
    assert server_timeouts(url)["connect_timeout"] == 3
    assert server_timeouts(url)["keepalives"] == 1
    assert "connect_timeout" not in server_timeouts(f"{url}?connect_timeout=10")


@pytest.mark.postgres
def test_an_import_process_that_could_not_start_is_replaced_by_the_next_import(
    synthetic_settings: Settings, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """The database away as a server started (here: not made yet): its import process
    fails to start; the first import once it answers starts another, and works."""
    name, url = postgres_server.create_database()
    postgres_server.drop_database(name)
    settings = synthetic_settings.model_copy(update={"database_url": url})
    pending = PendingImports(tmp_path / "uploads", settings.imports)
    worker = ImportWorker(settings, pending)
    try:
        worker.warm()  # returns: the child could not open the database
        with postgres_server._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        load_datasets(settings).store.engine.dispose()  # migrated and seeded
        csv = "name,category,postcode\nDale Road Pharmacy,pharmacy,DE4 3AG\n"
        found = worker.upload(operator(), csv.encode(), ".csv")
        assert isinstance(found, Matching | Preview)
    finally:
        worker.close()
        postgres_server.drop_database(name)
