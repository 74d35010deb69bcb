"""The yearly check's reminders, without SMTP: who is due, who is told, sent once per stage."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.editor import PlaceEditor
from geodata.reminders import Email, Letters, Reminders, Stage, officers_for
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser
from locator.venues import Status

DALES, AMBER = "E07000035", "E07000032"
ADMIN = StaffUser(1, "admin@council.gov.uk", "Ada Admin", Role.ADMIN)
DALES_EDITOR = StaffUser(2, "ed@council.gov.uk", "Ed Dale", Role.EDITOR, frozenset({DALES}))
AMBER_EDITOR = StaffUser(3, "amy@council.gov.uk", "Amy", Role.EDITOR, frozenset({AMBER}))
VIEWER = StaffUser(4, "vi@council.gov.uk", "Vi", Role.VIEWER, frozenset({DALES}))
OFFICERS = [ADMIN, DALES_EDITOR, AMBER_EDITOR, VIEWER]
# Checks are dated up to today (a check can't be in the future); runs may be any day.
TODAY = date.today()
LETTERS = Letters("Testshire Safe Places", "call 01629 000001", "https://council.test/staff")


@pytest.fixture
def editor(synthetic_settings: Settings, tmp_path: Path) -> PlaceEditor:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'places.db'}"}
    )
    datasets = load_datasets(settings)
    editor = PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))
    # Every place checked recently, so each test picks which are due.
    for row in editor.store.rows():
        editor.update(ADMIN, row.id, {"last_checked": TODAY - timedelta(days=10)}, row.version)
    return editor


def _set(editor: PlaceEditor, place_id: str, **fields: object) -> None:
    row = editor.store.get(place_id)
    editor.update(ADMIN, place_id, dict(fields), row.version)


def _reminders(editor: PlaceEditor, days: int = 30) -> Reminders:
    return Reminders(editor.store.engine, editor.store.writer, due_within_days=days)


def test_due_soon_and_overdue_live_safe_places_only(editor: PlaceEditor) -> None:
    _set(editor, "S1", last_checked=TODAY - timedelta(days=350))  # due in 15 days
    _set(editor, "S2", last_checked=TODAY - timedelta(days=400))  # overdue by 35 days
    _set(editor, "S4", last_checked=TODAY - timedelta(days=300))  # due in 65 days: not yet
    due = {p.place_id: p for p in _reminders(editor).due(TODAY)}
    assert set(due) == {"S1", "S2"}
    assert due["S1"].stage is Stage.DUE and due["S1"].due_on == TODAY + timedelta(days=15)
    assert due["S2"].stage is Stage.OVERDUE
    # A longer window takes S4 in; police offices are never reminded.
    assert {p.place_id for p in _reminders(editor, days=90).due(TODAY)} == {"S1", "S2", "S4"}
    editor.set_status(ADMIN, "S2", Status.SUSPENDED, reason="closed for the summer")
    assert {p.place_id for p in _reminders(editor).due(TODAY)} == {"S1"}


def test_a_venue_with_a_contact_is_written_to_the_rest_go_to_the_areas_officers(
    editor: PlaceEditor,
) -> None:
    _set(
        editor,
        "S1",
        last_checked=TODAY - timedelta(days=350),
        contact_name="Jo Reed",
        contact_email="jo.reed@library.example",
    )
    _set(editor, "S2", last_checked=TODAY - timedelta(days=400))  # the Dales, no contact
    _set(editor, "S3", last_checked=TODAY - timedelta(days=380))  # Amber Valley, no contact
    emails = {e.to: e for e in _reminders(editor).plan(TODAY, OFFICERS, LETTERS)}
    # Editors of the area are told; a viewer of the area and the admins are not.
    assert set(emails) == {"jo.reed@library.example", "ed@council.gov.uk", "amy@council.gov.uk"}
    venue = emails["jo.reed@library.example"]
    assert venue.subject.startswith("Testshire Safe Places: Matlock Library is due")
    due_on = TODAY + timedelta(days=15)
    assert "Dear Jo Reed," in venue.text and f"{due_on.day} {due_on:%B %Y}" in venue.text
    assert "To arrange it, please call 01629 000001." in venue.text
    officer = emails["ed@council.gov.uk"]
    assert [p.place_id for p in officer.places] == ["S2"]
    assert "Dear Ed Dale," in officer.text and "Corner Café" in officer.text
    assert "1 overdue" in officer.subject and "https://council.test/staff" in officer.text


def test_an_area_no_editor_looks_after_goes_to_the_admins() -> None:
    assert officers_for(DALES, OFFICERS) == [DALES_EDITOR]
    assert officers_for("E07000999", OFFICERS) == [ADMIN]
    away = StaffUser(5, "gone@council.gov.uk", "Gone", Role.EDITOR, frozenset({DALES}), False)
    assert officers_for(DALES, [away, ADMIN]) == [ADMIN]


def test_each_stage_is_sent_once_and_a_check_starts_the_next_year(editor: PlaceEditor) -> None:
    _set(
        editor,
        "S1",
        last_checked=TODAY - timedelta(days=350),
        contact_email="jo.reed@library.example",
    )
    reminders = _reminders(editor)
    sent: list[Email] = []
    results = reminders.send(reminders.plan(TODAY, OFFICERS, LETTERS), sent.append)
    assert [r.problem for r in results] == [None] and len(sent) == 1
    # The next days' runs send nothing more at this stage...
    assert reminders.plan(TODAY + timedelta(days=1), OFFICERS, LETTERS) == []
    # ...until the check is overdue, which is said once too.
    later = TODAY + timedelta(days=20)
    overdue = reminders.plan(later, OFFICERS, LETTERS)
    assert [e.places[0].stage for e in overdue] == [Stage.OVERDUE]
    reminders.send(overdue, sent.append)
    assert reminders.plan(later + timedelta(days=1), OFFICERS, LETTERS) == []
    # Checked: next year's check is a new due date, reminded afresh.
    _set(editor, "S1", last_checked=TODAY)
    assert reminders.plan(later, OFFICERS, LETTERS) == []
    next_year = reminders.plan(TODAY + timedelta(days=340), OFFICERS, LETTERS)
    to_venue = [e for e in next_year if e.to == "jo.reed@library.example"]
    assert [e.places[0].stage for e in to_venue] == [Stage.DUE]


def test_an_email_that_fails_is_not_recorded_and_goes_next_time(editor: PlaceEditor) -> None:
    _set(editor, "S1", last_checked=TODAY - timedelta(days=350), contact_email="jo@lib.example")
    _set(editor, "S2", last_checked=TODAY - timedelta(days=350), contact_email="bad@cafe.example")
    reminders = _reminders(editor)

    def send(email: Email) -> None:
        if email.to == "bad@cafe.example":
            raise OSError("the mail server refused the address")

    results = reminders.send(reminders.plan(TODAY, OFFICERS, LETTERS), send)
    assert {r.email.to: r.problem for r in results} == {
        "jo@lib.example": None,
        "bad@cafe.example": "the mail server refused the address",
    }
    assert [e.to for e in reminders.plan(TODAY, OFFICERS, LETTERS)] == ["bad@cafe.example"]


def test_a_new_place_is_first_due_a_year_after_it_was_added(editor: PlaceEditor) -> None:
    new = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}
    row = editor.create(ADMIN, new)
    added = row.last_checked  # the store's today, which may be past TODAY's midnight
    assert added is not None and TODAY <= added <= date.today()
    reminders = _reminders(editor)
    assert row.id not in {p.place_id for p in reminders.due(added)}
    later = {p.place_id: p for p in reminders.due(added + timedelta(days=340))}
    assert later[row.id].stage is Stage.DUE
    assert later[row.id].due_on == added + timedelta(days=365)


def test_a_place_never_checked_is_overdue_and_the_email_says_so() -> None:
    from geodata.reminders import DuePlace

    never = DuePlace(
        "S9", "Old Mill Café", "Dale Road", "DE4 3AG", DALES, TODAY, Stage.OVERDUE, None,
        None, "owner@mill.test",
    )  # fmt: skip
    email = LETTERS.to_venue(never)
    assert email.subject.endswith("Old Mill Café's yearly check is overdue")
    assert "no record of a Safe Place check for Old Mill Café yet" in email.text
    assert "never checked" in LETTERS.to_officer(DALES_EDITOR, [never]).text
