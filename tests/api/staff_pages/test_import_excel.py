"""The import page takes files as Excel saves them: a workbook, or its CSV on any PC."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import Workbook
from staff_forms import upload

ROWS = [
    ["external_ref", "name", "category", "postcode"],
    ["IMP-1", "Dale Road Chemist", "pharmacy", "DE4 3AG"],
    ["IMP-2", "Café on the Green", "cafe", "DE4 3AG"],
]


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_previews_like_a_csv(editor: TestClient) -> None:
    page = upload(editor, _xlsx(ROWS), "venues.xlsx")
    assert page.status_code == 200 and "2 places to add" in page.text
    assert "Café on the Green" in page.text


def test_a_windows_semicolon_csv_previews_the_same(editor: TestClient) -> None:
    text = "".join(";".join(r) + "\r\n" for r in ROWS).encode("cp1252")
    page = upload(editor, text)
    assert page.status_code == 200 and "2 places to add" in page.text
    assert "Café on the Green" in page.text


def test_an_old_excel_file_says_how_to_save_it(editor: TestClient) -> None:
    page = upload(editor, b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "venues.xls")
    assert page.status_code == 422
    assert "older Excel file (.xls)" in page.text and "Excel Workbook (.xlsx)" in page.text
