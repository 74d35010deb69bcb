"""Database engines, SQLite or PostgreSQL, that let one transaction write at a time; migrations.

SQLite is the embedded default (WAL, foreign keys on); PostgreSQL works through the same URL
setting (`postgresql+psycopg://…`). The schema is created and upgraded by Alembic migrations,
never by `create_all`.
"""

from __future__ import annotations

import errno
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError

from geodata.extras import POSTGRES, require
from locator.errors import DatabaseUnreachable, StorageUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


# The PostgreSQL advisory lock every writing transaction takes first (any fixed number will
# do; advisory locks are per database, so two databases on one server don't share it).
WRITE_LOCK = 0x5AFE_7ACE


def make_engine(url: str, *, writer: bool = False) -> Engine:
    """An engine; for SQLite, a file whose folder exists, in WAL mode with foreign keys on.

    A `writer` engine lets one transaction write at a time, from its first statement: two
    edits queue up instead of one failing half-way (SQLite's "database is locked") or both
    reading the same state (PostgreSQL's READ COMMITTED: two first starts would both seed).
    Readers never wait for a writer (SQLite's WAL, PostgreSQL's MVCC).
    """
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # A server may drop idle connections (restart, timeout): test them before use.
        kwargs["pool_pre_ping"] = True
    if url.startswith("postgresql"):
        if make_url(url).get_driver_name() == "psycopg":
            require(POSTGRES, "SAFEPLACES_DATABASE_URL is a PostgreSQL address")
        # Whatever the server's default: each statement after the writer lock must see every
        # commit made before it (REPEATABLE READ would read from before the wait).
        kwargs["isolation_level"] = "READ COMMITTED"
        if make_url(url).get_driver_name() in ("psycopg", "psycopg2"):  # libpq's settings
            kwargs["connect_args"] = server_timeouts(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine, writer)
    elif engine.dialect.name == "postgresql" and writer:
        _postgresql_writer_lock(engine)
    if writer:
        event.listen(engine, "handle_error", _storage_faults)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "handle_error", _unreachable)
    return engine


# A server that doesn't answer (down, or the network to it) fails a connection in seconds,
# not the minutes the system would wait: a request that needs it gives up, and the others
# (answered from memory) never queue behind it. Keepalives notice a silent, dead connection.
SERVER_TIMEOUTS = {
    "connect_timeout": 3,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def server_timeouts(url: str) -> dict[str, int]:
    """The connection timeouts for a PostgreSQL URL: `SERVER_TIMEOUTS`, less any the URL sets
    itself (``?connect_timeout=10``), which win."""
    given = make_url(url).query
    return {k: v for k, v in SERVER_TIMEOUTS.items() if k not in given}


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, also in its URI form (`sqlite:///file:x.db?mode=ro&uri=true`);
    None in memory."""
    database = make_url(url).database or ""
    path = database.removeprefix("file:").split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


# Why a database can't take a write: SQLite's primary result codes, PostgreSQL's SQLSTATEs,
# and the operating system's errors, each with a few words for the log.
_SQLITE = {8: "read-only", 10: "disk I/O error", 13: "disk full"}
_POSTGRESQL = {"25006": "read-only transaction", "53100": "disk full", "58030": "I/O error"}
_OS = {errno.ENOSPC: "disk full", errno.EROFS: "read-only file system", errno.EDQUOT: "quota"}
_WORDS = {
    "readonly database": "read-only",
    "database or disk is full": "disk full",
    "disk i/o error": "disk I/O error",
}


def storage_error(exc: BaseException) -> StorageUnavailable | None:
    """`StorageUnavailable` if `exc` says the database or its disk can't take a write now
    (read-only, full, failing), else None. Looks through SQLAlchemy's wrapper to the driver's."""
    orig = getattr(exc, "orig", None) or exc
    reason = None
    if isinstance(orig, OSError):
        reason = _OS.get(orig.errno or 0)
    code = getattr(orig, "sqlite_errorcode", None)
    if reason is None and isinstance(code, int):
        reason = _SQLITE.get(code & 0xFF)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if reason is None and isinstance(state, str):
        reason = _POSTGRESQL.get(state)
    text = str(orig).lower()
    reason = reason or next((why for words, why in _WORDS.items() if words in text), None)
    return StorageUnavailable(f"the database can't take a write: {reason}") if reason else None


def _storage_faults(context: ExceptionContext) -> None:
    # Raised in place of SQLAlchemy's error; the transaction still rolls back whole.
    fault = storage_error(context.original_exception)
    if fault is not None:
        raise fault from context.original_exception


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` (SQLAlchemy's or the driver's) says the PostgreSQL server can't be
    reached: no connection could be made, or the one in use was lost (a server shutting
    down or restarting, SQLSTATE classes 08 and 57P)."""
    orig = getattr(exc, "orig", None) or exc
    if type(orig).__name__ != "OperationalError" and not isinstance(exc, OperationalError):
        return False
    state = getattr(orig, "sqlstate", None)
    return state is None or state.startswith(("08", "57P"))


def _unreachable(context: ExceptionContext) -> None:
    # Said as a plain 503 by the app, never a 500; the transaction is rolled back whole.
    # A pooled connection that fails its pre-ping is the pool's to replace, not an error.
    if context.is_pre_ping:
        return
    if context.is_disconnect or unreachable(context.original_exception):
        raise DatabaseUnreachable(
            f"database unreachable: {type(context.original_exception).__name__}"
        ) from context.original_exception


def _sqlite_setup(engine: Engine, writer: bool) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy emits BEGIN itself (below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never wait for a writer; a crash mid-write leaves the last commit.
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock now, not at the first write.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _use_wal(cursor: Any, patience: float = 30.0) -> None:
    """Switch the file to WAL (the mode stays with the file).

    The switch needs the file to itself and SQLite doesn't wait for that, so workers starting
    together on a new file would fail with "database is locked": try again for a while.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _postgresql_writer_lock(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Held until commit or rollback, released too if the client dies (kill -9).
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creating it on an empty database).

    On a writer engine, workers starting together migrate one after the other: the later
    ones find the schema already current. A database already at the newest migration (every
    start but the first after an upgrade) is left as it is without loading alembic, which
    costs a server a fifth of its start-up.
    """
    heads = _heads()
    if len(heads) == 1 and _applied(engine) == heads:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# A migration's `revision = "0011"` and `down_revision = "0010"` lines, as alembic reads them.
_REVISION = re.compile(r"""^(down_)?revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)


def _heads() -> set[str]:
    """The newest migrations: those no other migration follows (one, unless branched)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (followed if down else revisions).add(value)
    return revisions - followed


def _applied(engine: Engine) -> set[str]:
    """The migrations the database records as applied (none in a new database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        return {str(row[0]) for row in rows}
