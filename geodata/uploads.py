"""Files uploaded for an import, kept only between the upload and "Import these changes".

An upload goes through up to three steps: matching its columns to what they fill (skipped
for a file whose headings are our own names, like an export), the preview, and the confirm.
The person's choices (`ImportChoices`) are sent back with each step, and the file is read
again with them, so the confirm does exactly what the preview showed.

A file is kept while there is something to choose or import; it is deleted when the import
is confirmed or cancelled, and one left behind (nobody finished) is swept away once it is
older than `ImportSettings.upload_max_age_s`.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geodata.columns import Column, UnmatchedColumns, as_named, check_choices, rename, suggest
from geodata.editor import PlaceEditor
from geodata.import_files import Sheet, read_sheet
from geodata.importer import Clash, ImportPlan, PlannedRow, RowError
from geodata.lookalikes import Decision, Lookalike
from locator.accounts import StaffUser
from locator.settings import ImportSettings

SUFFIXES = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")
# What `_new_id` makes, and nothing else: an id from a form never names another file.
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(csv|xlsx|geojson|json|gpkg)$")


# How many rows of each kind (and rows with errors) a preview lists: a whole-county file
# stays readable.
SHOWN_ROWS = 300


@dataclass(frozen=True, slots=True)
class ImportChoices:
    """What the person chose on the way to the import, sent back with every step."""

    # What each column fills, in file order: a detail, LEAVE_OUT, or None (not chosen yet).
    # None for the whole: as the headings suggest (a file in our own form).
    columns: tuple[str | None, ...] | None = None
    # Rows that look like a place we have (or an earlier row): what to do with each, by row.
    lookalikes: tuple[tuple[int, Decision], ...] = ()
    # "Import the good rows": the rows with errors the person saw (`ImportPlan.errors_digest`),
    # to leave out. Empty: rows with errors stop the import.
    leave_out_errors: str = ""

    def fingerprint(self, chosen: tuple[str | None, ...]) -> str:
        """The choices as they go into the plan's digest: other choices, another plan."""
        decided = [(row, d.value) for row, d in sorted(self.lookalikes)]
        return json.dumps([list(chosen), decided])


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
    errors_digest: str = (
        ""  # `ImportPlan.errors_digest`: the rows "import the good rows" leaves out
    )
    lookalikes: list[Lookalike] = field(default_factory=list)
    lookalike_count: int = 0
    # Places more than one row would update: nothing can be imported until the person
    # chooses which row is the place.
    clashes: list[Clash] = field(default_factory=list)

    @classmethod
    def of(cls, plan: ImportPlan, limit: int = SHOWN_ROWS, choices: str = "") -> ShownPlan:
        actions = ("add", "update", "unchanged")
        return cls(
            {a: plan.count(a) for a in actions},
            {a: plan.planned(a)[:limit] for a in actions},
            plan.errors[:limit],
            len(plan.errors),
            plan.digest(choices),
            plan.errors_digest(),
            plan.lookalikes[:limit],
            len(plan.lookalikes),
            plan.clashes(),
        )

    @property
    def undecided(self) -> int:
        return sum(1 for k in self.lookalikes if k.decision is Decision.UNDECIDED)

    def count(self, action: str) -> int:
        return self.counts.get(action, 0)

    def planned(self, action: str) -> list[PlannedRow]:
        """The first rows to add, update or leave unchanged, in file order."""
        return self.rows.get(action, [])


@dataclass(frozen=True, slots=True)
class Preview:
    plan: ShownPlan
    upload_id: str | None  # None: nothing to confirm, so nothing was kept
    columns: tuple[Column, ...] = ()  # the file's columns, and what each fills:
    chosen: tuple[str | None, ...] = ()  # as chosen, for the next step's form


@dataclass(frozen=True, slots=True)
class Matching:
    """The step before the preview: what each column of the file will fill."""

    upload_id: str
    columns: tuple[Column, ...]
    chosen: tuple[str | None, ...]  # what each column fills now (None: still to choose)
    problems: dict[int, str]  # by column number: what to do (empty before any choice)

    def summary(self) -> list[tuple[int, str]]:
        """Each problem once, with the first column it is about (for the error summary)."""
        first: dict[str, int] = {}
        for number, problem in self.problems.items():
            first.setdefault(problem, number)
        return [(number, problem) for problem, number in first.items()]


