"""Places read back from the database as venues (geodata.venue_rows)."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

import pytest
from sqlalchemy import text

from geodata.store import PlaceStore
from geodata.venue_rows import venue_of
from locator.hours import OpeningHours
from locator.venues import Status, Venue
from tests.synthetic import venue_at

HOURS = "Mon-Sun 09:00-17:00"


def _store(database_url: str) -> PlaceStore:
    store = PlaceStore.open(database_url)
    hours = OpeningHours.parse(HOURS)
    store.add(
        [
            venue_at(1, -1.50, 53.10, opening_hours=hours, phone="01629 580000"),
            venue_at(2, -1.51, 53.11, opening_hours=hours),
            venue_at(3, -1.52, 53.12),
            venue_at(4, -1.53, 53.13, opening_hours=hours, operator="Derbyshire"),
        ]
    )
    return store


def _set(store: PlaceStore, place_id: str, column: str, value: str) -> None:
    with store.writer.begin() as connection:
        connection.execute(
            text(f"UPDATE places SET {column} = :value WHERE id = :id"),
            {"value": value, "id": place_id},
        )


def test_every_place_reads_as_its_own_row_does(database_url: str) -> None:
    store = _store(database_url)
    venues = store.venues()
    assert [v.id for v in venues] == ["T001", "T002", "T003", "T004"]
    assert venues == [row.to_venue() for row in store.rows()]
    assert venues[0].phone == "01629 580000" and venues[3].operator == "Derbyshire"
    assert venues[2].opening_hours is None
    # The same hours are read once and shared (they are immutable).
    assert venues[0].opening_hours == OpeningHours.parse(HOURS)
    assert venues[0].opening_hours is venues[1].opening_hours is venues[3].opening_hours


def test_every_field_reads_back_with_its_own_type(database_url: str) -> None:
    # Start-up reads the driver's rows and types them itself: each value as the ORM reads it.
    store = _store(database_url)
    store.add(
        [
            venue_at(
                5, -1.54, 53.14, last_checked=date(2025, 3, 1), verified=False,
                verification_note="Not confirmed", website="https://example.org",
                email="a@example.org", accessibility_notes="Step-free", status=Status.SUSPENDED,
            )
        ]
    )  # fmt: skip
    venues = store.venues()
    assert venues == [row.to_venue() for row in store.rows()]
    for venue, row in zip(venues, store.rows(), strict=True):
        for field in dataclasses.fields(Venue):
            ours, theirs = getattr(venue, field.name), getattr(row.to_venue(), field.name)
            assert type(ours) is type(theirs), field.name
    last = venues[-1]
    assert (last.last_checked, last.verified) == (date(2025, 3, 1), False)
    assert last.status is Status.SUSPENDED


def test_a_venue_made_from_its_values_is_the_one_its_class_makes() -> None:
    venue = venue_at(1, -1.5, 53.1, phone="01629 580000", last_checked=date(2025, 1, 2))
    values = [getattr(venue, f.name) for f in dataclasses.fields(Venue)]
    made = venue_of(values)
    assert made == venue and hash(made) == hash(venue) and repr(made) == repr(venue)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "Other"  # type: ignore[misc]


def test_unreadable_stored_hours_leave_that_place_without_hours(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(database_url)
    _set(store, "T002", "opening_hours", "Funday 09:00-17:00")
    _set(store, "T003", "opening_hours", "Funday 09:00-17:00")
    with caplog.at_level(logging.WARNING, logger="geodata.rows"):
        venues = store.venues()
    assert [v.opening_hours is None for v in venues] == [False, True, True, False]
    # Said for each place that has them, never with the text itself.
    warned = [r.getMessage() for r in caplog.records if "opening hours" in r.getMessage()]
    assert warned == [
        "place T002: stored opening hours could not be read",
        "place T003: stored opening hours could not be read",
    ]


def test_a_stored_value_that_is_no_kind_is_refused(database_url: str) -> None:
    store = _store(database_url)
    _set(store, "T003", "kind", "castle")
    with pytest.raises(ValueError, match="castle"):
        store.venues()
