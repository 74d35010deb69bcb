"""How each process learns that the place data changed, without a database read per request.

One `ChangeWatcher` per process, owned by the app. It knows the data version its index was
built from; when the database's moves on, it has a new index built (in its own thread: the
old one keeps serving until the new one is ready) and swapped in.

- PostgreSQL: a connection of its own LISTENs on `CHANNEL`; `PlaceStore.bump_version`
  NOTIFYs in the writing transaction, so every replica hears of an edit the moment it
  commits. A lost connection is made again with a growing wait, the version is checked at
  once on reconnecting, and a slow check (`ChangeSettings.backstop_s`) catches a
  notification lost in between.
- SQLite: the workers share one local file; each reads the version every
  `ChangeSettings.poll_s` (microseconds, in the background).
- In the process that made an edit, `PlaceStore.on_change` calls `check` at once: the
  officer's next page already has it.

`reachable` says whether the database answered the last time it was asked (`/readyz`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from geodata.rows import MetaRow
from geodata.store import CHANNEL, PlaceStore
from locator.errors import DatabaseUnreachable
from locator.settings import ChangeSettings

log = logging.getLogger(__name__)

# The version counter `PlaceStore.bump_version` moves, read with the driver directly (a few
# microseconds, where an ORM session costs over a hundred). Both backends take this text.
_VERSION_SQL = f"SELECT value FROM {MetaRow.__tablename__} WHERE key = 'data_version'"

# Waits between tries to reconnect to a PostgreSQL server that has gone, in seconds.
_BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)
# How long one wait for a notification lasts: the longest `stop` waits for the thread.
_WAKE_S = 0.5


def read_version(engine: Engine) -> int:
    """The database's data version now (0 before the first seed): what
    `PlaceStore.data_version` returns, through a pooled connection of `engine`."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_VERSION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        # Back to the pool, which rolls back on the way in (SQLAlchemy's default): a read
        # transaction the driver began ends, so the next read sees every commit since.
        connection.close()
    return int(row[0]) if row else 0


class ChangeWatcher:
    """Calls `reload(version)` whenever the database's data version passes `version`.

    `reload` builds and swaps in the new index; it runs in the watcher's thread, or in the
    thread of a write made in this process. One runs at a time.
    """

    def __init__(
        self,
        store: PlaceStore,
        reload: Callable[[int], None],
        version: int,
        settings: ChangeSettings,
    ) -> None:
        self.store = store
        self.settings = settings
        self.version = version
        self.reachable = True
        self._reload = reload
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def listens(self) -> bool:
        """Whether edits arrive by notification (PostgreSQL), not by polling (SQLite)."""
        return self.store.engine.dialect.name == "postgresql"

    def start(self) -> None:
        target = self._listen if self.listens else self._poll
        self._stop.clear()
        self._thread = threading.Thread(target=target, name="data-changes", daemon=True)
        self._thread.start()
        self.store.on_change(self.check)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def check(self) -> bool:
        """Read the version now and, if it has moved on, reload (in this thread). Returns
        whether the database answered."""
        try:
            version = read_version(self.store.engine)
        except Exception as exc:
            self._lost(exc)
            return False
        if not self.reachable:
            log.warning("the database answers again")
            self.reachable = True
        if version > self.version:
            with self._lock:
                if version > self.version:  # not already reloaded by another thread
                    self._reload(version)
                    self.version = version
        return True

    def _lost(self, exc: BaseException) -> None:
        if self.reachable:
            log.warning("the database can't be reached (%s): answering from memory", _why(exc))
        self.reachable = False

    def _poll(self) -> None:
        while not self._stop.wait(self.settings.poll_s):
            self._checked()

    def _checked(self) -> None:
        """`check`, and a reload that fails (the database went away half-way) is tried
        again at the next signal."""
        try:
            self.check()
        except (DatabaseUnreachable, OperationalError) as exc:
            self._lost(exc)
        except Exception:
            log.exception("the index could not be rebuilt: the one in use stays")

    def _listen(self) -> None:
        tries = 0
        while not self._stop.is_set():
            try:
                with _listening(self.store.engine) as connection:
                    tries = 0
                    self._checked()  # what changed while it wasn't listening
                    self._hear(connection)
            except Exception as exc:  # the driver's errors: connection refused, lost
                self._lost(exc)
                self._stop.wait(_BACKOFF[min(tries, len(_BACKOFF) - 1)])
                tries += 1

    def _hear(self, connection: Any) -> None:
        """Reload on each notification, and check every `backstop_s` anyway; raises when the
        connection is lost."""
        last = time.monotonic()
        while not self._stop.is_set():
            heard = any(True for _ in connection.notifies(timeout=_WAKE_S, stop_after=1))
            if heard:
                # Several edits in a row: one reload for the lot.
                while any(True for _ in connection.notifies(timeout=0.01, stop_after=1)):
                    pass
            if heard or time.monotonic() - last >= self.settings.backstop_s:
                self._checked()
                last = time.monotonic()


def _listening(engine: Engine) -> Any:
    """A connection of its own (not the pool's), listening on `CHANNEL`."""
    import psycopg  # only here: SQLite deployments need no PostgreSQL driver
    from psycopg.conninfo import make_conninfo

    from geodata.engine import server_timeouts

    url = engine.url.set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    conninfo = make_conninfo(conninfo, **server_timeouts(conninfo))
    connection = psycopg.connect(conninfo, autocommit=True)
    try:
        connection.execute(f"LISTEN {CHANNEL}")
    except BaseException:
        connection.close()
        raise
    return connection


def _why(exc: BaseException) -> str:
    """The error's first line (a server's, never a search: no request's data is in it)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
