"""Files as Excel saves them: CSV with a byte-order mark, CRLF, ``;`` or tabs, Windows-1252
or UTF-16, and .xlsx workbooks; anything else refused in words."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from geodata.import_files import read_table
from locator.errors import DataError
from locator.settings import ImportSettings

ROWS = [
    ["external_ref", "name", "category", "postcode", "phone"],
    ["NEW-1", "Café Rouge", "cafe", "DE4 3AG", "01629 111111"],
    ["NEW-2", "Dale Road Pharmacy", "pharmacy", "DE55 7BQ", ""],
]
EXPECTED = [
    {"external_ref": "NEW-1", "name": "Café Rouge", "category": "cafe", "postcode": "DE4 3AG",
     "phone": "01629 111111"},
    {"external_ref": "NEW-2", "name": "Dale Road Pharmacy", "category": "pharmacy",
     "postcode": "DE55 7BQ"},
]  # fmt: skip


def _csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    return "".join(delimiter.join(r) + newline for r in rows)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8-sig", ","),  # "CSV UTF-8": a byte-order mark, CRLF
        ("cp1252", ","),  # "CSV (Comma delimited)" on a Windows PC
        ("cp1252", ";"),  # the same on a PC set to a European locale
        ("utf-8-sig", ";"),
        ("utf-16", "\t"),  # "Unicode Text": UTF-16 with a byte-order mark, tabs
        ("utf-8", "\t"),
    ],
)
def test_every_csv_excel_saves_reads_the_same(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = tmp_path / "venues.csv"
    path.write_bytes(_csv(ROWS, delimiter).encode(encoding))
    assert read_table(path) == EXPECTED


def test_a_semicolon_file_keeps_commas_inside_its_cells(tmp_path: Path) -> None:
    path = tmp_path / "venues.csv"
    rows = [*ROWS[:2], ["NEW-3", "Shop, Post Office", "shop", "DE4 3AG", ""]]
    path.write_bytes(_csv(rows, ";").encode("cp1252"))
    assert read_table(path)[1]["name"] == "Shop, Post Office"


def _workbook(path: Path, rows: list[list[object]], blank_first: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if blank_first:
        sheet.append([])
    for row in rows:
        sheet.append(row)
    # A second sheet is never read: the first is the places.
    book.create_sheet("Notes").append(["external_ref", "name"])
    book.save(path)
    return path


def test_an_xlsx_workbook_reads_its_first_sheet_as_excel_shows_it(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*ROWS[0], "last_checked", "latitude"],
        [*ROWS[1], datetime(2026, 10, 1), 53.141],
        [],  # a blank row between is skipped, as Excel's own CSV leaves it out
        ["NEW-2", "Dale Road Pharmacy", "pharmacy", "DE55 7BQ", None, date(2026, 9, 3), None],
        [12345, "Number Ref Shop", "shop", "DE4 3AG", None, None, None],
    ]
    path = _workbook(tmp_path / "venues.xlsx", rows, blank_first=True)
    got = read_table(path)
    assert got[0] == EXPECTED[0] | {"last_checked": "2026-10-01", "latitude": "53.141"}
    assert got[1] == EXPECTED[1] | {"last_checked": "2026-09-03"}
    # A whole number typed in a cell is the number as shown, not "12345.0".
    assert got[2]["external_ref"] == "12345"


def test_an_xlsx_over_the_row_limit_is_refused_like_a_csv(tmp_path: Path) -> None:
    rows: list[list[object]] = [ROWS[0]] + [[f"R{i}", "Shop", "shop", "DE4 3AG"] for i in range(6)]
    path = _workbook(tmp_path / "long.xlsx", rows)
    with pytest.raises(DataError, match=r"^This file has more than 5 rows: import at most 5"):
        read_table(path, ImportSettings(max_rows=5))
    assert len(read_table(path, ImportSettings(max_rows=6))) == 6


def test_an_xlsx_that_unpacks_to_far_more_than_its_size_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<a/>" + " " * 5_000_000)
    assert path.stat().st_size < 20_000
    with pytest.raises(DataError, match="it unpacks to far more than a places file"):
        read_table(path, ImportSettings(max_bytes=20_000))


def test_an_xlsx_with_cells_beyond_its_headings_says_so(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "v.xlsx", [ROWS[0], [*ROWS[1], "stray note"]])
    with pytest.raises(DataError, match="row 2 has cells to the right of the headings"):
        read_table(path)


NOT_CSV = "This file is not a CSV file we can read: "
NOT_XLSX = "This file is not an Excel file we can read: "
BAD = {
    "zip.csv": (b"PK\x03\x04" + b"\x00" * 100, NOT_CSV + "it is an Excel workbook with a .csv"),
    "text.xlsx": (b"external_ref,name\nA,B\n", NOT_XLSX + "it is text"),
    "random.xlsx": (b"\x89\xff\x00" * 300, NOT_XLSX + "it is damaged"),
    "empty.xlsx": (b"", NOT_XLSX + "it is empty."),
    "old.xls": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "This is an older Excel file (.xls)."),
    "notes.txt": (b"hello", "Import a .csv, .xlsx, .geojson or .gpkg file."),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_file_that_is_none_of_these_is_refused_in_words(tmp_path: Path, name: str) -> None:
    content, words = BAD[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as refused:
        read_table(path)
    assert str(refused.value).startswith(words), str(refused.value)


def test_a_damaged_zip_named_xlsx_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    _workbook(path, [ROWS[0], ROWS[1]])
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(
        DataError, match="^This file is not an Excel file we can read: it is damaged"
    ):
        read_table(path)
