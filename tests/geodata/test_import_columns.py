"""Matching a file's columns to what they fill: suggested from the heading, chosen by the
person importing, never dropped without a choice, never two filling one detail."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.columns import (
    LEAVE_OUT,
    UnmatchedColumns,
    as_named,
    check_choices,
    suggest,
    target_named,
)
from geodata.import_files import read_sheet, read_table

NATURAL = ["Venue name", "Post code", "Telephone", "Opening times", "Type"]


def test_natural_headings_are_suggested_whatever_their_case_and_punctuation() -> None:
    assert suggest(NATURAL) == ["name", "postcode", "phone", "opening_hours", "category"]
    assert suggest(["VENUE NAME", "post-code", "Tel.", "opening_times", " type "]) == [
        "name", "postcode", "phone", "opening_hours", "category",
    ]  # fmt: skip
    assert suggest(["E-mail", "Web site", "Ref", "Access"]) == [
        "email", "website", "external_ref", "accessibility_notes",
    ]  # fmt: skip


def test_a_heading_we_do_not_know_waits_for_a_choice() -> None:
    assert suggest(["Venue name", "Manager's notes"]) == ["name", None]
    with pytest.raises(UnmatchedColumns) as unmatched:
        check_choices(["Venue name", "Manager's notes"], suggest(["Venue name", "Manager's notes"]))
    assert unmatched.value.problems == {
        1: 'Choose what the column "Manager\'s notes" fills, or leave it out.'
    }


def test_leaving_a_column_out_is_a_choice_and_drops_only_that_column(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Venue name,Notes,Post code\nDale Cafe,ring first,DE4 3AG\n")
    with pytest.raises(UnmatchedColumns):
        read_table(path)
    rows = read_table(path, columns=["name", LEAVE_OUT, "postcode"])
    assert rows == [{"name": "Dale Cafe", "postcode": "DE4 3AG"}]
    # Or the notes become the accessibility notes, as chosen.
    rows = read_table(path, columns=["name", "accessibility_notes", "postcode"])
    assert rows[0]["accessibility_notes"] == "ring first"


def test_two_columns_cannot_fill_one_detail() -> None:
    # The exact name wins the suggestion; the other waits.
    assert suggest(["Telephone", "phone"]) == [None, "phone"]
    with pytest.raises(UnmatchedColumns) as unmatched:
        check_choices(["Telephone", "Mobile"], ["phone", "phone"])
    both = 'The columns "Telephone" and "Mobile" both fill Phone number: choose one of them'
    assert set(unmatched.value.problems) == {0, 1}
    assert all(p.startswith(both) for p in unmatched.value.problems.values())


def test_our_own_export_needs_no_matching_and_its_own_columns_are_left_out() -> None:
    export = ["id", "external_ref", "name", "category", "status", "postcode", "version"]
    assert as_named(export)
    assert suggest(export) == [
        LEAVE_OUT, "external_ref", "name", "category", LEAVE_OUT, "postcode", LEAVE_OUT,
    ]  # fmt: skip
    # A file of its own with an id and no reference: the id is the reference.
    assert suggest(["id", "name"]) == ["external_ref", "name"]
    assert not as_named(NATURAL) and not as_named(["name", "Notes"])


def test_the_matching_step_shows_a_few_cells_of_each_column(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    lines = [f"Shop {i},,DE4 3AG" for i in range(5)]
    path.write_text("Venue name,Telephone,Post code\n" + "\n".join(lines) + "\n")
    columns = read_sheet(path).columns()
    assert [c.heading for c in columns] == ["Venue name", "Telephone", "Post code"]
    assert columns[0].examples == ("Shop 0", "Shop 1", "Shop 2")
    assert columns[1].examples == () and columns[1].suggested == "phone"


@pytest.mark.parametrize(
    ("words", "target"),
    [("name", "name"), ("Phone number", "phone"), ("tel", "phone"), ("leave out", LEAVE_OUT),
     ("Opening hours", "opening_hours"), ("castle", None)],
)  # fmt: skip
def test_a_detail_can_be_named_in_words(words: str, target: str | None) -> None:
    assert target_named(words) == target


def test_the_venue_contact_is_filled_from_its_own_columns(tmp_path: Path) -> None:
    headings = ["Venue name", "Telephone", "Contact name", "Contact email", "Contact phone"]
    assert suggest(headings) == ["name", "phone", "contact_name", "contact_email", "contact_phone"]
    assert suggest(["Manager", "Manager's email", "Mobile"]) == [
        "contact_name", "contact_email", "contact_phone",
    ]  # fmt: skip
    path = tmp_path / "v.csv"
    path.write_text(
        ",".join(headings) + "\nDale Cafe,01629 111111,Jo Bloggs,jo@dalecafe.uk,07700 900123\n"
    )
    [row] = read_table(path)
    assert row["contact_name"] == "Jo Bloggs" and row["contact_phone"] == "07700 900123"
