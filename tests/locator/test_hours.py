"""Tests for open-now questions in London time: open or closed, the next change, clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from schedules import LIBRARY, MON, hours, london, utc

from locator.hours import LONDON, OpeningHours, OpenStatus


def test_dates_used_in_tests_are_the_weekdays_assumed() -> None:
    assert london(2026, 5, MON).weekday() == 0
    assert london(2026, 3, 29).weekday() == 6
    assert london(2026, 10, 25).weekday() == 6


# --- open or closed ----------------------------------------------------------------------------


def test_boundaries_opening_minute_open_closing_minute_closed() -> None:
    h = hours(LIBRARY)
    assert not h.is_open(london(2026, 5, MON, 9, 29, 59))
    assert h.is_open(london(2026, 5, MON, 9, 30))
    assert h.is_open(london(2026, 5, MON, 16, 59, 59))
    assert not h.is_open(london(2026, 5, MON, 17, 0))
    assert h.is_open(london(2026, 5, 15, 18, 59))  # Friday late
    assert not h.is_open(london(2026, 5, 15, 19, 0))


def test_closed_days() -> None:
    h = hours(LIBRARY)
    for hour in range(24):
        assert not h.is_open(london(2026, 5, 17, hour, 30))  # Sunday


def test_gap_between_spans_is_closed() -> None:
    h = hours("Mon 09:00-12:30,13:30-17:00")
    assert h.is_open(london(2026, 5, MON, 12, 29))
    assert not h.is_open(london(2026, 5, MON, 12, 30))
    assert not h.is_open(london(2026, 5, MON, 13, 29))
    assert h.is_open(london(2026, 5, MON, 13, 30))


def test_overnight_span_into_next_day() -> None:
    h = hours("Fri 22:00-02:00")
    assert not h.is_open(london(2026, 5, 15, 21, 59))
    assert h.is_open(london(2026, 5, 15, 22, 0))
    assert h.is_open(london(2026, 5, 16, 1, 59))
    assert not h.is_open(london(2026, 5, 16, 2, 0))
    assert not h.is_open(london(2026, 5, 14, 23, 0))  # Thursday night
    assert h.closes_at(london(2026, 5, 15, 23, 0)) == london(2026, 5, 16, 2, 0)


def test_overnight_span_wraps_sunday_into_monday() -> None:
    h = hours("Sun 20:00-03:00")
    assert h.is_open(london(2026, 5, 17, 23, 0))
    assert h.is_open(london(2026, 5, 18, 2, 59))  # Monday of the next week
    assert h.is_open(london(2026, 5, MON, 0, 30))  # Monday of this week, from last Sunday
    assert not h.is_open(london(2026, 5, MON, 3, 0))
    assert h.closes_at(london(2026, 5, 17, 21, 0)) == london(2026, 5, 18, 3, 0)
    assert h.closes_at(london(2026, 5, MON, 1, 0)) == london(2026, 5, MON, 3, 0)
    assert h.next_opening(london(2026, 5, MON, 1, 0)) == london(2026, 5, 17, 20, 0)


def test_touching_spans_across_week_end_join_up() -> None:
    h = hours("Sun 18:00-24:00; Mon 00:00-06:00")
    at = london(2026, 5, 17, 20, 0)
    assert h.closes_at(at) == london(2026, 5, 18, 6, 0)
    assert h.next_opening(at) == london(2026, 5, 24, 18, 0)
    assert h.next_opening(london(2026, 5, MON, 7, 0)) == london(2026, 5, 17, 18, 0)


def test_overlapping_and_touching_spans_are_a_union() -> None:
    h = hours("Mon 09:00-12:00,11:00-14:00; Mon 14:00-15:00; Mon 10:00-10:30")
    at = london(2026, 5, MON, 9, 0)
    assert h.closes_at(at) == london(2026, 5, MON, 15, 0)
    assert h.next_change(at) == london(2026, 5, MON, 15, 0)
    assert h.next_opening(at) == london(2026, 5, 18, 9, 0)


def test_overnight_into_an_open_day() -> None:
    h = hours("Fri 22:00-02:00; Sat 01:00-05:00")
    assert h.closes_at(london(2026, 5, 15, 23, 0)) == london(2026, 5, 16, 5, 0)


def test_always_open() -> None:
    h = hours("Mon-Sun 00:00-24:00; Bank holidays as usual")
    at = london(2026, 5, 13, 3, 0)
    assert h.is_open(at)
    assert h.closes_at(at) is None
    assert h.next_opening(at) is None
    assert h.next_change(at) is None
    assert h.status(at) == OpenStatus(True, None, None)
    assert h.status(at).describe(at) == "Open now. Open all day, every day."


def test_always_open_from_overnight_spans() -> None:
    h = hours("Mon-Sun 12:00-06:00; Mon-Sun 06:00-12:00; Bank holidays as usual")
    at = london(2026, 5, 13, 3, 0)
    assert h.closes_at(at) is None
    assert h.next_opening(at) is None


# --- next opening and closing ------------------------------------------------------------------


def test_next_opening_when_closed_later_today() -> None:
    h = hours(LIBRARY)
    assert h.next_opening(london(2026, 5, MON, 7, 0)) == london(2026, 5, MON, 9, 30)
    assert h.next_change(london(2026, 5, MON, 7, 0)) == london(2026, 5, MON, 9, 30)


def test_next_opening_across_several_closed_days() -> None:
    h = hours("Mon 14:00-19:00; Fri 14:00-19:00")
    assert h.next_opening(london(2026, 5, MON, 19, 0)) == london(2026, 5, 15, 14, 0)
    assert h.next_opening(london(2026, 5, 15, 20, 0)) == london(2026, 5, 18, 14, 0)


def test_next_opening_across_the_week() -> None:
    h = hours("Wed 10:00-11:00")
    assert h.next_opening(london(2026, 5, 13, 11, 0)) == london(2026, 5, 20, 10, 0)
    assert h.next_opening(london(2026, 5, 13, 9, 59)) == london(2026, 5, 13, 10, 0)


def test_next_opening_when_open_is_after_this_span() -> None:
    h = hours(LIBRARY)
    assert h.next_opening(london(2026, 5, MON, 10, 0)) == london(2026, 5, 12, 9, 30)
    assert h.next_opening(london(2026, 5, 16, 10, 0)) == london(2026, 5, 18, 9, 30)  # Sat -> Mon
    one = hours("Wed 10:00-11:00")
    assert one.next_opening(london(2026, 5, 13, 10, 30)) == london(2026, 5, 20, 10, 0)


def test_next_opening_is_strictly_after_a_moment_that_is_opening_time() -> None:
    h = hours("Wed 10:00-11:00")
    assert h.next_opening(london(2026, 5, 13, 10, 0)) == london(2026, 5, 20, 10, 0)


def test_closes_at_and_next_change_when_open() -> None:
    h = hours(LIBRARY)
    at = london(2026, 5, 15, 12, 34, 56)
    assert h.closes_at(at) == london(2026, 5, 15, 19, 0)
    assert h.next_change(at) == london(2026, 5, 15, 19, 0)
    assert h.closes_at(london(2026, 5, 15, 20, 0)) is None


def test_results_are_london_aware_and_inputs_in_other_zones_work() -> None:
    h = hours(LIBRARY)
    at = datetime(2026, 5, 11, 7, 0, tzinfo=timezone(timedelta(hours=-5)))  # 13:00 BST
    assert h.is_open(at)
    closes = h.closes_at(at)
    assert closes == london(2026, 5, MON, 17, 0)
    assert closes is not None and closes.tzinfo is LONDON
    assert h.is_open(utc(2026, 5, MON, 8, 30))  # 09:30 BST
    assert not h.is_open(utc(2026, 5, MON, 8, 29))


def test_naive_datetime_raises() -> None:
    h = hours(LIBRARY)
    naive = datetime(2026, 5, 11, 12, 0)
    for method in (h.is_open, h.next_change, h.next_opening, h.closes_at, h.status):
        with pytest.raises(ValueError, match="timezone"):
            method(naive)
    with pytest.raises(ValueError):
        OpenStatus(False, None, None).describe(naive)


def test_no_spans_constructed_directly() -> None:
    h = OpeningHours(())
    at = london(2026, 5, MON, 12)
    assert not h.is_open(at)
    assert h.next_opening(at) is None
    assert h.status(at) == OpenStatus(False, None, None)


# --- daylight saving ---------------------------------------------------------------------------


def test_bst_starts_wall_clock() -> None:
    h = hours("Sun 09:00-17:00")
    # 29 Mar 2026: 08:30 UTC is 09:30 BST, so open; the Sunday before it is 08:30 GMT, closed.
    assert h.is_open(utc(2026, 3, 29, 8, 30))
    assert not h.is_open(utc(2026, 3, 22, 8, 30))
    assert not h.is_open(utc(2026, 3, 29, 16, 0))  # 17:00 BST
    opens = h.next_opening(london(2026, 3, 28, 20, 0))
    assert opens == utc(2026, 3, 29, 8, 0)
    assert opens is not None and opens.utcoffset() == timedelta(hours=1)


def test_bst_ends_wall_clock() -> None:
    h = hours("Sun 09:00-17:00")
    # 25 Oct 2026: 16:30 UTC is 16:30 GMT, open; a week earlier it is 17:30 BST, closed.
    assert h.is_open(utc(2026, 10, 25, 16, 30))
    assert not h.is_open(utc(2026, 10, 18, 16, 30))
    assert not h.is_open(utc(2026, 10, 25, 8, 30))  # 08:30 GMT
    closes = h.closes_at(utc(2026, 10, 25, 10, 0))
    assert closes == utc(2026, 10, 25, 17, 0)
    assert closes is not None and closes.utcoffset() == timedelta(0)


def test_overnight_span_over_the_spring_gap() -> None:
    h = hours("Sat 22:00-06:00")
    at = london(2026, 3, 28, 23, 0)  # GMT
    assert h.closes_at(at) == utc(2026, 3, 29, 5, 0)  # 06:00 BST: seven hours later, not eight
    assert h.is_open(utc(2026, 3, 29, 4, 59))
    assert not h.is_open(utc(2026, 3, 29, 5, 0))


def test_opening_in_the_skipped_hour_is_the_real_moment_after() -> None:
    h = hours("Sun 01:30-05:00")
    opens = h.next_opening(london(2026, 3, 28, 23, 0))
    # 01:30 does not exist that night: it opens when the clocks jump to 02:00 BST + 30 minutes.
    assert opens == utc(2026, 3, 29, 1, 30)
    assert opens is not None and opens.utcoffset() == timedelta(hours=1)


def test_repeated_hour_when_clocks_go_back() -> None:
    h = hours("Sat 20:00-01:45")
    first = london(2026, 10, 25, 1, 30, fold=0)  # 01:30 BST
    second = london(2026, 10, 25, 1, 30, fold=1)  # 01:30 GMT, an hour later
    assert first.astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert second.astimezone(UTC) == utc(2026, 10, 25, 1, 30)
    assert h.is_open(first) and h.is_open(second)
    closes_first, closes_second = h.closes_at(first), h.closes_at(second)
    assert closes_first is not None and closes_second is not None
    # Within one zone Python compares wall times and ignores fold, so compare in UTC.
    assert closes_first.astimezone(UTC) == utc(2026, 10, 25, 0, 45)
    assert closes_second.astimezone(UTC) == utc(2026, 10, 25, 1, 45)
    assert closes_second.fold == 1
    assert not h.is_open(utc(2026, 10, 25, 1, 45))
