"""Real storage faults for tests: a place database that stops taking writes, as a read-only
or full disk would make it, while the app keeps running.

Nothing here mocks the database: SQLite itself refuses each write (`PRAGMA query_only`:
SQLITE_READONLY; `PRAGMA max_page_count` at the file's size: SQLITE_FULL), and PostgreSQL
refuses it in a read-only transaction (`default_transaction_read_only`). The tests run as
root, so a chmod alone would not stop a write: a folder is made read-only or full with a real
mount (a read-only bind mount, a tiny tmpfs) where the tests may mount, and skipped where not.
"""

from __future__ import annotations

import errno
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from geodata.engine import sqlite_file
from geodata.store import PlaceStore


def small_pages(path: Path) -> str:
    """A new SQLite file with 1 KiB pages, as a URL: a place's record then never fits in one
    page, so with the file held at its size every new place needs a page it can't have."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA page_size=1024")
    raw.execute("VACUUM")
    raw.close()
    return f"sqlite:///{path}"


@contextmanager
def _on_connect(store: PlaceStore, setup: Callable[[Any], None]) -> Iterator[None]:
    """Every new connection of the store's writer runs `setup` (the pool starts again)."""

    def listener(dbapi_connection: Any, _record: Any) -> None:
        setup(dbapi_connection)

    event.listen(store.writer, "connect", listener)
    store.writer.dispose()
    try:
        yield
    finally:
        event.remove(store.writer, "connect", listener)
        store.writer.dispose()


@contextmanager
def read_only(store: PlaceStore) -> Iterator[None]:
    """The database refuses every write; reads go on (SQLite or PostgreSQL)."""
    if store.engine.dialect.name == "postgresql":
        with _postgres_read_only(store):
            yield
        return
    with _on_connect(store, lambda c: c.execute("PRAGMA query_only=1")):
        yield


@contextmanager
def disk_full(store: PlaceStore) -> Iterator[None]:
    """SQLite: the file may not grow past its size now, with no free pages inside it."""
    path = sqlite_file(str(store.engine.url))
    assert path is not None
    store.engine.dispose()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("VACUUM")  # no free pages left to reuse
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.close()
    with _on_connect(store, lambda c: c.execute(f"PRAGMA max_page_count={pages}")):
        yield


@contextmanager
def _postgres_read_only(store: PlaceStore) -> Iterator[None]:
    url = store.engine.url.set(drivername="postgresql")
    name = url.database

    def alter(sql: str) -> None:
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute("SET default_transaction_read_only = off")
            c.execute(sql)

    alter(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    # New connections only take it up: start both pools again.
    store.engine.dispose()
    store.writer.dispose()
    try:
        yield
    finally:
        alter(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        store.engine.dispose()
        store.writer.dispose()


def _mount(*args: str) -> None:
    r = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if r.returncode != 0:
        pytest.skip(f"this machine won't let the tests mount a file system: {r.stderr.strip()}")


@contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """`folder` on a read-only file system (EROFS), for as long as this lasts."""
    _mount("--bind", str(folder), str(folder))
    try:
        _mount("-o", "remount,bind,ro", str(folder))
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@contextmanager
def full_folder(folder: Path) -> Iterator[None]:
    """`folder` on a small file system with no space left (ENOSPC)."""
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder))
    try:
        with (folder / "filler").open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"x" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
