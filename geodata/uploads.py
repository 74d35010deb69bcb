"""Files uploaded for an import, kept only between the preview and "Import these changes".

A file is stored only when its preview has something to import; it is deleted when that
preview is confirmed or cancelled, and one left behind (a preview nobody finished) is swept
away once it is older than `ImportSettings.upload_max_age_s`.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geodata.editor import PlaceEditor
from geodata.importer import ImportPlan, PlannedRow, RowError, read_table
from locator.accounts import StaffUser
from locator.settings import ImportSettings

SUFFIXES = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")
# What `_new_id` makes, and nothing else: an id from a form never names another file.
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(csv|xlsx|geojson|json|gpkg)$")


# How many rows of each kind (and rows with errors) a preview lists: a whole-county file
# stays readable.
SHOWN_ROWS = 300


@dataclass(frozen=True, slots=True)
class ShownPlan:
    """What a preview shows of an `ImportPlan`: every count, and the first rows of each kind.
    (A whole plan of 20,000 rows took longer to pass back from the import process than to
    make, holding up the web server while it was unpacked.)"""

    counts: dict[str, int]
    rows: dict[str, list[PlannedRow]]
    errors: list[RowError]
    error_count: int
    digest: str  # `ImportPlan.digest`: what the person saw, sent back with the confirm

    @classmethod
    def of(cls, plan: ImportPlan, limit: int = SHOWN_ROWS) -> ShownPlan:
        actions = ("add", "update", "unchanged")
        return cls(
            {a: plan.count(a) for a in actions},
            {a: plan.planned(a)[:limit] for a in actions},
            plan.errors[:limit],
            len(plan.errors),
            plan.digest(),
        )

    def count(self, action: str) -> int:
        return self.counts.get(action, 0)

    def planned(self, action: str) -> list[PlannedRow]:
        """The first rows to add, update or leave unchanged, in file order."""
        return self.rows.get(action, [])


@dataclass(frozen=True, slots=True)
class Preview:
    plan: ShownPlan
    upload_id: str | None  # None: nothing to confirm, so nothing was kept


@dataclass(frozen=True, slots=True)
class Confirmed:
    plan: ShownPlan
    applied: int | None  # None: nothing was imported (see `changed`, or the plan's errors)
    # The places changed since the preview, so the plan did too: the file is kept for the
    # person to read the new preview and confirm that one.
    changed: bool = False


class PendingImports:
    """Preview, confirm and cancel an uploaded import file; the folder holds only files
    waiting to be confirmed."""

    def __init__(
        self, folder: Path, limits: ImportSettings, clock: Callable[[], float] = time.time
    ) -> None:
        self.folder = folder
        self.limits = limits
        self.clock = clock

    def sweep(self) -> int:
        """Delete uploads older than the limit (abandoned previews); returns how many."""
        if not self.folder.is_dir():
            return 0
        oldest = self.clock() - self.limits.upload_max_age_s
        gone = 0
        for path in self.folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < oldest:
                    path.unlink()
                    gone += 1
            except FileNotFoundError:  # another worker swept it first
                continue
        return gone

    @staticmethod
    def new_id(suffix: str) -> str:
        """A name for a new upload: random, so one staff member can't guess another's."""
        if suffix not in SUFFIXES:
            raise ValueError(f"not an import file suffix: {suffix}")
        return secrets.token_urlsafe(16) + suffix

    def preview(
        self, editor: PlaceEditor, user: StaffUser, content: bytes, upload_id: str
    ) -> Preview:
        """Check a new file, stored as `upload_id` (from `new_id`); keep it only if there is
        something to confirm. A file that can't be read raises `DataError` (not kept)."""
        if not _UPLOAD_ID.match(upload_id):
            raise ValueError("not an upload id made by new_id")
        self.sweep()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / upload_id
        path.write_bytes(content)
        try:
            plan = editor.plan_import(user, read_table(path, self.limits))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if plan.errors or not (plan.count("add") + plan.count("update")):
            path.unlink(missing_ok=True)
            return Preview(ShownPlan.of(plan), None)
        return Preview(ShownPlan.of(plan), upload_id)

    def confirm(
        self, editor: PlaceEditor, user: StaffUser, upload_id: str, seen: str
    ) -> Confirmed | None:
        """Check the file again and import it, all or nothing, if it would do what the
        preview the person saw (`seen`, its digest) said; None if the file had gone.

        A place edited since the preview changes the plan: nothing is imported and the file
        is kept, for the new preview. Otherwise the file is deleted whatever happens.
        """
        path = self._path(upload_id)
        if path is None:
            return None
        keep = False
        try:
            plan = editor.plan_import(user, read_table(path, self.limits))
            if plan.errors:
                return Confirmed(ShownPlan.of(plan), None)
            if plan.digest() != seen:
                keep = True
                return Confirmed(ShownPlan.of(plan), None, changed=True)
            return Confirmed(ShownPlan.of(plan), editor.apply_import(user, plan))
        finally:
            if not keep:
                path.unlink(missing_ok=True)

    def cancel(self, upload_id: str) -> bool:
        """Delete an upload nobody will confirm; False if it had gone already."""
        path = self._path(upload_id)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def _path(self, upload_id: str) -> Path | None:
        if not _UPLOAD_ID.match(upload_id):
            return None
        path = self.folder / upload_id
        return path if path.is_file() else None