@dataclass(frozen=True, slots=True)
class Confirmed:
    plan: ShownPlan
    applied: int | None  # None: nothing was imported (see `changed`, or the plan's errors)
    # The places changed since the preview, so the plan did too: the file is kept for the
    # person to read the new preview and confirm that one.
    changed: bool = False
    columns: tuple[Column, ...] = ()  # as for `Preview`: the new preview's forms need them
    chosen: tuple[str | None, ...] = ()


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

    def upload(
        self, editor: PlaceEditor, user: StaffUser, content: bytes, upload_id: str
    ) -> Matching | Preview:
        """Read a new file, stored as `upload_id` (from `new_id`): the matching step for its
        columns, or (headed in our own names) straight to its preview. A file that can't be
        read raises `DataError` (not kept)."""
        if not _UPLOAD_ID.match(upload_id):
            raise ValueError("not an upload id made by new_id")
        self.sweep()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / upload_id
        path.write_bytes(content)
        try:
            sheet = read_sheet(path, self.limits)
            if not as_named(sheet.headings):
                columns = tuple(sheet.columns())
                return Matching(upload_id, columns, tuple(c.suggested for c in columns), {})
            return self._preview(editor, user, path, sheet, ImportChoices())
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def preview(
        self, editor: PlaceEditor, user: StaffUser, upload_id: str, choices: ImportChoices
    ) -> Matching | Preview | None:
        """The preview of a stored file with these choices (or the matching step again,
        saying which columns still need a choice); None if the file has gone."""
        path = self._path(upload_id)
        if path is None:
            return None
        return self._preview(editor, user, path, read_sheet(path, self.limits), choices)

    def _preview(
        self, editor: PlaceEditor, user: StaffUser, path: Path, sheet: Sheet, choices: ImportChoices
    ) -> Matching | Preview:
        chosen = _chosen(sheet, choices)
        columns = tuple(sheet.columns())
        try:
            plan = self._plan(editor, user, sheet, chosen, choices)
        except UnmatchedColumns as exc:
            return Matching(path.name, columns, chosen, exc.problems)
        shown = ShownPlan.of(plan, choices=choices.fingerprint(chosen))
        if (
            not plan.errors
            and not plan.lookalikes
            and not (plan.count("add") + plan.count("update"))
        ):
            path.unlink(missing_ok=True)  # nothing to import: nothing to keep
            return Preview(shown, None, columns, chosen)
        return Preview(shown, path.name, columns, chosen)

    def matching(self, upload_id: str, choices: ImportChoices) -> Matching | None:
        """The matching step again for a stored file, as chosen so far; None if it has gone."""
        path = self._path(upload_id)
        if path is None:
            return None
        sheet = read_sheet(path, self.limits)
        return Matching(path.name, tuple(sheet.columns()), _chosen(sheet, choices), {})

    def confirm(
        self,
        editor: PlaceEditor,
        user: StaffUser,
        upload_id: str,
        seen: str,
        choices: ImportChoices | None = None,
    ) -> Confirmed | None:
        """Check the file again and import it, all or nothing, if it would do what the
        preview the person saw (`seen`, its digest, made with the same choices) said; None
        if the file had gone.

        A place edited since the preview changes the plan: nothing is imported and the file
        is kept, for the new preview. So are rows with errors, to be fixed or left out, and
        rows that would update one place, to choose between.
        Otherwise the file is deleted whatever happens.
        """
        path = self._path(upload_id)
        if path is None:
            return None
        keep = False
        try:
            sheet = read_sheet(path, self.limits)
            choices = choices or ImportChoices()
            chosen = _chosen(sheet, choices)
            plan = self._plan(editor, user, sheet, chosen, choices)
            shown = ShownPlan.of(plan, choices=choices.fingerprint(chosen))
            columns = tuple(sheet.columns())
            if plan.clashes():
                keep = True  # the preview again, saying which rows to choose between
                return Confirmed(shown, None, False, columns, chosen)
            if plan.errors:
                # The good rows only, if the person chose so for exactly these bad rows.
                if not choices.leave_out_errors or choices.leave_out_errors != plan.errors_digest():
                    keep = True
                    return Confirmed(shown, None, False, columns, chosen)
                plan = plan.without_errors()
            if shown.digest != seen:
                keep = True
                return Confirmed(shown, None, True, columns, chosen)
            return Confirmed(shown, editor.apply_import(user, plan))
        except UnmatchedColumns:
            keep = True  # a form that lost its choices: the preview shows them again
            raise
        finally:
            if not keep:
                path.unlink(missing_ok=True)

    @staticmethod
    def _plan(
        editor: PlaceEditor,
        user: StaffUser,
        sheet: Sheet,
        chosen: tuple[str | None, ...],
        choices: ImportChoices,
    ) -> ImportPlan:
        rows = rename(sheet.rows, check_choices(sheet.headings, chosen))
        return editor.plan_import(user, rows, decisions=dict(choices.lookalikes))

    def cancel(self, upload_id: str) -> bool:
        """Delete an upload nobody will confirm; False if it had gone already."""
        path = self._path(upload_id)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def path(self, upload_id: str) -> Path | None:
        """The stored file of an upload still waiting, or None."""
        return self._path(upload_id)

    def _path(self, upload_id: str) -> Path | None:
        if not _UPLOAD_ID.match(upload_id):
            return None
        path = self.folder / upload_id
        return path if path.is_file() else None


def _chosen(sheet: Sheet, choices: ImportChoices) -> tuple[str | None, ...]:
    """What each column fills: as chosen, or as its heading suggests."""
    if choices.columns is None or len(choices.columns) != len(sheet.headings):
        return tuple(suggest(sheet.headings))
    return choices.columns
