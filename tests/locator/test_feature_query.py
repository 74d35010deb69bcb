"""Property filters and sortby on a collection's places (locator.feature_query), on venues
made here: equality as declared, every filter at once, each sort key in turn, nulls last."""

from __future__ import annotations

from datetime import date

import pytest

from locator.errors import BadQueryParameter
from locator.feature_query import QUERYABLE_NAMES, FeatureQuery, parse_query, parse_sortby
from locator.venues import Category, Kind, LocationPrecision, Venue


def _venue(id: str, name: str, category: Category, postcode: str | None, **more: object) -> Venue:
    return Venue(
        id=id, name=name, kind=category.kind, category=category, address="High St",
        postcode=postcode, latitude=53.1, longitude=-1.5,
        location_precision=LocationPrecision.BUILDING, **more,  # type: ignore[arg-type]
    )  # fmt: skip


VENUES = [
    _venue("A1", "Matlock Library", Category.LIBRARY, "DE4 3AH", last_checked=date(2026, 3, 1)),
    _venue("A2", "matlock pharmacy", Category.PHARMACY, None, verified=False),
    _venue("A3", "Alfreton Library", Category.LIBRARY, "DE55 7BQ"),
    _venue("A4", "Belper Café", Category.CAFE, "DE56 1AA", last_checked=date(2025, 1, 9)),
]


def _ids(query: FeatureQuery) -> list[str]:
    return [v.id for v in query.apply(VENUES)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["A1", "A2", "A3", "A4"]),
        ({"category": "library"}, ["A1", "A3"]),
        ({"name": "Matlock Library"}, ["A1"]),
        ({"name": "matlock library"}, []),  # exact: case counts
        ({"name": "Matlock"}, []),  # the whole name, not a part of it
        ({"postcode": "de43ah"}, ["A1"]),  # case and spaces ignored
        ({"postcode": " DE4  3AH "}, ["A1"]),
        ({"postcode": "DE4"}, []),
        ({"verified": "false"}, ["A2"]),
        ({"verified": "TRUE"}, ["A1", "A3", "A4"]),
        ({"last_checked": "2026-03-01"}, ["A1"]),
        ({"category": "library", "verified": "true", "postcode": "DE55 7BQ"}, ["A3"]),
        ({"kind": "safe_place"}, ["A1", "A2", "A3", "A4"]),
        ({"location_precision": "town"}, []),
        ({"id": "A4"}, ["A4"]),
    ],
)
def test_filters_are_equality_as_declared(params: dict[str, str], expected: list[str]) -> None:
    assert _ids(parse_query(params, Kind.SAFE_PLACE)) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"category": "police_station"}, "category must be one of: library, pharmacy"),
        ({"category": "Library"}, "category must be one of"),
        ({"kind": "police_enquiry_office"}, "kind must be one of: safe_place"),
        ({"verified": "yes"}, "verified must be true or false"),
        ({"last_checked": "March"}, "last_checked must be a date"),
        ({"location_precision": "[invalid-value]"}, "location_precision must be one of"),
    ],
)
def test_values_a_property_cannot_take_are_refused(params: dict[str, str], message: str) -> None:
    with pytest.raises(BadQueryParameter) as caught:
        parse_query(params, Kind.SAFE_PLACE)
    assert message in caught.value.user_message


def test_police_offices_have_their_own_categories() -> None:
    query = parse_query({"category": "police_station"}, Kind.POLICE_ENQUIRY_OFFICE)
    assert query.filters[0][1] == "police_station"


@pytest.mark.parametrize(
    ("sortby", "expected"),
    [
        ("name", ["A3", "A4", "A1", "A2"]),  # case-insensitive: "matlock p" after "Matlock L"
        ("-name", ["A2", "A1", "A4", "A3"]),
        ("+name", ["A3", "A4", "A1", "A2"]),
        (" name", ["A3", "A4", "A1", "A2"]),  # a + in a URL arrives as a space
        ("category,-name", ["A4", "A1", "A3", "A2"]),
        ("-category,name", ["A2", "A3", "A1", "A4"]),
        ("postcode", ["A1", "A3", "A4", "A2"]),  # no postcode: last
        ("-postcode", ["A4", "A3", "A1", "A2"]),  # last the other way too
        ("last_checked", ["A4", "A1", "A2", "A3"]),  # ties keep id order
        ("-last_checked", ["A1", "A4", "A2", "A3"]),
        ("verified,id", ["A2", "A1", "A3", "A4"]),
        ("-id", ["A4", "A3", "A2", "A1"]),
    ],
)
def test_sortby(sortby: str, expected: list[str]) -> None:
    assert _ids(FeatureQuery(sortby=parse_sortby(sortby))) == expected


def test_filters_and_sort_together() -> None:
    query = parse_query({"category": "library", "sortby": "-name"}, Kind.SAFE_PLACE)
    assert _ids(query) == ["A1", "A3"]


@pytest.mark.parametrize(
    ("sortby", "message"),
    [
        ("colour", "sortby takes property names"),
        ("name,", "sortby takes property names"),
        ("name,-name", "only once"),
        ("--name", "sortby takes property names"),
    ],
)
def test_bad_sortby(sortby: str, message: str) -> None:
    with pytest.raises(BadQueryParameter) as caught:
        parse_sortby(sortby)
    assert message in caught.value.user_message


def test_every_queryable_is_a_public_property() -> None:
    from locator.features import PUBLIC_FIELDS

    assert set(QUERYABLE_NAMES) <= set(PUBLIC_FIELDS)
