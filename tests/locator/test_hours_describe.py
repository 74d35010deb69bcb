"""Tests for writing opening hours out: canonical text, lines to edit, day tables, plain English."""

from __future__ import annotations

import pickle
from datetime import datetime

import pytest
from schedules import LIBRARY, MON, hours, london, span, utc

from locator.hours import OpeningHours, OpenStatus, describe_unknown

# --- canonical text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (LIBRARY, LIBRARY),
        (
            "mon-fri 9.00–17.00",
            "; ".join(f"{d} 09:00-17:00" for d in "Mon Tue Wed Thu Fri".split()),
        ),
        ("Mon 13:30-17:00,09:00-12:30", "Mon 09:00-12:30,13:30-17:00"),
        ("Sun 10:00-16:00; Sat 10:00-16:00", "Sat 10:00-16:00; Sun 10:00-16:00"),
        ("Fri 22:00-02:00", "Fri 22:00-02:00"),
        ("Sat 18:00-00:00", "Sat 18:00-24:00"),
        ("Mon 09:00-17:00; Sun closed", "Mon 09:00-17:00"),
        ("Tue 10:00-17:00; Sun 00:00", "Tue 10:00-17:00"),
        ("Sun closed", "Mon-Sun closed"),
        (
            "Mon-Sun 00:00-24:00",
            "; ".join(f"{d} 00:00-24:00" for d in "Mon Tue Wed Thu Fri Sat Sun".split()),
        ),
    ],
)
def test_to_text_is_canonical_and_round_trips(text: str, canonical: str) -> None:
    h = hours(text)
    assert h.to_text() == canonical
    again = hours(h.to_text())
    assert again.spans == h.spans
    assert again.to_text() == canonical


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Mon-Fri 09:00-17:00; Sat 09:00-12:30", ["Mon-Fri 09:00-17:00", "Sat 09:00-12:30"]),
        ("Mon-Sun 00:00-24:00", ["Mon-Sun 00:00-24:00"]),
        ("Mon,Tue,Thu 10:00-16:00", ["Mon-Tue 10:00-16:00", "Thu 10:00-16:00"]),
        ("Sat-Mon 10:00-14:00", ["Mon 10:00-14:00", "Sat-Sun 10:00-14:00"]),
        ("Mon 09:00-12:30,13:30-17:00; Tue 09:00-12:30,13:30-17:00",
         ["Mon-Tue 09:00-12:30,13:30-17:00"]),
        ("Fri 22:00-02:00", ["Fri 22:00-02:00"]),
        ("Sun closed", ["Mon-Sun closed"]),
    ],
)  # fmt: skip
def test_to_lines_groups_days_with_the_same_times(text: str, lines: list[str]) -> None:
    h = hours(text)
    assert h.to_lines() == lines
    assert hours("\n".join(lines)).spans == h.spans


def test_to_text_round_trips_hand_built_spans() -> None:
    spans = (
        span(0, "00:00", "00:00"),
        span(2, "23:59", "00:01"),
        span(2, "08:15", "08:45"),
        span(6, "12:00", "00:00"),
    )
    h = OpeningHours(spans)
    assert hours(h.to_text()).spans == tuple(sorted(spans, key=lambda s: (s.day, s.start)))


def test_by_day_table() -> None:
    table = hours("Mon 09:00-12:30,13:30-17:00; Fri 22:00-02:00").by_day()
    assert table == [
        ("Monday", ["09:00-12:30", "13:30-17:00"]),
        ("Tuesday", []),
        ("Wednesday", []),
        ("Thursday", []),
        ("Friday", ["22:00-02:00"]),
        ("Saturday", []),
        ("Sunday", []),
    ]


def test_opening_hours_is_hashable_comparable_and_picklable() -> None:
    a, b = hours(LIBRARY), hours(LIBRARY.lower())
    assert a == b and hash(a) == hash(b)
    restored = pickle.loads(pickle.dumps(a))
    assert restored == a
    assert restored.is_open(london(2026, 5, MON, 10))


# --- plain English -----------------------------------------------------------------------------


def _describe(text: str, at: datetime) -> str:
    return hours(text).status(at).describe(at)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (london(2026, 5, MON, 10), "Open now. Closes at 5pm."),
        (london(2026, 5, MON, 7), "Closed now. Opens at 9:30am."),
        (london(2026, 5, MON, 17), "Closed now. Opens tomorrow at 9:30am."),
        (london(2026, 5, 16, 16), "Closed now. Opens on Monday at 9:30am."),
        (london(2026, 5, 17, 12), "Closed now. Opens tomorrow at 9:30am."),
        (london(2026, 5, 15, 18, 59), "Open now. Closes at 7pm."),
    ],
)
def test_describe_library(at: datetime, expected: str) -> None:
    assert _describe(LIBRARY, at) == expected


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        ("Mon 09:00-12:00", london(2026, 5, MON, 10), "Open now. Closes at 12 noon."),
        ("Mon 12:30-13:00", london(2026, 5, MON, 10), "Closed now. Opens at 12:30pm."),
        ("Mon 09:00-12:45", london(2026, 5, MON, 10), "Open now. Closes at 12:45pm."),
        ("Mon 18:00-24:00", london(2026, 5, MON, 20), "Open now. Closes at midnight."),
        ("Mon 00:15-01:00", london(2026, 5, 10, 23), "Closed now. Opens tomorrow at 12:15am."),
        ("Mon 22:00-02:00", london(2026, 5, MON, 23), "Open now. Closes tomorrow at 2am."),
        ("Wed 10:00-11:00", london(2026, 5, 13, 12), "Closed now. Opens next Wednesday at 10am."),
        ("Thu 10:05-11:00", london(2026, 5, MON, 12), "Closed now. Opens on Thursday at 10:05am."),
        ("Tue 00:00-06:00", london(2026, 5, MON, 20), "Closed now. Opens at midnight."),
        ("Wed 00:00-06:00", london(2026, 5, MON, 20), "Closed now. Opens tomorrow at midnight."),
    ],
)
def test_describe_wording(text: str, at: datetime, expected: str) -> None:
    assert _describe(text, at) == expected


def test_describe_uses_london_day_for_other_zones() -> None:
    # 23:30 UTC on Sunday 3 May is 00:30 BST on Monday, so 9:30am is today, not tomorrow.
    at = utc(2026, 5, 10, 23, 30)
    assert _describe(LIBRARY, at) == "Closed now. Opens at 9:30am."


def test_describe_far_future_gives_date() -> None:
    status = OpenStatus(False, None, london(2026, 6, 1, 9, 0))
    assert status.describe(london(2026, 5, MON, 12)) == "Closed now. Opens on Monday 1 June at 9am."


def test_describe_unknown() -> None:
    assert describe_unknown() == "Opening hours not known."
