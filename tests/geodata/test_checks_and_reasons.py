"""The yearly check and the reasons for hiding a place, in the place editor, without HTTP:
one place and many, who did it, and refusals that name the place and the areas."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.editor import PlaceEditor
from geodata.place_list import PlaceQuery
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser
from locator.errors import Forbidden, PlaceInvalid
from locator.venues import Status, check_overdue

DALES = "E07000035"  # S1, S2 and S4 are in Derbyshire Dales; S3 is in Amber Valley
ADMIN = StaffUser(1, "admin@council.gov.uk", "Admin", Role.ADMIN)
DALES_EDITOR = StaffUser(2, "ed@council.gov.uk", "Ed", Role.EDITOR, frozenset({DALES}))
VIEWER = StaffUser(4, "vi@council.gov.uk", "Vi", Role.VIEWER)


@pytest.fixture
def editor(synthetic_settings: Settings, tmp_path: Path) -> PlaceEditor:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'places.db'}"}
    )
    datasets = load_datasets(settings)
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    return PlaceEditor(datasets.store, checker, datasets.areas)


def test_checked_today_sets_the_date_and_records_who(editor: PlaceEditor) -> None:
    today = date(2026, 12, 2)
    row = editor.mark_checked(DALES_EDITOR, "S1", today)
    assert row.last_checked == today and row.version == 2
    change = editor.store.history("S1")[-1]
    assert (change.action, change.actor) == ("check", "ed@council.gov.uk")
    assert change.fields == {"last_checked": (None, "2026-12-02")}
    assert not check_overdue(editor.store.get("S1").last_checked, today)
    # Checked again the same day: nothing new to record.
    assert editor.mark_checked(DALES_EDITOR, "S1", today).version == 2
    with pytest.raises(Forbidden):
        editor.mark_checked(DALES_EDITOR, "S3", today)  # Amber Valley
    with pytest.raises(Forbidden):
        editor.mark_checked(VIEWER, "S1", today)


def test_checked_today_for_many_says_which_were_left_alone_and_why(editor: PlaceEditor) -> None:
    today = date(2026, 12, 2)
    result = editor.mark_checked_many(DALES_EDITOR, ["S1", "S3", "S2", "NOPE", "S1"], today)
    assert [r.id for r in result.done] == ["S1", "S2"]  # each once, in the order given
    assert [(r.place_id, r.name) for r in result.refused] == [
        ("S3", "Alfreton Library"),
        ("NOPE", None),
    ]
    assert "Derbyshire Dales only" in result.refused[0].reason
    assert "couldn't find" in result.refused[1].reason
    # Done where allowed, in one go; the refused place is as it was.
    assert editor.store.get("S2").last_checked == today
    assert editor.store.get("S3").last_checked is None and editor.store.get("S3").version == 1
    assert all(c.actor == "ed@council.gov.uk" for c in editor.store.history("S2")[1:])


def test_suspend_and_remove_need_a_reason_that_the_history_keeps(editor: PlaceEditor) -> None:
    for status in (Status.SUSPENDED, Status.REMOVED):
        for empty in (None, "", "   \n "):
            with pytest.raises(PlaceInvalid) as refused:
                editor.set_status(DALES_EDITOR, "S1", status, empty)
            assert "Say why" in refused.value.field_errors["reason"]
    with pytest.raises(PlaceInvalid):
        editor.set_status(ADMIN, "S1", Status.SUSPENDED, "x" * 501)
    assert editor.store.get("S1").version == 1  # nothing was written
    editor.set_status(DALES_EDITOR, "S1", Status.SUSPENDED, "  Venue closed for\nrefurbishment ")
    editor.set_status(ADMIN, "S1", Status.ACTIVE)  # showing it again needs no reason
    suspended, restored = editor.store.history("S1")[-2:]
    assert (suspended.action, suspended.actor) == ("suspend", "ed@council.gov.uk")
    assert suspended.note == "Venue closed for refurbishment"
    assert (restored.action, restored.note) == ("activate", None)
    # A viewer is told they can't, not asked for a reason.
    with pytest.raises(Forbidden):
        editor.set_status(VIEWER, "S1", Status.SUSPENDED)


def test_suspend_many_changes_the_allowed_places_together(editor: PlaceEditor) -> None:
    with pytest.raises(PlaceInvalid):
        editor.set_status_many(ADMIN, ["S1", "S2"], Status.SUSPENDED, "")
    assert editor.store.get("S1").status == "active"
    result = editor.set_status_many(DALES_EDITOR, ["S1", "S2", "S3"], Status.SUSPENDED, "Closed")
    assert [r.status for r in result.done] == ["suspended", "suspended"]
    assert [r.place_id for r in result.refused] == ["S3"]
    assert editor.store.get("S3").status == "active"
    assert editor.store.history("S2")[-1].note == "Closed"
    # Already suspended: done, and nothing more recorded.
    again = editor.set_status_many(DALES_EDITOR, ["S1"], Status.SUSPENDED, "Still closed")
    assert [r.version for r in again.done] == [2]
    restored = editor.set_status_many(ADMIN, ["S1", "S2"], Status.ACTIVE)
    assert {r.status for r in restored.done} == {"active"} and not restored.refused
    removed = editor.set_status_many(ADMIN, ["S2"], Status.REMOVED, "Shop has shut")
    assert [r.id for r in editor.select(PlaceQuery(statuses=frozenset({Status.REMOVED})))] == ["S2"]
    assert editor.store.history("S2")[-1].note == "Shop has shut" and removed.done


def test_a_viewer_is_refused_every_place_in_a_list(editor: PlaceEditor) -> None:
    result = editor.mark_checked_many(VIEWER, ["S1", "S2"])
    assert not result.done
    assert [r.reason for r in result.refused] == [
        "Your account can look at places but not change them."
    ] * 2


def test_a_new_place_counts_as_checked_the_day_it_was_added(editor: PlaceEditor) -> None:
    new = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}
    before = date.today()
    row = editor.create(DALES_EDITOR, new)
    assert row.last_checked is not None and before <= row.last_checked <= date.today()
    assert not check_overdue(row.last_checked, date.today())
    older = date.today() - timedelta(days=30)
    given = editor.create(ADMIN, new | {"name": "Old Chemist", "last_checked": older.isoformat()})
    assert given.last_checked == older  # a date given is kept


def test_an_editors_refused_add_names_both_areas(editor: PlaceEditor) -> None:
    elsewhere = {"name": "Chesterfield Shop", "category": "shop", "postcode": "S40 1AA"}
    with pytest.raises(Forbidden) as refused:
        editor.create(DALES_EDITOR, elsewhere)
    assert refused.value.user_message == (
        "You can add places in Derbyshire Dales only; this postcode is in Chesterfield."
    )
    with pytest.raises(Forbidden) as change:
        editor.update(DALES_EDITOR, "S3", {"phone": "01773 000000"}, 1)
    assert "You can change places in Derbyshire Dales only" in change.value.user_message
