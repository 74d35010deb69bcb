"""The staff list as a spreadsheet, for a mail merge: CSV that Excel opens right, and Excel
.xlsx. The same places as the list on screen (`geodata.place_list`), with plain headings,
areas by name, values in words and dates as dates."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from geodata.place_list import check_due
from geodata.rows import PlaceRow
from geodata.spreadsheet import neutralise
from locator.venues import check_overdue


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    field: str  # a place's field, or one of the worked-out ones below
    width: int = 18  # in Excel's characters


COLUMNS = (
    Column("Reference", "external_ref", 12),
    Column("Name", "name", 32),
    Column("Kind", "kind"),
    Column("What kind of place", "category"),
    Column("Status", "status", 12),
    Column("Address", "address", 36),
    Column("Postcode", "postcode", 10),
    Column("Area", "area"),
    Column("Phone", "phone", 16),
    Column("Email", "email", 28),
    Column("Website", "website", 28),
    Column("Opening times", "opening_hours", 36),
    Column("Access notes", "accessibility_notes", 36),
    # The person at the venue the yearly check letter goes to (staff only, never public).
    Column("Contact name", "contact_name", 24),
    Column("Contact email", "contact_email", 28),
    Column("Contact phone", "contact_phone", 16),
    Column("Last checked", "last_checked", 12),
    Column("Next check due", "check_due", 12),
    Column("Check overdue", "check_overdue", 10),
)


@dataclass(frozen=True, slots=True)
class Table:
    headings: list[str]
    rows: list[list[Any]]  # text, dates, or None for an empty cell
    widths: list[int]


def export_table(
    places: Sequence[PlaceRow],
    today: date,
    area_name: Callable[[str | None], str],
    words: Mapping[str, Mapping[str, str]],
    shown: Callable[[str, Any], Any] = lambda field, value: value,
) -> Table:
    """The places as rows of cells. `words`: codes in words per field ("library" is
    "Library"); `shown`: any other value as staff read it (opening hours grouped by day)."""

    def cell(row: PlaceRow, field: str) -> Any:
        if field == "area":
            return area_name(row.local_authority_code) or None
        if field == "check_due":
            return check_due(row.last_checked) or today
        if field == "check_overdue":
            return "yes" if check_overdue(row.last_checked, today) else "no"
        value = getattr(row, field)
        if isinstance(value, str) and field in words:
            return words[field].get(value, value)
        return shown(field, value) if value not in (None, "") else None

    return Table(
        [c.heading for c in COLUMNS],
        [[cell(row, c.field) for c in COLUMNS] for row in places],
        [c.width for c in COLUMNS],
    )


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads "Café" right; dates as 2026-12-02 (Excel
    reads them as dates); text that a spreadsheet would run as a formula neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow(
            [
                "" if v is None else v.isoformat() if isinstance(v, date) else neutralise(v)
                for v in row
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, sheet: str = "Places") -> bytes:
    """An Excel workbook: bold headings that stay in view, a filter on each column, dates as
    dates (shown day/month/year), and text kept as text (never run as a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = sheet
    ws.append(table.headings)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append(row)
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a name beginning "=" is a name, not a formula
    for i, width in enumerate(table.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
