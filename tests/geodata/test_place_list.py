"""The staff place list without HTTP: every filter's "any", one search box over name, address,
postcode, phone and reference, the yearly check's states, and counts by status."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from place_rows import AMBER, DALES, ROWS, TODAY, place

from geodata.place_list import Check, Missing, PlaceQuery, check_due, check_state, select
from locator.errors import InvalidParameter
from locator.venues import Status


def names(query: PlaceQuery) -> list[str]:
    return [r.name for r in select(ROWS, query, TODAY).places]


def parsed(**params: str) -> list[str]:
    return names(PlaceQuery.from_params(params))


FILTERS = {
    "status": "suspended", "area": AMBER, "kind": "police_enquiry_office", "check": "overdue",
    "missing": "phone", "changed": "7",
}  # fmt: skip


@pytest.mark.parametrize("key", [*FILTERS, "q"])
def test_an_empty_filter_means_any(key: str) -> None:
    everyone = sorted(r.name for r in ROWS)
    assert parsed(**{key: ""}) == everyone
    assert parsed(**{key: "  "}) == everyone


@pytest.mark.parametrize("chosen", [k for n in (1, 2) for k in itertools.combinations(FILTERS, n)])
def test_any_in_every_other_filter_leaves_the_chosen_ones(chosen: tuple[str, ...]) -> None:
    """One or two filters set, every other one "Any" (empty): the same as only those set."""
    params = {k: (FILTERS[k] if k in chosen else "") for k in FILTERS} | {"q": ""}
    only = {k: FILTERS[k] for k in chosen}
    assert parsed(**params) == parsed(**only)
    query = PlaceQuery.from_params(params)
    assert all(query.matches(r, TODAY) for r in select(ROWS, query, TODAY).places)


def test_each_filter() -> None:
    assert parsed(status="suspended") == ["Corner Café"]
    assert parsed(status="current") == [
        "Alfreton Library", "Corner Café", "Matlock Bath Pharmacy", "Matlock Library"]  # fmt: skip
    assert parsed(area=AMBER) == ["Alfreton Library"]
    assert parsed(kind="police_enquiry_office") == ["Chesterfield Police Station"]
    assert parsed(check="overdue") == ["Corner Café", "Matlock Library"]
    assert parsed(overdue="true") == ["Corner Café", "Matlock Library"]
    assert parsed(check="due") == ["Alfreton Library"]
    assert parsed(missing="phone") == ["Corner Café"]
    assert parsed(missing="opening_hours") == ["Alfreton Library"]
    assert parsed(missing="accessibility_notes") == ["Chesterfield Police Station"]
    assert "Corner Café" not in parsed(missing="contact_email")
    assert len(parsed(missing="contact_email")) == len(ROWS) - 1
    assert parsed(changed="7") == ["Chesterfield Police Station"]
    assert parsed(status="current", check="overdue", area=DALES) == [
        "Corner Café", "Matlock Library"]  # fmt: skip


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("matlock", ["Corner Café", "Matlock Bath Pharmacy", "Matlock Library"]),
        ("MATLOCK LIB", ["Matlock Library"]),
        ("steep turnpike", ["Matlock Library"]),
        ("de4 3ag", ["Matlock Library"]),
        ("DE43AG", ["Matlock Library"]),
        ("de4  3ag ", ["Matlock Library"]),
        ("DE4", ["Corner Café", "Matlock Bath Pharmacy", "Matlock Library"]),
        ("01629 533 400", ["Matlock Library"]),
        ("01629533400", ["Matlock Library"]),
        ("+44 1629 533400", ["Matlock Library"]),
        ("533400", ["Matlock Library"]),
        ("alf-001", ["Alfreton Library"]),
        ("POL", ["Chesterfield Police Station"]),
        ("café", ["Corner Café"]),
        ("nowhere at all", []),
    ],
)
def test_one_search_box(q: str, found: list[str]) -> None:
    assert names(PlaceQuery(q=q)) == found


def test_a_postcode_is_not_read_as_a_phone_number() -> None:
    """DE4 3AG has the digits 4 and 3: no phone number containing "43" is found by it."""
    rows = [*ROWS, place("X-1", "Somewhere", phone="01629 43 43 43")]
    assert [r.name for r in select(rows, PlaceQuery(q="DE4 3AG"), TODAY).places] == [
        "Matlock Library"
    ]


@pytest.mark.parametrize("q", ["07911 123456", "+447911123456", "01629 533400", "533400"])
def test_any_of_a_places_stored_numbers_is_found_as_people_type_it(q: str) -> None:
    stored = place("X-2", "Two numbers", phone="+441629533400;ext=12 / +447911123456 (textphone)")
    assert [r.name for r in select([stored], PlaceQuery(q=q), TODAY).places] == ["Two numbers"]
    assert select([stored], PlaceQuery(q="0162953340012"), TODAY).places == []


def test_counts_by_status_are_of_the_places_found() -> None:
    found = select(ROWS, PlaceQuery(q="matlock"), TODAY)
    assert len(found) == 3
    assert found.by_status == {Status.DRAFT: 1, Status.ACTIVE: 1, Status.SUSPENDED: 1}


def test_the_yearly_check() -> None:
    assert check_due(date(2025, 12, 2)) == date(2026, 12, 2)
    assert check_state(None, TODAY) is Check.OVERDUE
    assert check_state(TODAY - timedelta(days=366), TODAY) is Check.OVERDUE
    assert check_state(TODAY - timedelta(days=365), TODAY) is Check.DUE_SOON  # due today
    assert check_state(TODAY - timedelta(days=335), TODAY) is Check.DUE_SOON
    assert check_state(TODAY - timedelta(days=334), TODAY) is None


def test_filters_as_text_and_back() -> None:
    query = PlaceQuery.from_params(FILTERS | {"q": "Matlock"})
    assert query.params() == FILTERS | {"q": "Matlock"}
    assert PlaceQuery.from_params(query.params()) == query
    assert PlaceQuery(missing=Missing.PHONE).params() == {"missing": "phone"}


def test_an_unknown_choice_is_said_in_words() -> None:
    with pytest.raises(InvalidParameter) as bad:
        PlaceQuery.from_params({"status": "nonsense", "kind": "zoo"})
    assert bad.value.user_message == (
        "We don't know the status or the kind of place chosen. Choose again from the lists."
    )
