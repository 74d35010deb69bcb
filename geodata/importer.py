"""Bulk import of places: preview first, then all or nothing (the file is read by
`geodata.import_files`).

Rows match existing places on their external reference, so importing the same file again
changes nothing; a row without one that looks like a place we have waits for the person to
say what it is (`geodata.lookalikes`). Every row is checked like a staff edit; a bad row
stops the import, with its row number and reason, unless the person leaves the bad rows out.
At most one row may be a given place: two rows that would both change it stop the import too
(`Clash`), as one would undo the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geodata.lookalikes import Decision, Lookalike, LookalikeFinder, lookalike
from geodata.rows import PlaceRow
from geodata.store import PlaceStore
from geodata.validation import PlaceChecker
from locator.contact_details import PHONE_FIELDS
from locator.errors import PlaceInvalid
from locator.venues import Status

# Column names we accept for the external reference, best first.
REF_COLUMNS = ("external_ref", "ref", "venue_id", "id")
FIELDS = (
    "name", "kind", "category", "address", "postcode", "latitude", "longitude", "phone",
    "email", "website", "opening_hours", "accessibility_notes", "last_checked", "operator",
    "location_precision", "contact_name", "contact_email", "contact_phone",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based, as a spreadsheet numbers data rows under the header
    ref: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.ref or 'no reference'}): {self.reason}"


@dataclass(frozen=True, slots=True)
class Clash:
    """Rows of a file that would all change one place (a lookalike chosen "update" for a
    place another row updates, by its reference or as a lookalike too)."""

    rows: tuple[int, ...]  # 1-based data rows, as `RowError.row`
    place_id: str
    name: str  # the place's name as we have it now

    def __str__(self) -> str:
        # As Excel numbers the rows: the headings are row 1.
        shown = [str(r + 1) for r in self.rows]
        listed = f"{', '.join(shown[:-1])} and {shown[-1]}"
        if len(shown) == 2:
            return (
                f"Rows {listed} would both update {self.name}: choose one of them, "
                "or add one as a new place"
            )
        return (
            f"Rows {listed} would all update {self.name}: choose one of them, "
            "or add the others as new places"
        )


@dataclass(frozen=True, slots=True)
class PlannedRow:
    row: int
    ref: str
    action: str  # "add", "update" or "unchanged"
    fields: dict[str, Any]
    place_id: str | None = None
    version: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    name: str = ""  # the place's name as we have it now (the file's, for a new place)
    area_now: str | None = None  # the local authority of the place we have (None: a new one)


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until `PlaceStore.apply_import`."""

    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # New rows that look like a place we have (or an earlier row), each as decided: one
    # updating a place is in `rows` as an update, one added as an add, the others left out.
    lookalikes: list[Lookalike] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def planned(self, action: str) -> list[PlannedRow]:
        """The rows that would be added, updated or left unchanged, in file order."""
        return [r for r in self.rows if r.action == action]

    @property
    def ok(self) -> bool:
        return not self.errors

    def clashes(self) -> list[Clash]:
        """Places more than one row would update (or keep as it is), in file order: such a
        plan can't be imported until the person chooses which row is the place."""
        by_place: dict[str, list[PlannedRow]] = {}
        for planned in self.rows:
            if planned.place_id is not None:
                by_place.setdefault(planned.place_id, []).append(planned)
        return [
            Clash(tuple(r.row for r in rows), place_id, rows[0].name)
            for place_id, rows in by_place.items()
            if len(rows) > 1
        ]

    def undecided(self) -> list[Lookalike]:
        """Lookalikes the person has not decided on yet (left out until they do)."""
        return [k for k in self.lookalikes if k.decision is Decision.UNDECIDED]

    def errors_digest(self) -> str:
        """Which rows have errors: "import the good rows" leaves out exactly these."""
        rows = json.dumps(sorted(e.row for e in self.errors))
        return hashlib.sha256(rows.encode()).hexdigest()[:32]

    def without_errors(self) -> ImportPlan:
        """The good rows only, to import with the bad ones left out."""
        return ImportPlan(list(self.rows), [], list(self.lookalikes))

    def digest(self, choices: str = "") -> str:
        """A fingerprint of what this plan would do: each row's action and its changes, from
        what we have now to what the file says, and the person's `choices` that made it (the
        columns matched). A confirm whose plan has a different one would do something the
        person did not see in the preview. A place's version is left out: an edit to a field
        the file leaves as it is changes nothing the preview showed."""
        what = [(r.row, r.action, r.place_id, sorted(r.changes.items())) for r in self.rows]
        text = json.dumps([choices, what], default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def summary(self) -> str:
        return (
            f"{self.count('add')} to add, {self.count('update')} to update, "
            f"{self.count('unchanged')} unchanged, {len(self.errors)} with errors"
        )


def plan_import(
    rows: Iterable[dict[str, Any]],
    store: PlaceStore,
    checker: PlaceChecker,
    progress: Callable[[int], object] = lambda n: None,
    decisions: Mapping[int, Decision] | None = None,
) -> ImportPlan:
    """Check every row and work out what importing it would do.

    A new row that looks like a place we have, or like an earlier row (`geodata.lookalikes`),
    is done as `decisions` (by row) says, and left out until it says."""
    decisions = decisions or {}
    places = store.rows()
    existing = {r.external_ref: r for r in places if r.external_ref}
    by_id = {r.id: r for r in places}
    finder = LookalikeFinder(r for r in places if r.status != Status.REMOVED.value)
    plan = ImportPlan()
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=1):
        progress(1)
        # A row with no reference is a new place (its id becomes its reference); one that
        # looks like a place we have is caught by `geodata.lookalikes`.
        ref = str(next((raw[c] for c in REF_COLUMNS if raw.get(c)), ""))
        if ref in seen:
            plan.errors.append(RowError(number, ref, "this reference is used by an earlier row"))
            continue
        if ref:
            seen.add(ref)
        current = existing.get(ref)
        try:
            fields = _checked(raw, checker, partial=current is not None)
        except PlaceInvalid as exc:
            reasons = "; ".join(
                _reason(k, v, raw.get(k)) for k, v in sorted(exc.field_errors.items())
            )
            plan.errors.append(RowError(number, ref, reasons))
            continue
        if current is None:
            found = finder.check(
                number, fields["name"], fields.get("postcode"),
                fields.get("longitude"), fields.get("latitude"),
            )  # fmt: skip
            if found is not None:
                decided = decisions.get(number, Decision.UNDECIDED)
                look = lookalike(number, fields["name"], fields.get("postcode"), found, decided)
                plan.lookalikes.append(look)
                if look.decision is Decision.UPDATE and look.place_id in by_id:
                    current = by_id[look.place_id]
                elif look.decision is not Decision.ADD:
                    continue  # left out, as chosen or until chosen
        if current is None:
            given = {"external_ref": ref} if ref else {}
            plan.rows.append(PlannedRow(number, ref, "add", fields | given, name=fields["name"]))
        else:
            plan.rows.append(_update(number, ref, _only_given(fields, raw, current), current))
    return plan


