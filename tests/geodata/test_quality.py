"""Data-quality rules: each caught by a place made to break it, none by a clean place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
import shapely

from geodata import quality
from geodata.gazetteer import Gazetteer
from geodata.rows import PlaceRow
from locator.area import ServiceArea
from locator.geo import bng_to_wgs84

TODAY = date(2026, 11, 24)
# Two postcodes near Matlock (British National Grid), and a 10 km square around them.
CENTRES = {"DE4 3AG": (430_000.0, 360_000.0), "DE4 3AH": (431_000.0, 360_000.0)}
AREA = ServiceArea(shapely.box(425_000, 355_000, 435_000, 365_000), "Testshire")


# Different names for places at the same spot (so they are not "likely duplicates").
NAMES = {"A": "Matlock Library", "B": "Riverside Pharmacy", "BAD": "Corner Café"}


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = bng_to_wgs84(x, y)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    rows = []
    for code, (x, y) in CENTRES.items():
        lon, lat = _lonlat(x, y)
        rows.append(
            {"postcode": code, "latitude": lat, "longitude": lon, "easting": x, "northing": y}
        )
    return Gazetteer.from_frame(pd.DataFrame(rows))


def _place(id: str, dx: float = 0, dy: float = 0, **changes: Any) -> PlaceRow:
    """A clean place at DE4 3AG's centre (moved by dx, dy grid metres), then `changes`."""
    lon, lat = _lonlat(CENTRES["DE4 3AG"][0] + dx, CENTRES["DE4 3AG"][1] + dy)
    fields: dict[str, Any] = {
        "id": id,
        "name": NAMES.get(id, f"Place {id}"),
        "kind": "safe_place",
        "category": "library",
        "status": "active",
        "postcode": "DE4 3AG",
        "latitude": lat,
        "longitude": lon,
        "phone": "01629 000000",
        "opening_hours": "Mon 09:00-17:00",
        "accessibility_notes": "Step-free entrance; quiet room on request.",
        "last_checked": TODAY - timedelta(days=30),
        "local_authority_code": "E07000035",
    }
    fields.update(changes)
    return PlaceRow(**fields)


