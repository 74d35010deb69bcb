"""Reading an import file: a CSV (as Excel saves it), an .xlsx workbook, a GeoJSON file or a
GeoPackage, into its headings and rows; then its columns as matched (`geodata.columns`).

Every file is checked before it is handed to a reader that could be fooled by it (GDAL is
never given anything but a whole GeoPackage or a FeatureCollection), and within limits.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodata.columns import LEAVE_OUT, Column, check_choices, describe, rename, suggest
from geodata.sheets import csv_rows, xlsx_rows
from geodata.spreadsheet import restore
from locator.errors import DataError
from locator.geo import WGS84
from locator.settings import ImportSettings


@dataclass(frozen=True, slots=True)
class Sheet:
    """A file's columns as they are headed in it, and its rows: cells by heading, blank
    cells left out (WGS84 coordinates)."""

    headings: list[str]
    rows: list[dict[str, Any]]

    def columns(self) -> list[Column]:
        return describe(self.headings, self.rows)


def read_table(
    path: Path,
    limits: ImportSettings | None = None,
    columns: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """The rows of a file keyed by the detail each cell fills: the columns as chosen (a detail
    or `LEAVE_OUT` for each, in file order), or as their headings suggest. A column still to
    choose, or two filling one detail, raises `UnmatchedColumns`."""
    sheet = read_sheet(path, limits)
    chosen = suggest(sheet.headings) if columns is None else columns
    return rename(sheet.rows, check_choices(sheet.headings, chosen))


def read_sheet(path: Path, limits: ImportSettings | None = None) -> Sheet:
    """A CSV, .xlsx, GeoJSON or GeoPackage file's headings and rows.

    A file that can't be read, or is over the limits, raises `DataError` saying why in plain
    words; no more than ``limits.max_rows + 1`` rows are ever read.
    """
    limits = limits or ImportSettings()
    if not path.is_file():
        raise DataError(f"There is no file at {path}.")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise DataError(
            "This is an older Excel file (.xls). In Excel choose Save As, and pick "
            "Excel Workbook (.xlsx) or CSV UTF-8."
        )
    if suffix not in _KINDS:
        raise DataError("Import a .csv, .xlsx, .geojson or .gpkg file.")
    kind = _KINDS[suffix]
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise DataError(f"The file is too big (at most {limits.size_words}).")
    if size == 0:
        article = "an" if kind[0] in "AEIOU" else "a"
        raise DataError(f"This file is not {article} {kind} we can read: it is empty.")
    if suffix in (".csv", ".xlsx"):
        if suffix == ".csv":
            headings, records = csv_rows(path, limits.max_rows)
        else:
            headings, records = xlsx_rows(path, limits.max_rows, limits.max_bytes)
        _check_row_count(len(records), limits.max_rows)
        _check_columns(headings, kind)
        # A CSV this service wrote has formula-like text neutralised: take that off again.
        return Sheet([h.strip() for h in headings], [_clean(r, restore) for r in records])
    if suffix == ".gpkg":
        _check_geopackage(path)
    else:
        _check_geojson(path)
    return _layer_rows(path, kind, limits.max_rows)


def _check_row_count(count: int, max_rows: int) -> None:
    """Called with what was read of at most ``max_rows + 1`` rows, before any is converted."""
    if count > max_rows:
        raise DataError(
            f"This file has more than {max_rows:,} rows: import at most "
            f"{max_rows:,} places at a time (split the file into smaller ones)."
        )


_KINDS = {".csv": "CSV file", ".xlsx": "Excel file", ".geojson": "GeoJSON file",
          ".json": "GeoJSON file", ".gpkg": "GeoPackage"}  # fmt: skip


def _check_columns(columns: Iterable[object], kind: str) -> None:
    """At least one heading we know: else the file's first line is data, not headings."""
    if any(t not in (None, LEAVE_OUT) for t in suggest([str(c).strip() for c in columns])):
        return
    if kind in ("CSV file", "Excel file"):
        raise DataError(
            f"This {kind} has no header row: its first line must name the columns, "
            "like Reference, Name, Type, Postcode."
        )
    raise DataError(f"This {kind} has none of the columns we need (name, type, postcode).")


