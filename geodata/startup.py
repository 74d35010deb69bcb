"""Can the service start? The data files and the database, checked before a server starts
(so a problem is a sentence, not a traceback from inside it); and any start-up failure said
in one plain line, for the command line and for the app's start-up alike.
"""

from __future__ import annotations

import os

from sqlalchemy import delete, insert, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from geodata.engine import sqlite_file
from geodata.extras import MissingExtra
from geodata.rows import MetaRow
from geodata.store import PlaceStore
from locator.errors import DatabaseUnreachable, DataError, StorageUnavailable
from locator.settings import DataSettings, ServiceSettings

_SET_DATA_DIR = "Set SAFEPLACES_DATA_DIR to the folder with the open data (see the README)."


def check_can_start(settings: ServiceSettings) -> None:
    """Raise what would stop the service starting: a missing data folder or file, or a
    database that can't be opened, brought up to date or written. Nothing is loaded (the
    app does that) and nothing is left changed, except a new database's schema."""
    data = settings.data
    if not data.dir.is_dir():
        raise DataError(f"there is no data folder at {data.dir}. {_SET_DATA_DIR}")
    _need(data, (data.postcodes_file, data.places_file, data.boundaries_file))
    store = PlaceStore.open(settings.database)
    try:
        _try_a_write(store)
        first_start = store.data_version() == 0
    finally:
        store.engine.dispose()
        store.writer.dispose()
    if first_start:
        # The first start fills the database from these; later starts don't read them.
        _need(data, (data.venues_file, data.police_file))


def _need(data: DataSettings, names: tuple[str, ...]) -> None:
    for name in names:
        if not data.path(name).is_file():
            raise DataError(f"there is no {name} in {data.dir}. {_SET_DATA_DIR}")


def _try_a_write(store: PlaceStore) -> None:
    """A write that is rolled back: a read-only database says so now, not at the first edit
    (`StorageUnavailable`, from the writer engine)."""
    with store.writer.connect() as connection, connection.begin() as transaction:
        connection.execute(insert(MetaRow).values(key="start-up write check", value=""))
        connection.execute(delete(MetaRow).where(MetaRow.key == "start-up write check"))
        transaction.rollback()


def start_up_problem(exc: BaseException, database_url: str) -> str | None:
    """`exc` as one plain line, if it is a start-up problem we can name; else None (a bug:
    let it show in full)."""
    where = _where(database_url)
    if isinstance(exc, MissingExtra):
        return str(exc)
    if isinstance(exc, DatabaseUnreachable) and exc.__cause__ is not None:
        return f"The database ({where}) can't be reached: {_first_line(exc.__cause__)}"
    if isinstance(exc, DataError):
        return f"The data could not be loaded: {_first_line(exc)}"
    if isinstance(exc, StorageUnavailable):
        return (
            f"The database ({where}) can't be written: it is read-only, or its disk is full "
            "or failing."
        )
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return f"SAFEPLACES_DATABASE_URL is not a database address we can use: {_first_line(exc)}"
    if isinstance(exc, DBAPIError):
        line = f"The database ({where}) can't be opened: {_first_line(exc.orig or exc)}"
        return line + _read_only_folder(database_url)
    if isinstance(exc, SQLAlchemyError):
        return f"The database ({where}) can't be used: {_first_line(exc)}"
    if isinstance(exc, OSError):
        what = f" ({exc.filename})" if exc.filename else ""
        return f"A file or folder{what} can't be used: {exc.strerror or exc}."
    if type(exc).__module__.startswith("alembic"):
        return f"The database ({where}) can't be brought up to date: {_first_line(exc)}"
    return None


def _read_only_folder(database_url: str) -> str:
    """SQLite says only "unable to open": a folder it can't write (for its journal) is why."""
    path = sqlite_file(database_url) if database_url.startswith("sqlite") else None
    folder = path.parent if path is not None else None
    if folder is not None and folder.is_dir() and not os.access(folder, os.W_OK):
        return f" (the folder {folder} is read-only)"
    return ""


def _where(database_url: str) -> str:
    """The database, as the operator set it, without its password."""
    try:
        path = sqlite_file(database_url) if database_url.startswith("sqlite") else None
        return str(path) if path else make_url(database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "SAFEPLACES_DATABASE_URL"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
