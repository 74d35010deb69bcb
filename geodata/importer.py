"""Bulk import of places from CSV, GeoJSON or GeoPackage: preview first, then all or nothing.

Rows match existing places on their external reference, so importing the same file again
changes nothing. Every row is checked like a staff edit; any bad row stops the whole import,
with its row number and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata.rows import PlaceRow
from geodata.spreadsheet import restore
from geodata.store import PlaceStore
from geodata.validation import PlaceChecker
from locator.errors import DataError, PlaceInvalid
from locator.geo import WGS84

# Column names we accept for the external reference, best first.
REF_COLUMNS = ("external_ref", "ref", "venue_id", "id")
FIELDS = (
    "name", "kind", "category", "address", "postcode", "latitude", "longitude", "phone",
    "email", "website", "opening_hours", "accessibility_notes", "last_checked", "operator",
    "location_precision",
)  # fmt: skip
_TYPE_ALIASES = {"venue_type": "category", "type": "category", "hours": "opening_hours"}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based, as a spreadsheet numbers data rows under the header
    ref: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.ref or 'no reference'}): {self.reason}"


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

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def planned(self, action: str) -> list[PlannedRow]:
        """The rows that would be added, updated or left unchanged, in file order."""
        return [r for r in self.rows if r.action == action]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.count('add')} to add, {self.count('update')} to update, "
            f"{self.count('unchanged')} unchanged, {len(self.errors)} with errors"
        )


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV, GeoJSON or GeoPackage file as plain dicts (WGS84 coordinates)."""
    if not path.is_file():
        raise DataError(f"There is no file at {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            # Excel's plain "CSV (Comma delimited)" is Windows-1252, not UTF-8 ("Café").
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
        # A CSV this service wrote has formula-like text neutralised: take that off again.
        return [_clean(r, restore) for r in frame.to_dict(orient="records")]
    if suffix in (".geojson", ".json", ".gpkg"):
        layer = gpd.read_file(path)
        if layer.crs is None:
            raise DataError(f"{path.name} has no coordinate reference system.")
        layer = layer.to_crs(WGS84)
        rows = []
        for record, geom in zip(
            layer.drop(columns="geometry").to_dict(orient="records"),
            layer.geometry,
            strict=True,
        ):
            row = _clean(record)
            if geom is not None and not geom.is_empty and geom.geom_type == "Point":
                row.setdefault("longitude", geom.x)
                row.setdefault("latitude", geom.y)
            rows.append(row)
        return rows
    raise DataError("Import a .csv, .geojson or .gpkg file.")


def _clean(record: dict[Any, Any], cell: Callable[[Any], Any] = lambda v: v) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = _TYPE_ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        # Blank cells: None, NaN, or NaT/NA from a GIS file's date and number columns.
        if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
            continue
        if isinstance(value, pd.Timestamp):
            value = value.date()
        text = cell(value.strip()) if isinstance(value, str) else value
        if text != "":
            out.setdefault(name, text)
    return out


def plan_import(
    rows: Iterable[dict[str, Any]],
    store: PlaceStore,
    checker: PlaceChecker,
    progress: Callable[[int], object] = lambda n: None,
) -> ImportPlan:
    """Check every row and work out what importing it would do."""
    existing = {r.external_ref: r for r in store.rows() if r.external_ref}
    plan = ImportPlan()
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=1):
        progress(1)
        ref = str(next((raw[c] for c in REF_COLUMNS if raw.get(c)), ""))
        if not ref:
            plan.errors.append(RowError(number, "", "it has no reference (an external_ref)"))
            continue
        if ref in seen:
            plan.errors.append(RowError(number, ref, "this reference is used by an earlier row"))
            continue
        seen.add(ref)
        data = {k: raw[k] for k in FIELDS if k in raw}
        if raw.get("outside_area_override"):
            data["outside_area_override"] = str(raw["outside_area_override"]).lower() in (
                "true", "yes", "1",
            )  # fmt: skip
        current = existing.get(ref)
        try:
            # A place we already have needs only the columns the file gives to be right.
            fields = checker.check(data, partial=current is not None)
        except PlaceInvalid as exc:
            reasons = "; ".join(
                f"{k.replace('_', ' ')}: {v}" for k, v in sorted(exc.field_errors.items())
            )
            plan.errors.append(RowError(number, ref, reasons))
            continue
        fields.setdefault("address", str(raw.get("address", "")))
        if raw.get("operator"):
            fields["operator"] = str(raw["operator"])
        if current is None:
            plan.rows.append(
                PlannedRow(number, ref, "add", {**fields, "external_ref": ref}, name=fields["name"])
            )
            continue
        fields = _only_given(fields, raw, current)
        changes = _diff(current, fields)
        action = "update" if changes else "unchanged"
        plan.rows.append(
            PlannedRow(
                number,
                ref,
                action,
                fields,
                current.id,
                current.version,
                changes,
                current.name,
                current.local_authority_code,
            )  # fmt: skip
        )
    return plan


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