def _caught(places: list[PlaceRow], gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Each rule's caught place ids."""
    issues = quality.run_rules(quality.places_table(places), gazetteer, AREA, TODAY)
    return {rule: issues[issues["rule"] == rule]["id"].tolist() for rule in quality.RULES}


def _only(rule: str, ids: list[str]) -> dict[str, list[str]]:
    return {r: (ids if r == rule else []) for r in quality.RULES}


def test_a_clean_place_is_caught_by_nothing(gazetteer: Gazetteer) -> None:
    clean = [_place("A"), _place("B", dx=1000, name="Another place", postcode="DE4 3AH")]
    assert _caught(clean, gazetteer) == _only("missing_phone", [])
    issues = quality.run_rules(quality.places_table(clean), gazetteer, AREA, TODAY)
    assert list(issues.columns) == list(quality.ISSUE_COLUMNS) and issues.empty


@pytest.mark.parametrize(
    ("rule", "changes"),
    [
        ("missing_phone", {"phone": None}),
        ("missing_phone", {"phone": "   "}),
        ("unusable_contact", {"phone": "0999999999"}),
        ("unusable_contact", {"phone": "ask at the desk"}),
        ("unusable_contact", {"contact_phone": "07700 900123"}),
        ("unusable_contact", {"email": "library at derbyshire"}),
        ("unusable_contact", {"contact_email": "jo@"}),
        ("missing_opening_hours", {"opening_hours": None}),
        ("missing_accessibility_notes", {"accessibility_notes": ""}),
        ("check_overdue", {"last_checked": None}),
        ("check_overdue", {"last_checked": TODAY - timedelta(days=366)}),
        ("far_from_postcode", {"postcode": "DE4 3AH"}),  # its centre is 1 km away
        ("far_from_postcode", {"postcode": "DE4 9ZZ"}),  # not a known postcode
        ("outside_area", {"latitude": 53.5, "longitude": -1.0}),
    ],
)
def test_each_rule_catches_a_place_that_breaks_it(
    gazetteer: Gazetteer, rule: str, changes: dict[str, Any]
) -> None:
    places = [_place("A"), _place("BAD", **changes)]
    caught = _caught(places, gazetteer)
    if rule == "outside_area":  # far from its postcode as well, necessarily
        caught["far_from_postcode"] = []
    assert caught == _only(rule, ["BAD"])


def test_reasons_are_plain_words(gazetteer: Gazetteer) -> None:
    places = quality.places_table(
        [
            _place("OLD", last_checked=date(2025, 3, 3)),
            _place("NEVER", last_checked=None),
            _place("FAR", dx=600),
            _place("TYPO", postcode="DE4 9ZZ"),
            _place("OUT", dx=9000),
        ]
    )
    overdue = quality.check_overdue(places, TODAY).set_index("id")["reason"]
    assert overdue["OLD"] == "Last checked on 3 March 2025, 631 days ago: checks are yearly."
    assert overdue["NEVER"] == "Never checked."
    far = quality.far_from_postcode(places, gazetteer).set_index("id")["reason"]
    assert far["FAR"].startswith("600 m from the centre of its postcode DE4 3AG")
    assert far["OUT"].startswith("9.0 km from the centre")
    assert "DE4 9ZZ is not in the postcode data" in far["TYPO"]
    out = quality.outside_area(places, AREA)
    assert (
        out["id"].tolist() == ["OUT"]
        and "outside the area we cover (Testshire)" in (out["reason"].iloc[0])
    )
    # A pin just inside the limit is fine.
    assert quality.far_from_postcode(
        quality.places_table([_place("NEAR", dx=450)]), gazetteer
    ).empty


def test_likely_duplicates_need_both_a_similar_name_and_nearness(gazetteer: Gazetteer) -> None:
    places = [
        _place("D1", name="Matlock Library"),
        _place("D2", dx=20, name="Library, Matlock"),  # same words, 20 m away: caught
        _place("D3", dx=30, name="Boots"),  # 30 m away, a different name
        _place("D4", dx=35, name="BOOTS PHARMACY"),  # "Boots" within it, 5 m from D3
        _place("D5", dx=400, name="Matlock Library"),  # same name, too far
    ]
    found = quality.likely_duplicates(quality.places_table(places))
    assert found["id"].tolist() == ["D1", "D3"]
    reasons = found.set_index("id")["reason"]
    assert reasons["D1"] == (
        'Similar name to "Library, Matlock" (D2), 20 m away: the same place entered twice?'
    )
    assert '"BOOTS PHARMACY" (D4), 5 m away' in reasons["D3"]
    caught = _caught(places, gazetteer)
    assert caught["likely_duplicate"] == ["D1", "D3"]


def test_name_similarity() -> None:
    assert quality.name_similarity("Matlock Library", "matlock library") == 1.0
    assert quality.name_similarity("St Mary's Café", "st marys cafe") == 1.0
    assert quality.name_similarity("Matlock Library", "Library, Matlock") == 1.0
    assert quality.name_similarity("Matlock Libary", "Matlock Library") >= quality.SIMILAR_NAMES
    assert quality.name_similarity("Matlock Library", "Bakewell Library") < quality.SIMILAR_NAMES
    assert quality.name_similarity("", "Anything") == 0.0


def test_removed_places_are_left_out_and_the_summary_counts(gazetteer: Gazetteer) -> None:
    places = quality.places_table(
        [
            _place("A"),
            _place("B", phone=None, opening_hours=None, status="suspended"),
            _place("C", phone=None, status="removed"),
        ]
    )
    assert places["id"].tolist() == ["A", "B"]
    issues = quality.run_rules(places, gazetteer, AREA, TODAY)
    summary = quality.summary(issues, places).set_index("rule")
    assert list(summary.index) == list(quality.RULES)
    assert summary["places"].to_dict() == {
        "missing_phone": 1,
        "unusable_contact": 0,
        "missing_opening_hours": 1,
        "missing_accessibility_notes": 0,
        "check_overdue": 0,
        "far_from_postcode": 0,
        "likely_duplicate": 0,
        "outside_area": 0,
    }
    assert (summary["of"] == 2).all()
    assert issues[issues["id"] == "B"]["status"].tolist() == ["suspended", "suspended"]
