"""Rows that look like a place we have (the same name and postcode, or a name much like it
within 50 m on the British National Grid), or like an earlier row: left out until the
officer says to update that place, add it as new, or leave it out."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.import_files import read_table
from geodata.importer import ImportPlan, plan_import
from geodata.lookalikes import Decision
from geodata.validation import PlaceChecker
from locator.geo import bng_to_wgs84, wgs84_to_bng

# Matlock Library (S1) is at DE4 3AH, 53.138454 N 1.556 W, phone 01629 000000.
S1_LON, S1_LAT = -1.556, 53.138454


@pytest.fixture
def datasets(synthetic_settings: Settings, database_url: str) -> Datasets:
    return load_datasets(synthetic_settings.model_copy(update={"database_url": database_url}))


def _plan(datasets: Datasets, tmp_path: Path, text: str, **decided: Decision) -> ImportPlan:
    path = tmp_path / "venues.csv"
    path.write_text(text)
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    decisions = {int(row.removeprefix("row")): d for row, d in decided.items()}
    return plan_import(read_table(path), datasets.store, checker, decisions=decisions)


def _east_of_s1(metres: float) -> tuple[float, float]:
    """A point `metres` east of Matlock Library, on the grid (metres), as lon, lat."""
    x, y = wgs84_to_bng(S1_LON, S1_LAT)
    lon, lat = bng_to_wgs84(x + metres, y)
    return float(lon), float(lat)


SAME = "name,category,postcode,phone\nMatlock Library,Library,DE4 3AH,01629 533400\n"


def test_the_same_name_and_postcode_is_left_out_until_the_officer_chooses(
    datasets: Datasets, tmp_path: Path
) -> None:
    plan = _plan(datasets, tmp_path, SAME + "Dale Road Chemist,Chemist,DE4 3AG,\n")
    [look] = plan.lookalikes
    assert (look.row, look.place_id, look.place_name) == (1, "S1", "Matlock Library")
    assert look.why == "the same name and postcode" and look.decision is Decision.UNDECIDED
    assert [r.name for r in plan.rows] == ["Dale Road Chemist"]  # row 1 waits
    assert plan.undecided() == [look]


def test_update_it_changes_that_place_and_adds_nothing(datasets: Datasets, tmp_path: Path) -> None:
    plan = _plan(datasets, tmp_path, SAME, row1=Decision.UPDATE)
    [row] = plan.rows
    assert (row.action, row.place_id) == ("update", "S1")
    assert row.changes == {"phone": ("+441629000000", "+441629533400")}
    assert datasets.store.apply_import(plan, "ann") == 1
    assert datasets.store.get("S1").phone == "+441629533400" and datasets.store.count() == 6


def test_add_it_as_new_adds_a_second_place(datasets: Datasets, tmp_path: Path) -> None:
    plan = _plan(datasets, tmp_path, SAME, row1=Decision.ADD)
    assert [(r.action, r.name) for r in plan.rows] == [("add", "Matlock Library")]
    left = _plan(datasets, tmp_path, SAME, row1=Decision.LEAVE_OUT)
    assert left.rows == [] and left.lookalikes[0].decision is Decision.LEAVE_OUT


@pytest.mark.parametrize(
    ("name", "metres", "found"),
    [
        ("Matlock Public Library", 30, "a name like it, 30 m away"),
        ("MATLOCK LIBRARY", 45, "a name like it, 45 m away"),
        ("Matlock Library", 70, None),  # next street: another place
        ("Greggs", 10, None),  # next door, but another name
    ],
)
def test_a_name_like_it_within_50_metres_looks_like_it(
    datasets: Datasets, tmp_path: Path, name: str, metres: float, found: str | None
) -> None:
    lon, lat = _east_of_s1(metres)
    text = f"name,category,postcode,latitude,longitude\n{name},Library,DE4 3AG,{lat},{lon}\n"
    plan = _plan(datasets, tmp_path, text)
    assert plan.ok, [str(e) for e in plan.errors]
    assert [k.why for k in plan.lookalikes] == ([found] if found else [])


def test_rows_of_the_file_that_repeat_each_other_are_shown_too(
    datasets: Datasets, tmp_path: Path
) -> None:
    text = (
        "name,category,postcode\n"
        "Dale Road Chemist,Chemist,DE4 3AG\n"
        "Hall Leys Surgery,GP surgery,DE4 3AG\n"
        "Dale Road Chemist,Pharmacy,DE4 3AG\n"
    )
    plan = _plan(datasets, tmp_path, text)
    [look] = plan.lookalikes
    assert (look.row, look.earlier_row, look.place_id) == (3, 1, None)
    assert look.choices == (Decision.ADD, Decision.LEAVE_OUT)  # a row can't update a row
    assert [r.row for r in plan.rows] == [1, 2]
    both = _plan(datasets, tmp_path, text, row3=Decision.ADD)
    assert [r.row for r in both.rows] == [1, 2, 3]
    # "Update" can't apply to an earlier row: it stays undecided, and left out.
    odd = _plan(datasets, tmp_path, text, row3=Decision.UPDATE)
    assert odd.lookalikes[0].decision is Decision.UNDECIDED and len(odd.rows) == 2


def test_a_row_with_our_reference_is_that_place_and_no_lookalike(
    datasets: Datasets, tmp_path: Path
) -> None:
    plan = _plan(datasets, tmp_path, "external_ref," + SAME.replace("\n", "\nS1,", 1))
    assert plan.lookalikes == [] and plan.rows[0].place_id == "S1"


def test_names_that_differ_in_their_numbers_are_other_places(
    datasets: Datasets, tmp_path: Path
) -> None:
    text = "name,category,postcode\n" + "".join(f"Shop {i},Shop,DE4 3AG\n" for i in range(12))
    plan = _plan(datasets, tmp_path, text)
    assert plan.lookalikes == [] and len(plan.rows) == 12


# Matlock Library twice with no reference: both rows look like it (S1).
TWICE = SAME + "Matlock Library,Library,DE4 3AH,01629 533401\n"


def test_two_rows_chosen_to_update_one_place_say_so_and_cannot_be_applied(
    datasets: Datasets, tmp_path: Path
) -> None:
    plan = _plan(datasets, tmp_path, TWICE, row1=Decision.UPDATE, row2=Decision.UPDATE)
    [clash] = plan.clashes()
    assert (clash.rows, clash.place_id, clash.name) == ((1, 2), "S1", "Matlock Library")
    assert str(clash) == (
        "Rows 2 and 3 would both update Matlock Library: choose one of them, "
        "or add one as a new place"
    )
    assert [look.decision for look in plan.lookalikes] == [Decision.UPDATE] * 2  # kept
    with pytest.raises(ValueError, match="two rows for one place"):
        datasets.store.apply_import(plan, "ann")
    assert datasets.store.get("S1").phone == "+441629000000" and datasets.store.count() == 6


def test_a_lookalike_chosen_to_update_a_place_another_row_updates_by_reference_clashes(
    datasets: Datasets, tmp_path: Path
) -> None:
    text = (
        "external_ref,name,category,postcode,phone\n"
        ",Matlock Library,Library,DE4 3AH,01629 533400\n"
        "S1,Matlock Library,Library,DE4 3AH,01629 533401\n"
    )
    plan = _plan(datasets, tmp_path, text, row1=Decision.UPDATE)
    assert [(c.rows, c.place_id) for c in plan.clashes()] == [((1, 2), "S1")]
    # Left out until chosen, the lookalike changes nothing: no clash.
    assert _plan(datasets, tmp_path, text).clashes() == []


def test_choosing_another_row_for_the_place_imports(datasets: Datasets, tmp_path: Path) -> None:
    plan = _plan(datasets, tmp_path, TWICE, row1=Decision.UPDATE, row2=Decision.ADD)
    assert plan.clashes() == []
    assert [(r.row, r.action) for r in plan.rows] == [(1, "update"), (2, "add")]
    assert datasets.store.apply_import(plan, "ann") == 2
    assert datasets.store.get("S1").phone == "+441629533400" and datasets.store.count() == 7
