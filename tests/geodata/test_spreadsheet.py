"""Every CSV the service writes is safe to open in a spreadsheet, and imports back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.export import export_places
from geodata.import_files import read_table
from geodata.importer import plan_import
from geodata.opendata import to_csv
from geodata.spreadsheet import neutralise, restore, safe_frame
from geodata.validation import PlaceChecker

FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+44 1629 533400",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_is_written_as_text_and_read_back(text: str) -> None:
    safe = neutralise(text)
    assert safe == "'" + text and restore(safe) == text


@pytest.mark.parametrize("value", ["Matlock Library", "", "'quoted' name", -1.55, 42, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert neutralise(value) == value and restore(value) == value


def test_a_frame_keeps_its_numbers() -> None:
    frame = pd.DataFrame({"name": ["=1+1", "Shop"], "longitude": [-1.55, -1.6]})
    out = safe_frame(frame)
    assert list(out["name"]) == ["'=1+1", "Shop"] and list(out["longitude"]) == [-1.55, -1.6]
    assert list(frame["name"]) == ["=1+1", "Shop"]  # the original is not changed


def test_the_download_and_the_export_neutralise_and_import_back(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'places.db'}"}
    )
    datasets = load_datasets(settings)
    name = '=HYPERLINK("http://evil.example","Matlock Library")'
    row = datasets.store.create(
        {"name": name, "category": "shop", "postcode": "DE4 3AG", "latitude": 53.14,
         "longitude": -1.55, "location_precision": "postcode", "phone": "+441629533400",
         "local_authority_code": "E07000035"},
        "ann",
    )  # fmt: skip
    # The public download: no cell starts a formula.
    download = list(csv.reader(to_csv(datasets.store.venues()).decode().splitlines()))
    cells = [cell for line in download for cell in line]
    assert "'" + name in cells and not any(c.startswith(("=", "+", "@")) for c in cells)
    # The staff export: the same, and it imports back with nothing to change.
    path = tmp_path / "all.csv"
    export_places(datasets.store, path)
    exported = [cell for line in csv.reader(path.read_text().splitlines()) for cell in line]
    # The phone as dialled in the UK: never a cell starting "+", which Excel would read as a sum.
    assert "'" + name in exported and "01629 533400" in exported
    assert not any(c.startswith(("=", "+", "@")) for c in exported)
    rows = read_table(path)
    assert next(r for r in rows if r.get("external_ref") == row.external_ref)["name"] == name
    plan = plan_import(rows, datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))
    assert plan.ok and plan.count("update") == 0 and plan.count("add") == 0
