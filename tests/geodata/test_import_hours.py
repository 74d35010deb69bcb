"""Importing opening hours in either syntax: OpenStreetMap rules are kept as typed, the weekly
form with its bank holiday entry, and unreadable text is quoted with examples of both."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.import_files import read_table
from geodata.importer import plan_import
from geodata.validation import PlaceChecker


@pytest.fixture
def datasets(synthetic_settings: Settings, database_url: str) -> Datasets:
    return load_datasets(synthetic_settings.model_copy(update={"database_url": database_url}))


def _plan(datasets: Datasets, text: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "venues.csv"
    path.write_text(text)
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    return plan_import(read_table(path), datasets.store, checker)


def test_osm_rules_and_bank_holiday_entries_import(datasets: Datasets, tmp_path: Path) -> None:
    plan = _plan(
        datasets,
        "external_ref,name,category,postcode,opening_hours\n"
        'N1,Dale Road Chemist,Chemist,DE4 3AG,"Mo-Sa 09:00-12:30,13:30-17:00; Su off; PH off"\n'
        "N2,Old Mill Café,Café,DE4 3AG,24/7\n"
        "N3,Hall Leys Surgery,GP surgery,DE4 3AG,Mon-Fri 9-5; Bank holidays 10-2\n"
        'N4,Bank Road Shop,Shop,DE4 3AG,"Mo-Fr 08:00-20:00; Dec 25 off"\n',
        tmp_path,
    )
    assert plan.ok, [str(e) for e in plan.errors]
    got = {r.name: r.fields["opening_hours"] for r in plan.rows}
    assert got["Dale Road Chemist"] == "Mo-Sa 09:00-12:30,13:30-17:00; Su off; PH off"
    assert got["Old Mill Café"] == "24/7"
    assert got["Hall Leys Surgery"].endswith("Fri 09:00-17:00; Bank holidays 10:00-14:00")
    assert got["Bank Road Shop"] == "Mo-Fr 08:00-20:00; Dec 25 off"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Mo-Fr 09:00-17:00; Sa 10:00-13:00 maybe", 'the part from "maybe" is not understood'),
        ("Mo-Fr 09:00-17:00; SH off", "school holidays (SH)"),
        ("Mon-Fri 9 to 5 maybe", 'a form like "Mon-Fri 9am-5pm, Sat 10am-1pm"'),
    ],
)
def test_unreadable_hours_are_quoted_with_an_example(
    datasets: Datasets, tmp_path: Path, typed: str, says: str
) -> None:
    plan = _plan(
        datasets,
        "external_ref,name,category,postcode,opening_hours\n"
        f'N1,Chemist,Chemist,DE4 3AG,"{typed}"\n',
        tmp_path,
    )
    [error] = plan.errors
    assert f'We could not read "{typed}"' in error.reason
    assert says in error.reason
    assert "Mo-Fr 09:00-17:00" in error.reason  # an example in OSM's syntax too
