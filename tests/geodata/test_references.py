"""No two places share a reference (external_ref): a clash is a `DuplicateReference` naming
the place that has it, nothing is written, on both backends; a clash only the database's
unique index sees (a writer that skipped the check) is said the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

import geodata.store
from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.editor import PlaceEditor
from geodata.import_files import read_table
from geodata.importer import plan_import
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser
from locator.errors import DuplicateReference

ADMIN = StaffUser(1, "admin@council.gov.uk", "Admin", Role.ADMIN)
NEW = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}


@pytest.fixture
def datasets(synthetic_settings: Settings, database_url: str) -> Datasets:
    return load_datasets(synthetic_settings.model_copy(update={"database_url": database_url}))


@pytest.fixture
def editor(datasets: Datasets) -> PlaceEditor:
    return PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))


def _unchanged(datasets: Datasets, count: int, version: int) -> None:
    assert (datasets.store.count(), datasets.store.data_version()) == (count, version)


def test_a_new_place_with_a_reference_in_use_is_refused(
    editor: PlaceEditor, datasets: Datasets
) -> None:
    first = editor.create(ADMIN, NEW | {"external_ref": "MAT-001"})
    count, version = datasets.store.count(), datasets.store.data_version()
    with pytest.raises(DuplicateReference) as clash:
        editor.create(ADMIN, NEW | {"name": "Another Pharmacy", "external_ref": " MAT-001 "})
    message = clash.value.user_message
    assert message.startswith("Another place already has this reference (MAT-001): ")
    assert f"Dale Road Pharmacy ({first.id})" in message
    assert clash.value.field_errors == {"external_ref": message}
    _unchanged(datasets, count, version)


def test_changing_a_reference_to_one_in_use_is_refused(
    editor: PlaceEditor, datasets: Datasets
) -> None:
    row = editor.create(ADMIN, NEW | {"external_ref": "MAT-002"})
    count, version = datasets.store.count(), datasets.store.data_version()
    with pytest.raises(DuplicateReference) as clash:
        editor.update(ADMIN, row.id, {"external_ref": "S1"}, row.version)
    assert "(S1): Matlock Library (S1)" in clash.value.user_message
    _unchanged(datasets, count, version)
    assert datasets.store.get(row.id).external_ref == "MAT-002"
    # Its own reference again, or an empty one, is no change; a free one is.
    assert editor.update(ADMIN, row.id, {"external_ref": "MAT-002"}, 1).version == 1
    assert editor.update(ADMIN, row.id, {"external_ref": ""}, 1).external_ref == "MAT-002"
    assert editor.update(ADMIN, row.id, {"external_ref": "MAT-003"}, 1).version == 2


def test_restoring_a_reference_another_place_has_taken_since_is_refused(
    editor: PlaceEditor, datasets: Datasets
) -> None:
    row = editor.create(ADMIN, NEW | {"external_ref": "MAT-004"})
    editor.update(ADMIN, row.id, {"external_ref": "MAT-005"}, 1)
    editor.create(ADMIN, NEW | {"name": "Newer Pharmacy", "external_ref": "MAT-004"})
    with pytest.raises(DuplicateReference) as clash:
        editor.restore_version(ADMIN, row.id, 1)
    assert "(MAT-004): Newer Pharmacy" in clash.value.user_message
    assert datasets.store.get(row.id).external_ref == "MAT-005"


def test_a_clash_only_the_unique_index_sees_is_said_the_same_way(
    editor: PlaceEditor, datasets: Datasets, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if another writer had taken the reference after the check: the database's own
    IntegrityError, rolled back, becomes the same `DuplicateReference`."""
    first = editor.create(ADMIN, NEW | {"external_ref": "MAT-006"})
    count, version = datasets.store.count(), datasets.store.data_version()
    monkeypatch.setattr(geodata.store, "refuse_taken", lambda *args: None)
    with pytest.raises(DuplicateReference) as clash:
        editor.create(ADMIN, NEW | {"external_ref": "MAT-006"})
    assert f"(MAT-006): Dale Road Pharmacy ({first.id})" in clash.value.user_message
    _unchanged(datasets, count, version)


def test_an_import_matches_references_and_a_stale_one_adds_no_duplicate(
    editor: PlaceEditor, datasets: Datasets, tmp_path: Path
) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(
        "external_ref,name,category,postcode\n"
        "S1,Matlock Library,library,DE4 3AH\n"
        "MAT-007,Bank Road Shop,shop,DE4 3AG\n"
    )
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    plan = plan_import(read_table(path), datasets.store, checker)
    # A reference we have is that place, to update: never a second place.
    assert [(r.ref, r.action) for r in plan.rows] == [("S1", "unchanged"), ("MAT-007", "add")]
    # Someone adds a place with MAT-007 between the preview and the confirm.
    editor.create(ADMIN, NEW | {"external_ref": "MAT-007"})
    count, version = datasets.store.count(), datasets.store.data_version()
    with pytest.raises(DuplicateReference) as clash:
        editor.apply_import(ADMIN, plan)
    assert clash.value.user_message.startswith(
        "Row 2 (MAT-007): Another place already has this reference (MAT-007): "
    )
    _unchanged(datasets, count, version)
    # Previewed again, the row is an update of that place.
    again = plan_import(read_table(path), datasets.store, checker)
    assert [r.action for r in again.rows] == ["unchanged", "update"]
