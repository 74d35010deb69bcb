"""Shared fixtures: the real shared data, a tiny synthetic data directory, and a place database
on each backend (SQLite, and a throw-away PostgreSQL server: tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import PostgresServer, PostgresUnavailable
from smtp import Mailbox, SmtpServer
from synthetic import write_national_postcodes, write_synthetic_data
from verify_budget import register_profiles

from api.settings import Settings
from locator.settings import DataSettings, default_data_dir

# Hypothesis (tests/locator, tests/geodata, tests/api/test_fuzz.py): small, fixed and without
# deadlines here; `SAFEPLACES_VERIFY=thorough` for a bigger run (tests/verify_budget.py).
register_profiles()


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    path = default_data_dir()
    if not (path / "postcodes_derbyshire.csv.gz").is_file():
        pytest.skip("the shared open data is not beside the project")
    return path


@pytest.fixture(scope="session")
def real_settings(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    cache = tmp_path_factory.mktemp("cache")
    return Settings(data=DataSettings(dir=real_data_dir, cache_dir=cache))


@pytest.fixture(scope="module")
def synthetic_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Fresh settings over a fresh synthetic data directory, one per test module."""
    root = tmp_path_factory.mktemp("synthetic")
    data = write_synthetic_data(root / "data")
    return Settings(data=DataSettings(dir=data, cache_dir=root / "cache"))


@pytest.fixture(scope="module")
def national_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Like `synthetic_settings`, with a tiny national postcode table beside the data."""
    root = tmp_path_factory.mktemp("national")
    data = write_national_postcodes(write_synthetic_data(root / "data"))
    return Settings(data=DataSettings(dir=data, cache_dir=root / "cache"))


# -- the place database, on each backend --------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throw-away PostgreSQL server for the whole run, started when a test first needs it.

    Missing PostgreSQL fails the tests that need it, in words: it is never a silent skip.
    """
    failure = None
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        failure = str(exc)
    if failure is not None:
        pytest.fail(failure, pytrace=False)  # outside `except`: no chained traceback
    try:
        yield server
    finally:
        server.stop()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _database(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'places.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty place database for one test: each test runs on both."""
    yield from _database(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like `database_url`, one database for a whole test module."""
    yield from _database(request, tmp_path_factory.mktemp("database"))


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty PostgreSQL database, for tests about PostgreSQL alone."""
    name, url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


# -- email: a real SMTP server on the loopback (tests/smtp.py) -----------------------------


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """One SMTP server for the whole run; each test's `mailbox` starts empty."""
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    """What the test SMTP server has been sent: `.settings` (MailSettings pointing at it),
    `.messages`, `.wait_for(to, timeout=...)`; `smtp.link_in(message)` finds a link."""
    smtp_server.mailbox.clear()
    return smtp_server.mailbox