def _checked(raw: dict[str, Any], checker: PlaceChecker, *, partial: bool) -> dict[str, Any]:
    """A row's values checked like a staff edit (`PlaceInvalid` if any is wrong). A place we
    already have (`partial`) needs only the columns the file gives to be right."""
    data = {k: raw[k] for k in FIELDS if k in raw}
    if raw.get("outside_area_override"):
        data["outside_area_override"] = str(raw["outside_area_override"]).lower() in (
            "true", "yes", "1",
        )  # fmt: skip
    fields = checker.check(data, partial=partial)
    fields.setdefault("address", str(raw.get("address", "")))
    if raw.get("operator"):
        fields["operator"] = str(raw["operator"])
    return fields


def _update(number: int, ref: str, fields: dict[str, Any], current: PlaceRow) -> PlannedRow:
    changes = _diff(current, fields)
    action = "update" if changes else "unchanged"
    return PlannedRow(
        number, ref, action, fields, current.id, current.version, changes, current.name,
        current.local_authority_code,
    )  # fmt: skip


def _reason(field: str, message: str, cell: object) -> str:
    """A field's problem, quoting the cell when the message doesn't already."""
    name = field.replace("_", " ")
    text = "" if cell is None else str(cell).strip()
    lost_zero = text.isdigit() and len(text) in (9, 10) and text[0] != "0"
    if field in PHONE_FIELDS and lost_zero:
        message += (
            " Excel takes the 0 off the start of a number: type it with a space "
            "(01629 533400), or format the column as Text."
        )
    # A cell too long to read at a glance is not quoted (the message says what is wrong).
    if not text or len(text) > 60 or f'"{text[:40]}' in message:
        return f"{name}: {message}"
    return f'{name} "{text}": {message}'


_LOCATION = ("latitude", "longitude", "location_precision", "local_authority_code")


def _only_given(fields: dict[str, Any], raw: dict[str, Any], row: PlaceRow) -> dict[str, Any]:
    """For an existing place: change only what the file gives. A missing column leaves the
    value alone, and a postcode that hasn't changed doesn't move a pin placed more exactly."""
    has_point = "latitude" in raw and "longitude" in raw
    moved = has_point or fields.get("postcode") != row.postcode
    return {
        k: v
        for k, v in fields.items()
        if (k in _LOCATION and moved) or (k not in _LOCATION and k in raw)
    }


def _diff(row: PlaceRow, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(row, k), v) for k, v in fields.items() if getattr(row, k) != v}
