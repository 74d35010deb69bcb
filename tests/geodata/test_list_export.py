"""The staff list as a spreadsheet: CSV that Excel opens with accents right, and .xlsx with
dates as dates and text never run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from place_rows import ROWS, TODAY, place

from geodata.list_export import export_table, to_csv, to_xlsx

WORDS = {
    "status": {"active": "Active", "suspended": "Suspended"},
    "category": {"library": "Library"},
}
AREAS = {"E07000035": "Derbyshire Dales", "E07000032": "Amber Valley"}


def table(rows=ROWS):  # type: ignore[no-untyped-def]
    return export_table(rows, TODAY, lambda code: AREAS.get(code or "", "not known"), WORDS)


def test_the_csv_opens_in_excel_with_accents_right() -> None:
    data = to_csv(table())
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel looks for
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["Name"] for r in rows] == [r.name for r in ROWS]
    cafe = next(r for r in rows if r["Reference"] == "MAT-002")
    assert cafe["Name"] == "Corner Café" and cafe["Status"] == "Suspended"
    assert cafe["Area"] == "Derbyshire Dales" and cafe["What kind of place"] == "Library"
    assert cafe["Last checked"] == "" and cafe["Check overdue"] == "yes"
    assert cafe["Contact name"] == "Jo Bloggs" and cafe["Contact email"] == "jo@cafe.example"
    library = next(r for r in rows if r["Reference"] == "MAT-001")
    assert library["Last checked"] == "2025-10-28" and library["Next check due"] == "2026-10-28"


def test_a_name_a_spreadsheet_would_run_is_kept_as_text() -> None:
    rows = [place("X-1", '=HYPERLINK("http://evil.example")', phone="+44 1629 533400")]
    text = to_csv(table(rows)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+44 1629 533400" in text
    sheet = load_workbook(io.BytesIO(to_xlsx(table(rows)))).active
    assert sheet is not None
    assert sheet["B2"].value == '=HYPERLINK("http://evil.example")'
    assert sheet["B2"].data_type == "s"  # text, not a formula


def test_the_workbook_has_plain_headings_and_dates_as_dates() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(table()))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("Reference", "Name", "Kind", "What kind of place", "Status")
    assert [v[1] for v in values[1:]] == [r.name for r in ROWS]
    checked = values[0].index("Last checked")
    first = values[1]
    assert first[checked].date() == date(2025, 10, 28)  # a date cell, not text
    assert sheet.cell(2, checked + 1).number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
