"""The place editor, without HTTP: who may change what, checks, one version check, imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.editor import PlaceEditor
from geodata.place_list import PlaceQuery
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser, operator
from locator.errors import Forbidden, PlaceInvalid, StaleEdit
from locator.venues import Status

DALES, AMBER = "E07000035", "E07000032"  # S1's area (Derbyshire Dales), and Alfreton's
ADMIN = StaffUser(1, "admin@council.gov.uk", "Admin", Role.ADMIN)
DALES_EDITOR = StaffUser(2, "ed@council.gov.uk", "Ed", Role.EDITOR, frozenset({DALES}))
AMBER_EDITOR = StaffUser(3, "amy@council.gov.uk", "Amy", Role.EDITOR, frozenset({AMBER}))
VIEWER = StaffUser(4, "vi@council.gov.uk", "Vi", Role.VIEWER)
NEW = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}


@pytest.fixture
def editor(synthetic_settings: Settings, tmp_path: Path) -> PlaceEditor:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'places.db'}"}
    )
    datasets = load_datasets(settings)
    return PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))


def test_create_checks_places_and_records_who(editor: PlaceEditor) -> None:
    row = editor.create(DALES_EDITOR, NEW | {"external_ref": "PH-1"})
    assert row.local_authority_code == DALES and row.address == "" and row.external_ref == "PH-1"
    assert editor.store.history(row.id)[-1].actor == "ed@council.gov.uk"
    with pytest.raises(Forbidden):
        editor.create(AMBER_EDITOR, NEW)
    with pytest.raises(PlaceInvalid) as bad:
        editor.create(ADMIN, {"name": "No postcode", "category": "shop"})
    assert set(bad.value.field_errors) == {"postcode"}


def test_every_change_is_allowed_only_in_the_accounts_areas(editor: PlaceEditor) -> None:
    for change in (
        lambda who: editor.update(who, "S1", {"phone": "01629 533400"}, 1),
        lambda who: editor.set_status(who, "S1", Status.SUSPENDED, "Closed"),
        lambda who: editor.restore_version(who, "S1", 1),
    ):
        for refused in (AMBER_EDITOR, VIEWER):
            with pytest.raises(Forbidden):
                change(refused)
    assert editor.store.get("S1").version == 1  # nothing was written
    assert editor.set_status(DALES_EDITOR, "S1", Status.SUSPENDED, "Closed").status == "suspended"


def test_moving_a_place_needs_both_areas(editor: PlaceEditor) -> None:
    with pytest.raises(Forbidden):
        # S1 is in the Dales; DE55 7BQ would move it to Amber Valley.
        editor.check_changes(DALES_EDITOR, "S1", {"postcode": "DE55 7BQ"})
    row, fields = editor.check_changes(ADMIN, "S1", {"postcode": "DE55 7BQ"})
    assert row.local_authority_code == DALES and fields["local_authority_code"] == AMBER
    assert editor.store.get("S1").postcode == "DE4 3AH"  # a check writes nothing


def test_a_stale_version_is_refused_by_the_one_check(editor: PlaceEditor) -> None:
    editor.update(ADMIN, "S1", {"phone": "01629 000001"}, 1)
    with pytest.raises(StaleEdit) as stale:
        editor.update(DALES_EDITOR, "S1", {"phone": "01629 999999"}, 1)
    assert stale.value.current_version == 2
    assert editor.store.get("S1").phone == "+441629000001"


def test_imports_refuse_viewers_and_rows_outside_an_editors_areas(editor: PlaceEditor) -> None:
    rows = [
        {"external_ref": "IMP-1", "name": "Dale Chemist", "category": "pharmacy",
         "postcode": "DE4 3AG"},
        {"external_ref": "IMP-2", "name": "Alfreton Shop", "category": "shop",
         "postcode": "DE55 7BQ"},
    ]  # fmt: skip
    with pytest.raises(Forbidden):
        editor.plan_import(VIEWER, rows)
    plan = editor.plan_import(DALES_EDITOR, rows)
    assert [r.ref for r in plan.rows] == ["IMP-1"]
    assert [(e.row, e.reason) for e in plan.errors] == [(2, "this place is outside your areas")]
    everything = editor.plan_import(operator("nightly job"), rows)
    assert everything.ok and editor.apply_import(operator("nightly job"), everything) == 2
    added = editor.select(PlaceQuery(q="alfreton shop"))
    assert [r.name for r in added] == ["Alfreton Shop"]
    assert editor.store.history(added[0].id)[-1].actor == "nightly job"


def test_the_staff_list_filters(editor: PlaceEditor) -> None:
    assert {r.kind for r in editor.select(PlaceQuery(kind="police_enquiry_office"))} == {
        "police_enquiry_office"
    }
    assert all(r.local_authority_code == AMBER for r in editor.select(PlaceQuery(area=AMBER)))
    # The synthetic places were never checked: all of them are overdue.
    assert len(editor.select(PlaceQuery(overdue_only=True))) == len(editor.store.rows())
    editor.set_status(ADMIN, "S1", Status.REMOVED, "Closed for good")
    assert [r.id for r in editor.select(PlaceQuery(statuses=frozenset({Status.REMOVED})))] == ["S1"]
