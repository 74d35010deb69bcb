"""`safeplaces import` as the import page: columns matched from natural headings or chosen
with --match and --leave-out, a column with no match refused by name, lookalikes and bad
rows left out or decided with flags; row numbers as Excel shows them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from api.cli import EXIT_BAD_INPUT, main
from api.settings import Settings
from geodata.datasets import load_datasets

HEADINGS = ["Venue name", "Post code", "Telephone", "Opening times", "Type", "Notes"]
ROWS = [
    ["Dale Road Chemist", "DE4 3AG", "01629 111111", "Mon-Fri 9am-6pm", "Chemist", "x"],
    ["Matlock Library", "DE4 3AH", "01629 533400", "Sat 10-4; Sun closed", "Library", ""],
    ["Far Away Shop", "ZZ9 9ZZ", "", "", "Shop", ""],
]


@pytest.fixture
def settings(
    synthetic_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    url = f"sqlite:///{tmp_path / 'places.db'}"
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(synthetic_settings.data.dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", url)
    return synthetic_settings.model_copy(update={"database_url": url})


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADINGS, *ROWS]:
        sheet.append(row)
    path = tmp_path / "venues.xlsx"
    book.save(path)
    return path


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["import", *argv, "--quiet"], out=out)
    return code, out.getvalue()


def test_a_column_with_no_match_is_refused_by_name(
    settings: Settings, workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(str(workbook), "--yes")
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and out == ""
    assert 'Choose what the column "Notes" fills, or leave it out.' in err
    assert 'These columns are not matched to anything: "Notes".' in err
    assert '--match "HEADING=DETAIL"' in err and err.endswith("Nothing was imported.\n")
    code, _ = _run(str(workbook), "--match", "Nowhere=name", "--yes")
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and 'There is no column "Nowhere" in this file.' in err
    code, _ = _run(str(workbook), "--match", "Notes=castle", "--yes")
    assert code == EXIT_BAD_INPUT and "is not HEADING=DETAIL" in capsys.readouterr().err


def test_an_excel_file_with_natural_headings_imports_its_good_rows(
    settings: Settings, workbook: Path
) -> None:
    code, out = _run(str(workbook), "--leave-out", "notes", "--dry-run")
    assert code == EXIT_BAD_INPUT  # a bad row, and no --leave-out-bad-rows
    assert "Columns: Venue name -> name; Post code -> postcode; Telephone -> phone" in out
    assert "Notes: left out." in out
    assert "  add     row 2: Dale Road Chemist\n" in out
    assert "  like    row 3: Matlock Library looks like Matlock Library (the same name " in out
    assert '  error   row 4: postcode: "ZZ9 9ZZ" is not a postcode.' in out
    assert "--leave-out-bad-rows" in out
    code, out = _run(str(workbook), "--leave-out", "Notes", "--leave-out-bad-rows", "--yes")
    assert code == 0 and "Imported: 1 place added or updated." in out
    store = load_datasets(settings).store
    chemist = next(r for r in store.rows() if r.name == "Dale Road Chemist")
    assert chemist.phone == "+441629111111" and chemist.category == "pharmacy"
    assert chemist.opening_hours is not None and chemist.opening_hours.startswith("Mon 09:00-18:00")
    assert store.get("S1").phone == "+441629000000"  # the lookalike was left out


def test_a_lookalike_updates_the_place_when_told_to(settings: Settings, workbook: Path) -> None:
    code, out = _run(
        str(workbook), "--match", "Notes=accessibility notes", "--leave-out-bad-rows",
        "--row", "3=update", "--yes",
    )  # fmt: skip
    assert code == 0 and "Imported: 2 places added or updated." in out
    assert "  update  row 3: Matlock Library: phone 01629 000000 -> 01629 533400" in out
    store = load_datasets(settings).store
    assert store.get("S1").phone == "+441629533400"
    assert [r.name for r in store.rows()].count("Matlock Library") == 1
    chemist = next(r for r in store.rows() if r.name == "Dale Road Chemist")
    assert chemist.accessibility_notes == "x"
    # Again, with every lookalike added as new: now the chemist is one too.
    code, out = _run(str(workbook), "--leave-out", "Notes", "--leave-out-bad-rows",
                     "--lookalikes", "add", "--dry-run")  # fmt: skip
    assert code == 0 and "Dale Road Chemist looks like Dale Road Chemist" in out
    assert "added as new" in out


def test_two_rows_for_one_place_are_refused_naming_them(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "name,category,postcode,phone\n"
        "Matlock Library,Library,DE4 3AH,01629 533400\n"
        "Matlock Library,Library,DE4 3AH,01629 533401\n"
    )
    code, out = _run(str(path), "--lookalikes", "update", "--yes")
    assert code == EXIT_BAD_INPUT
    assert (
        "Rows 2 and 3 would both update Matlock Library: choose one of them, or add one as a "
        "new place.\nNothing was imported." in out
    )
    assert load_datasets(settings).store.get("S1").phone == "+441629000000"
    code, out = _run(str(path), "--lookalikes", "update", "--row", "3=add", "--yes")
    assert code == 0 and "Imported: 2 places added or updated." in out
    assert load_datasets(settings).store.get("S1").phone == "+441629533400"
