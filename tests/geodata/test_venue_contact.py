"""The venue's contact person (who answers the yearly check): checked, stored, recorded."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.editor import PlaceEditor
from geodata.export import export_places
from geodata.validation import PlaceChecker
from locator.accounts import operator
from locator.errors import PlaceInvalid

ME = operator("ann@council.gov.uk")


@pytest.fixture
def editor(synthetic_settings: Settings, tmp_path: Path) -> PlaceEditor:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'places.db'}"}
    )
    datasets = load_datasets(settings)
    return PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))


def test_a_contact_is_checked_kept_and_recorded(editor: PlaceEditor) -> None:
    contact = {
        "contact_name": "  Jo   Bloggs ",
        "contact_email": "jo.bloggs@matlock-library.example",
        "contact_phone": "01629 533400",
    }
    row = editor.update(ME, "S1", contact, 1)
    assert (row.contact_name, row.contact_email, row.contact_phone) == (
        "Jo Bloggs",
        "jo.bloggs@matlock-library.example",
        "+441629533400",  # stored in E.164
    )
    assert editor.store.history("S1")[-1].fields["contact_name"] == (None, "Jo Bloggs")
    assert row.to_venue() == editor.store.get("S1").to_venue()  # a Venue has no contact
    # Emptied, each is gone.
    cleared = editor.update(ME, "S1", dict.fromkeys(contact, ""), 2)
    assert (cleared.contact_name, cleared.contact_email, cleared.contact_phone) == (None,) * 3


def test_a_bad_contact_email_or_phone_is_said_plainly(editor: PlaceEditor) -> None:
    bad = {"contact_email": "jo at library", "contact_phone": "12345", "contact_name": "x" * 201}
    with pytest.raises(PlaceInvalid) as refused:
        editor.update(ME, "S1", bad, 1)
    assert refused.value.field_errors == {
        "contact_email": '"jo at library" is not an email address: An email address must '
        "have an @-sign. Type an email address, like library@derbyshire.gov.uk.",
        "contact_phone": '"12345" is not a real UK phone number: no UK phone numbers like it '
        "are in use. Type a UK phone number, like 01629 533400.",
        "contact_name": "This is too long: at most 200 characters.",
    }
    assert editor.store.get("S1").version == 1


def test_the_staff_export_carries_the_contact_and_the_area_by_name(
    editor: PlaceEditor, synthetic_settings: Settings, tmp_path: Path
) -> None:
    editor.update(ME, "S1", {"contact_name": "Jo Bloggs", "contact_phone": "01629 533400"}, 1)
    areas = load_datasets(synthetic_settings).areas
    path = tmp_path / "all.csv"
    export_places(editor.store, path, areas=areas)
    rows = {r["id"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
    assert rows["S1"]["area"] == "Derbyshire Dales" and rows["S1"]["contact_name"] == "Jo Bloggs"
    assert rows["S1"]["local_authority_code"] == "E07000035"  # the code too, for an import
