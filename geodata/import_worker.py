"""Imports checked and applied in a process of their own.

Reading and checking a file is Python (pandas, the place checker, GDAL) that holds the
interpreter lock for a second or more for a big file: on a thread of the web server every
public request would wait for it. In a child process, at a lower CPU priority, the server's
own process stays free (tests/api/staff_pages/test_import_latency.py). The child is started
on the first import and kept; a file that crashes it costs that import only.

Children come from a fork server: a clean interpreter (nothing copied from the web server's
threads) that has already imported what an import needs, so a new child starts in a moment.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from geodata.boundaries import load_service_area
from geodata.datasets import open_store
from geodata.editor import PlaceEditor
from geodata.gazetteer import Gazetteer
from geodata.uploads import Confirmed, ImportChoices, Matching, PendingImports, Preview
from geodata.validation import PlaceChecker
from locator.accounts import StaffUser
from locator.errors import DataError
from locator.settings import ServiceSettings

# Well below the web server (0): a CPU-bound import gets about a tenth of a core that
# public requests also want, and all of an idle one.
IMPORT_NICENESS = 10
# Imported once by the fork server, not again by each child.
_PRELOAD = ["geodata.import_worker"]

# The child's own editor, made once when it starts (`_start`).
_editor: PlaceEditor | None = None


def _start(settings: ServiceSettings, server_pid: int) -> None:
    """In the child: what checking a place needs (the gazetteer, the service area) and the
    place database, opened once."""
    global _editor
    threading.Thread(
        target=_end_with, args=(server_pid,), name="end-with-server", daemon=True
    ).start()
    # Below the web server's priority: on a busy machine the public requests get the CPU
    # first, and an import just takes a little longer.
    os.nice(IMPORT_NICENESS)
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    area = load_service_area(data.path(data.boundaries_file), data.cache_dir)
    _editor = PlaceEditor(open_store(settings), PlaceChecker(gazetteer, area))


def _end_with(server_pid: int, every_s: float = 1.0) -> None:
    """In the child: end when the server process that started it has gone.

    The child holds both ends of its job queue, so a server killed outright (kill -9, the
    out-of-memory killer, a worker the supervisor replaces) would leave it waiting forever,
    holding the postcodes in memory. Its parent is the fork server, which ends with the
    server: a new parent, or no server, means nobody will send it work again.
    """
    parent = os.getppid()
    while True:
        time.sleep(every_s)
        if os.getppid() != parent or not _running(server_pid):
            os._exit(0)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process has the number: ours has gone
        return False
    return True


def _child_editor() -> PlaceEditor:
    assert _editor is not None, "the import process was not started with _start"
    return _editor


def _upload(
    pending: PendingImports, user: StaffUser, content: bytes, upload_id: str
) -> Matching | Preview:
    return pending.upload(_child_editor(), user, content, upload_id)


def _preview(
    pending: PendingImports, user: StaffUser, upload_id: str, choices: ImportChoices
) -> Matching | Preview | None:
    return pending.preview(_child_editor(), user, upload_id, choices)


def _matching(pending: PendingImports, upload_id: str, choices: ImportChoices) -> Matching | None:
    return pending.matching(upload_id, choices)


def _confirm(
    pending: PendingImports, user: StaffUser, upload_id: str, seen: str, choices: ImportChoices
) -> Confirmed | None:
    return pending.confirm(_child_editor(), user, upload_id, seen, choices)


def _ready() -> bool:
    return _editor is not None


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


class ImportWorker:
    """`PendingImports.upload`, `preview` and `confirm`, run in the import process. Each call
    blocks until the child answers: call it from a thread (the route's import limiter)."""

    def __init__(
        self,
        settings: ServiceSettings,
        pending: PendingImports,
        changed: Callable[[], object] = lambda: None,
    ) -> None:
        self.settings = settings
        self.pending = pending
        # Told after an import is applied: the child wrote it, this process serves it.
        self._changed = changed
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def upload(self, user: StaffUser, content: bytes, suffix: str) -> Matching | Preview:
        upload_id = self.pending.new_id(suffix)
        result = self._run(upload_id, _upload, user, content, upload_id)
        assert isinstance(result, Matching | Preview)
        return result

    def preview(
        self, user: StaffUser, upload_id: str, choices: ImportChoices
    ) -> Matching | Preview | None:
        result = self._run(upload_id, _preview, user, upload_id, choices)
        assert result is None or isinstance(result, Matching | Preview)
        return result

    def matching(self, user: StaffUser, upload_id: str, choices: ImportChoices) -> Matching | None:
        """The matching step again (``user`` may import: the route checked)."""
        result = self._run(upload_id, _matching, upload_id, choices)
        assert result is None or isinstance(result, Matching)
        return result

    def confirm(
        self, user: StaffUser, upload_id: str, seen: str, choices: ImportChoices
    ) -> Confirmed | None:
        result = self._run(upload_id, _confirm, user, upload_id, seen, choices)
        assert result is None or isinstance(result, Confirmed)
        if result is not None:
            self._changed()
        return result

    def warm(self) -> None:
        """Start the import process now (it loads the postcodes), so the first import of a
        running service doesn't wait seconds for it. Blocks: call it from a thread."""
        try:
            pool = self._started()
            pool.submit(_ready).result()
        except BrokenProcessPool:  # it could not start (the database away, say)
            self._forget(pool)  # the next import starts another
        except RuntimeError:  # closed meanwhile (BrokenProcessPool is one too: first, above)
            return

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._closed = True  # a warm-up still under way must not start another
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, upload_id: str, job: object, *args: object) -> object:
        pool = self._started()
        try:
            return pool.submit(job, self.pending, *args).result()  # type: ignore[arg-type]
        except BrokenProcessPool:
            # The child died (a file that crashed the reader, or it was killed): start a
            # new one for the next import.
            self._forget(pool)
            self.pending.cancel(upload_id)  # the child can't delete it now
            raise DataError(
                "This file could not be checked: reading it stopped the checker. "
                "Check the file opens in a spreadsheet or in QGIS, then try again."
            ) from None

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the import process was closed with the service")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=_context(),
                    initializer=_start,
                    initargs=(self.settings, os.getpid()),
                )
            return self._pool
