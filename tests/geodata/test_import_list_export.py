"""The place list's download for Excel imports back: an officer downloads the list, edits a
phone number in Excel and imports the file; only that phone changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from api.settings import Settings
from api.staff_views import VALUE_WORDS, shown
from geodata.columns import LEAVE_OUT, suggest
from geodata.datasets import Datasets, load_datasets
from geodata.import_files import read_sheet, read_table
from geodata.importer import plan_import
from geodata.list_export import export_table, to_csv, to_xlsx
from geodata.validation import PlaceChecker


@pytest.fixture
def datasets(synthetic_settings: Settings, tmp_path: Path) -> Datasets:
    url = f"sqlite:///{tmp_path / 'places.db'}"
    return load_datasets(synthetic_settings.model_copy(update={"database_url": url}))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_list_for_excel_imports_back_changing_only_what_was_edited(
    datasets: Datasets, tmp_path: Path, suffix: str
) -> None:
    places = [r for r in datasets.store.rows() if r.postcode]  # the file needs a postcode
    table = export_table(places, date(2026, 12, 2), lambda c: c or "", VALUE_WORDS, shown)
    path = tmp_path / f"list{suffix}"
    path.write_bytes(to_xlsx(table) if suffix == ".xlsx" else to_csv(table))
    sheet = read_sheet(path)
    # Every column is matched or, set by the service itself, left out: nothing to choose.
    suggested = dict(zip(sheet.headings, suggest(sheet.headings), strict=True))
    assert None not in suggested.values(), suggested
    assert suggested["What kind of place"] == "category"
    assert suggested["Next check due"] == suggested["Area"] == LEAVE_OUT
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    again = plan_import(read_table(path), datasets.store, checker)
    assert again.ok, [str(e) for e in again.errors]
    assert again.count("update") == 0 and again.count("add") == 0 and not again.lookalikes
    if suffix == ".xlsx":  # edited in Excel: one phone number
        book = load_workbook(path)
        sheet_ = book.worksheets[0]
        headings = [c.value for c in sheet_[1]]
        column = headings.index("Phone") + 1
        row = next(r for r in range(2, sheet_.max_row + 1) if sheet_.cell(r, 1).value == "S1")
        sheet_.cell(row, column).value = "01629 533400"
        book.save(path)
        edited = plan_import(read_table(path), datasets.store, checker)
        [update] = edited.planned("update")
        assert update.place_id == "S1"
        assert update.changes == {"phone": ("+441629000000", "+441629533400")}
