"""Values as people type them in a spreadsheet: kinds of place by their name in any case or
a common word for them, hours in everyday forms; a bad value is quoted with what would work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.import_files import read_table
from geodata.importer import plan_import
from geodata.synonyms import category_of
from geodata.validation import PlaceChecker
from locator.venues import Category


@pytest.fixture
def datasets(synthetic_settings: Settings, database_url: str) -> Datasets:
    return load_datasets(synthetic_settings.model_copy(update={"database_url": database_url}))


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("Library", Category.LIBRARY),
        ("LIBRARY", Category.LIBRARY),
        ("library", Category.LIBRARY),
        ("Libraries", Category.LIBRARY),
        ("GP surgery", Category.GP_SURGERY),
        ("Doctors", Category.GP_SURGERY),
        ("Doctor's surgery", Category.GP_SURGERY),
        ("gp_surgery", Category.GP_SURGERY),
        ("Chemist", Category.PHARMACY),
        ("Pharmacy", Category.PHARMACY),
        ("Café", Category.CAFE),
        ("cafe", Category.CAFE),
        ("Coffee shop", Category.CAFE),
        ("Community Centre", Category.COMMUNITY_CENTRE),
        ("Village hall", Category.COMMUNITY_CENTRE),
        ("Police Station", Category.POLICE_STATION),
        ("Town hall", Category.COUNCIL_OFFICE),
    ],
)
def test_a_kind_of_place_as_typed_is_one_of_ours(typed: str, category: Category) -> None:
    assert category_of(typed) is category


@pytest.mark.parametrize("typed", ["Libary", "Pub", "", "library library"])
def test_words_that_are_no_kind_of_place_are_not_guessed(typed: str) -> None:
    assert category_of(typed) is None


def _plan(datasets: Datasets, path: Path):  # type: ignore[no-untyped-def]
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    return plan_import(read_table(path), datasets.store, checker)


def test_a_file_typed_in_excel_imports_its_kinds_and_hours(
    datasets: Datasets, tmp_path: Path
) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(
        "external_ref,name,category,postcode,opening_hours\n"
        "N1,Dale Road Chemist,Chemist,DE4 3AG,Mon-Fri 9am-6pm\n"
        "N2,Hall Leys Surgery,GP surgery,DE4 3AG,9am to 5.30pm\n"
        "N3,Old Mill Café,Café,DE4 3AG,Sat 10-4; Sun closed\n"
        "N4,Bank Road Doctors,Doctors,DE4 3AG,Mon-Sat 9-5; Closed Sunday\n"
    )
    plan = _plan(datasets, path)
    assert plan.ok, [str(e) for e in plan.errors]
    got = {r.name: (r.fields["category"], r.fields["opening_hours"]) for r in plan.rows}
    weekdays = "; ".join(f"{d} 09:00-18:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri"))
    assert got["Dale Road Chemist"] == ("pharmacy", weekdays)
    assert got["Hall Leys Surgery"][0] == "gp_surgery"
    assert got["Hall Leys Surgery"][1].startswith("Mon 09:00-17:30; Tue 09:00-17:30")
    assert got["Old Mill Café"] == ("cafe", "Sat 10:00-16:00")
    assert got["Bank Road Doctors"][1].endswith("Sat 09:00-17:00")


def test_a_bad_value_is_quoted_with_what_would_work(datasets: Datasets, tmp_path: Path) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(
        "external_ref,name,category,postcode,phone,opening_hours\n"
        "N1,Dale Road Chemist,Libary,DE4 3AG,345029633,Mon-Fri 9 to 5 maybe\n"
    )
    [error] = _plan(datasets, path).errors
    # One reason a field ("opening hours: ..."); an example of OSM rules has a "; " of its own.
    reasons = re.split(r"; (?=[a-z][a-z ]*(?::| \"))", error.reason)
    assert reasons[0] == (
        'category: "Libary" is not a kind of place we know. Use one of: Library, Pharmacy, '
        "Doctor's surgery, Shop, Café, Council office, Community centre, Hospital, "
        "Police station, Other."
    )
    assert reasons[1].startswith('opening hours: We could not read "Mon-Fri 9 to 5 maybe"')
    assert reasons[1].endswith(
        'a form like "Mon-Fri 9am-5pm, Sat 10am-1pm" or "Mo-Fr 09:00-17:00; PH off".'
    )
    assert reasons[2].startswith(
        'phone: "345029633" is not a real UK phone number: it has a digit missing. Type a UK '
        "phone number, like 01629 533400. Excel takes the 0 off the start of a number"
    )


def test_the_venue_contact_imports_checked_like_the_venues_own_details(
    datasets: Datasets, tmp_path: Path
) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(
        "Ref,Venue name,Type,Post code,Contact name,Contact email,Contact phone\n"
        "N1,Dale Road Chemist,Chemist,DE4 3AG,Jo Bloggs,jo@chemist.uk,07911 123456\n"
        "N2,Hall Leys Surgery,GP surgery,DE4 3AG,Sam,not an email,791112345\n"
    )
    plan = _plan(datasets, path)
    [row] = plan.rows
    assert (row.fields["contact_name"], row.fields["contact_email"]) == (
        "Jo Bloggs",
        "jo@chemist.uk",
    )
    assert row.fields["contact_phone"] == "+447911123456"  # stored in E.164
    [error] = plan.errors
    assert 'contact email: "not an email" is not an email address' in error.reason
    assert '"791112345" is not a real UK phone number' in error.reason
    assert "Excel takes the 0 off" in error.reason
    assert datasets.store.apply_import(plan.without_errors(), "ann") == 1
    added = next(r for r in datasets.store.rows() if r.external_ref == "N1")
    assert added.contact_email == "jo@chemist.uk"