def _check_geojson(path: Path) -> None:
    """A FeatureCollection, readable by Python's own JSON parser (GDAL's is less careful)."""
    not_ours = "This file is not a GeoJSON file we can read: "
    try:
        document = json.loads(path.read_bytes())
    except RecursionError:
        raise DataError(not_ours + "it is nested too deeply.") from None
    except ValueError as exc:  # also bad UTF-8
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise DataError(not_ours + f"it is not valid JSON{where}.") from None
    kind = document.get("type") if isinstance(document, dict) else None
    if kind != "FeatureCollection":
        shown = f"a {kind}, not" if isinstance(kind, str) and kind.isalnum() else "not"
        raise DataError(not_ours + f"it is {shown} a FeatureCollection of places.")
    if not isinstance(document.get("features"), list):
        raise DataError(not_ours + "its features are not a list.")


_SQLITE_MAGIC = b"SQLite format 3\x00"
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")


def _check_geopackage(path: Path) -> None:
    """An SQLite file, whole, marked as a GeoPackage: GDAL is never given anything else."""
    not_ours = "This file is not a GeoPackage we can read: "
    with path.open("rb") as file:
        header = file.read(100)
    if not header.startswith(_SQLITE_MAGIC):
        raise DataError(not_ours + "it is not an SQLite database (a GeoPackage is one).")
    if len(header) < 100 or header[68:72] not in _GPKG_IDS:
        raise DataError(not_ours + "it is an SQLite database but not a GeoPackage.")
    page_size = int.from_bytes(header[16:18], "big")
    pages = int.from_bytes(header[28:32], "big")
    if path.stat().st_size < (65536 if page_size == 1 else page_size) * pages:
        raise DataError(not_ours + "it is cut short (copy the whole file again).")
    try:
        # Read-only and immutable: nothing is written and no journal is looked for.
        with closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        ) as db:
            ok = db.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error:
        ok = None
    if not ok or ok[0] != "ok":
        raise DataError(not_ours + "it is damaged.")


def _layer_rows(path: Path, kind: str, max_rows: int) -> Sheet:
    import geopandas as gpd

    try:
        layer = gpd.read_file(path, rows=max_rows + 1)
    except (RuntimeError, ValueError, OSError):  # pyogrio's errors are RuntimeErrors
        raise DataError(f"This file is not a {kind} we can read: it could not be opened.") from None
    _check_row_count(len(layer), max_rows)
    if len(layer):
        _check_columns(layer.columns.drop("geometry"), kind)
    if layer.crs is None:
        raise DataError(f"This {kind} has no coordinate reference system.")
    layer = layer.to_crs(WGS84)
    headings = [str(c).strip() for c in layer.columns if c != "geometry"]
    # The points themselves, as the two columns a spreadsheet would have.
    headings += [c for c in ("longitude", "latitude") if c not in headings]
    rows = []
    for record, geom in zip(
        layer.drop(columns="geometry").to_dict(orient="records"), layer.geometry, strict=True
    ):
        row = _clean(record)
        if geom is not None and not geom.is_empty and geom.geom_type == "Point":
            row.setdefault("longitude", geom.x)
            row.setdefault("latitude", geom.y)
        rows.append(row)
    return Sheet(headings, rows)


def _clean(record: dict[Any, Any], cell: Callable[[Any], Any] = lambda v: v) -> dict[str, Any]:
    import pandas as pd

    out: dict[str, Any] = {}
    for key, value in record.items():
        name = str(key).strip()
        # Blank cells: None, NaN, or NaT/NA from a GIS file's date and number columns.
        if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
            continue
        if isinstance(value, pd.Timestamp):
            value = value.date()
        text = cell(value.strip()) if isinstance(value, str) else value
        if text != "":
            out.setdefault(name, text)
    return out
