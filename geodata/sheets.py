"""Spreadsheets as Excel saves them: CSV in any of its Excel forms, and .xlsx workbooks.

Excel's "CSV UTF-8" starts with a byte-order mark; its plain "CSV" is Windows-1252; on a PC
set to a European locale the cells are separated by ``;``, and "Unicode Text" is tab-separated
UTF-16. Each is read here into the same thing: the headings and a dict a row, cells as text
(blank cells left out by the importer). Anything else is refused with a `DataError` in words.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from locator.errors import DataError

NOT_CSV = "This file is not a CSV file we can read: "
NOT_XLSX = "This file is not an Excel file we can read: "
# More columns than any places file has (ours has about 20): a sheet with thousands of empty
# formatted columns is read only this far.
MAX_COLUMNS = 100
# A workbook is compressed: what it unpacks to is limited too, so a small file can't fill
# the memory (a "zip bomb"). Text compresses about tenfold; this allows four times more.
UNPACKED_PER_BYTE = 40
_ZIP_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", ";", "\t")


Sheet = tuple[list[str], list[dict[str, Any]]]  # the headings, and each row by heading


def csv_rows(path: Path, max_rows: int) -> Sheet:
    """The headings and rows of a CSV file, at most ``max_rows + 1`` rows."""
    import pandas as pd

    data = path.read_bytes()
    if data.startswith(_ZIP_MAGIC):
        raise DataError(
            NOT_CSV + "it is an Excel workbook with a .csv name. Rename it to end in .xlsx, "
            "or in Excel choose Save As and pick CSV UTF-8."
        )
    text = _text(data)
    if not text.strip():
        raise DataError(NOT_CSV + "it has no rows.")
    delimiter = _delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, nrows=max_rows + 1
        )
    except pd.errors.EmptyDataError:
        raise DataError(NOT_CSV + "it has no rows.") from None
    except pd.errors.ParserError as exc:
        raise DataError(NOT_CSV + _csv_problem(str(exc))) from None
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    return [str(c) for c in frame.columns], records


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text": UTF-16
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(NOT_CSV + "it is not text (save it as CSV UTF-8).") from None
    if b"\x00" in data:
        raise DataError(NOT_CSV + "it is not text (save it from Excel as CSV UTF-8).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV (Comma delimited)" is Windows-1252, not UTF-8 ("Café").
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise DataError(NOT_CSV + "it is not text (save it as CSV UTF-8).") from None


def _delimiter(text: str) -> str:
    """The separator the header line uses most: a comma, a semicolon or a tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        cells = {d: len(next(csv.reader([first], delimiter=d))) for d in _DELIMITERS}
    except csv.Error:
        return ","
    best = max(_DELIMITERS, key=lambda d: cells[d])
    return best if cells[best] > 1 else ","


def _csv_problem(message: str) -> str:
    """pandas' tokenizer error, in words (it names the line and the number of cells)."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        wanted, line, saw = found.groups()
        return f"line {line} has {saw} cells but the header has {wanted}."
    return "its rows are not separated cells (is it a spreadsheet file?)."


def xlsx_rows(path: Path, max_rows: int, max_bytes: int) -> Sheet:
    """The headings (its first row) and rows of an .xlsx workbook's first sheet, at most
    ``max_rows + 1`` rows. Blank rows are skipped, as Excel's own CSV export leaves them."""
    from openpyxl import load_workbook  # only an .xlsx import needs it

    _check_workbook(path, max_bytes)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise DataError(NOT_XLSX + "it is damaged, or not a workbook.") from None
    try:
        if not book.worksheets:
            raise DataError(NOT_XLSX + "it has no sheets.")
        sheet = book.worksheets[0]
        lines = (
            row
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            if any(_cell(v) for v in row)
        )
        header = next(lines, None)
        if header is None:
            raise DataError(NOT_XLSX + "its first sheet is empty.")
        headings = _headings([_cell(v) for v in header])
        records: list[dict[str, Any]] = []
        for row in lines:
            if len(records) > max_rows:
                break
            cells = [_cell(v) for v in row[: len(headings)]]
            if any(c for c in row[len(headings) :] if _cell(c)):
                raise DataError(
                    NOT_XLSX + f"row {len(records) + 2} has cells to the right of the headings. "
                    "Give every column a heading in the first row."
                )
            records.append(dict(zip(headings, cells, strict=False)))
    finally:
        book.close()
    return headings, records


def _headings(cells: list[str]) -> list[str]:
    """Headings for each column up to the last one named; a blank one is called by its
    place ("Column 3"), and a repeated one gets a number ("Phone (2)"), as a CSV's do."""
    while cells and not cells[-1]:
        cells.pop()
    out: list[str] = []
    for number, cell in enumerate(cells, start=1):
        heading = cell or f"Column {number}"
        if heading in out:
            heading = f"{heading} ({out.count(heading) + 2})"
        out.append(heading)
    return out


def _check_workbook(path: Path, max_bytes: int) -> None:
    if not zipfile.is_zipfile(path):
        if path.read_bytes()[:1000].isascii():
            raise DataError(
                NOT_XLSX + "it is text, not a workbook. If it is a CSV file, rename it to end in "
                ".csv."
            )
        raise DataError(NOT_XLSX + "it is damaged, or not a workbook.")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise DataError(NOT_XLSX + "it is damaged, or not a workbook.") from None
    if unpacked > max_bytes * UNPACKED_PER_BYTE:
        raise DataError(NOT_XLSX + "it unpacks to far more than a places file could hold.")


def _cell(value: object) -> str:
    """A cell as the text Excel shows for it: whole numbers without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()
