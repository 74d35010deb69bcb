"""Tests for locator.hours: parsing weekly opening hours and open-now questions in London time."""

from __future__ import annotations

import csv
import os
import pickle
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from locator.hours import (
    LONDON,
    InvalidOpeningHours,
    OpeningHours,
    OpenStatus,
    TimeSpan,
    describe_unknown,
)

LIBRARY = (
    "Mon 09:30-17:00; Tue 09:30-17:00; Wed 09:30-17:00; Thu 09:30-17:00; "
    "Fri 09:30-19:00; Sat 09:30-16:00"
)


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=LONDON, fold=fold)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def hours(text: str) -> OpeningHours:
    parsed = OpeningHours.parse(text)
    assert parsed is not None
    return parsed


def span(day: int, start: str, end: str) -> TimeSpan:
    return TimeSpan(day, time.fromisoformat(start), time.fromisoformat(end))


# 2026-05-04 is a Monday; the week runs Mon 4 May .. Sun 10 May.
MON = 4


def test_dates_used_in_tests_are_the_weekdays_assumed() -> None:
    assert london(2026, 5, MON).weekday() == 0
    assert london(2026, 3, 29).weekday() == 6
    assert london(2026, 10, 25).weekday() == 6


# --- parsing -----------------------------------------------------------------------------------


def test_parse_real_library_format() -> None:
    h = hours(LIBRARY)
    assert h.warnings == ()
    assert h.spans == (
        span(0, "09:30", "17:00"),
        span(1, "09:30", "17:00"),
        span(2, "09:30", "17:00"),
        span(3, "09:30", "17:00"),
        span(4, "09:30", "19:00"),
        span(5, "09:30", "16:00"),
    )
    assert h.by_day()[6] == ("Sunday", [])


@pytest.mark.parametrize("text", ["", "   ", "\n", " \t \n ", ";", " ; \n ; "])
def test_blank_means_not_known(text: str) -> None:
    assert OpeningHours.parse(text) is None


def test_lone_time_is_closed_with_warning() -> None:
    h = hours("Tue 10:00-17:00; Wed 10:00-16:30; Fri 10:00-16:30; Sun 00:00")
    assert [s.day for s in h.spans] == [1, 2, 4]
    assert h.by_day()[6] == ("Sunday", [])
    assert len(h.warnings) == 1
    assert '"Sun 00:00"' in h.warnings[0]
    assert "Sunday" in h.warnings[0]
    assert not h.is_open(london(2026, 5, 10, 0, 0))
    assert not h.is_open(london(2026, 5, 10, 12, 0))


def test_lone_time_only_entry_gives_closed_schedule_not_unknown() -> None:
    h = hours("Sun 00:00")
    assert h.spans == ()
    assert h.warnings
    assert h.next_opening(london(2026, 5, MON, 12)) is None


def test_lone_time_for_a_range_warns_for_each_day() -> None:
    h = hours("Sat-Sun 10:00")
    assert h.spans == ()
    assert len(h.warnings) == 2


def test_day_range() -> None:
    h = hours("Mon-Fri 09:00-17:00")
    assert h.spans == tuple(span(d, "09:00", "17:00") for d in range(5))


def test_day_range_wraps_over_weekend() -> None:
    h = hours("Sat-Mon 10:00-12:00")
    assert [s.day for s in h.spans] == [0, 5, 6]


def test_day_list_with_commas() -> None:
    h = hours("Mon, Wed,Fri 09:00-17:00")
    assert [s.day for s in h.spans] == [0, 2, 4]


def test_several_spans_in_a_day() -> None:
    h = hours("Mon 09:00-12:30,13:30-17:00")
    assert h.spans == (span(0, "09:00", "12:30"), span(0, "13:30", "17:00"))
    assert h.by_day()[0] == ("Monday", ["09:00-12:30", "13:30-17:00"])


def test_spans_with_spaces_after_commas() -> None:
    h = hours("Mon 09:00 - 12:30 , 13:30 - 17:00")
    assert h.spans == (span(0, "09:00", "12:30"), span(0, "13:30", "17:00"))


def test_explicit_closed() -> None:
    h = hours("Mon-Sat 09:00-17:00; Sun closed")
    assert len(h.spans) == 6
    assert h.by_day()[6] == ("Sunday", [])


def test_closed_wins_over_a_range() -> None:
    for text in ("Mon-Fri 09:00-17:00; Wed CLOSED", "Wed closed; Mon-Fri 09:00-17:00"):
        assert [s.day for s in hours(text).spans] == [0, 1, 3, 4]


def test_all_closed_is_known_but_never_opens() -> None:
    h = hours("Mon-Sun closed")
    assert h.spans == ()
    at = london(2026, 5, MON, 12)
    assert not h.is_open(at)
    assert h.next_opening(at) is None
    assert h.next_change(at) is None
    assert h.closes_at(at) is None
    assert h.status(at).describe(at) == "Closed now."


def test_overnight_span() -> None:
    h = hours("Fri 22:00-02:00")
    assert h.spans == (span(4, "22:00", "02:00"),)
    assert h.spans[0].overnight
    assert h.spans[0].duration == timedelta(hours=4)


def test_overnight_reversed_times_are_valid() -> None:
    h = hours("Mon 17:00-09:00")
    assert h.spans == (span(0, "17:00", "09:00"),)
    assert h.is_open(london(2026, 5, 5, 8, 59))
    assert not h.is_open(london(2026, 5, 5, 9, 0))


def test_24_00_as_end_time() -> None:
    h = hours("Sat 18:00-24:00")
    assert h.spans == (span(5, "18:00", "00:00"),)
    assert not h.spans[0].overnight
    assert h.spans[0].duration == timedelta(hours=6)
    assert h.to_text() == "Sat 18:00-24:00"


def test_00_00_end_means_midnight_too() -> None:
    assert hours("Sat 18:00-00:00") == hours("Sat 18:00-24:00")


@pytest.mark.parametrize("text", ["Tue 00:00-24:00", "Tue 00:00-00:00"])
def test_whole_day(text: str) -> None:
    h = hours(text)
    assert h.spans[0].duration == timedelta(days=1)
    assert h.is_open(london(2026, 5, 5, 0, 0))
    assert h.is_open(london(2026, 5, 5, 23, 59))
    assert not h.is_open(london(2026, 5, 6, 0, 0))
    assert not h.is_open(london(2026, 5, 4, 23, 59))
    assert h.to_text() == "Tue 00:00-24:00"


@pytest.mark.parametrize(
    "text",
    [
        "monday 09:00-17:00",
        "MON 09:00-17:00",
        "Monday 09:00-17:00",
        "mOnDaY 09:00-17:00",
        "Mon 09.00-17.00",
        "Mon 09:00\u201317:00",
        "Mon 09:00 \u2013 17:00",
        "  Mon    09:00  -  17:00  ",
        "Mon: 09:00-17:00",
        "Mon 9:00-17:00",
        "Mon 09:00-17:00;",
        "; Mon 09:00-17:00 ;;",
    ],
)
def test_equivalent_spellings(text: str) -> None:
    assert hours(text).spans == (span(0, "09:00", "17:00"),)


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("Tues", 1),
        ("tuesday", 1),
        ("Weds", 2),
        ("WEDNESDAY", 2),
        ("Thur", 3),
        ("Thurs", 3),
        ("thursday", 3),
        ("Friday", 4),
        ("saturday", 5),
        ("SUNDAY", 6),
    ],
)
def test_day_names(name: str, day: int) -> None:
    assert hours(f"{name} 10:00-11:00").spans[0].day == day


def test_en_dash_in_day_range() -> None:
    assert len(hours("Mon\u2013Fri 09:00\u201317:00").spans) == 5


def test_newlines_separate_entries() -> None:
    h = hours("Mon 09:00-17:00\nTue 10:00-16:00\r\n\r\nSat closed\n")
    assert h.spans == (span(0, "09:00", "17:00"), span(1, "10:00", "16:00"))


def test_duplicates_collapse_and_order_is_canonical() -> None:
    h = hours("Tue 10:00-16:00; Mon 13:00-17:00; Mon 09:00-12:00; Mon 09:00-12:00")
    assert h.spans == (
        span(0, "09:00", "12:00"),
        span(0, "13:00", "17:00"),
        span(1, "10:00", "16:00"),
    )


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Mon 9-5pm", '"Mon 9-5pm"'),
        ("Funday 09:00-17:00", '"Funday"'),
        ("Mon 25:00-26:00", '"25:00"'),
        ("Mon 09:60-17:00", '"09:60"'),
        ("Mon 24:00-10:00", '"24:00"'),
        ("Mon 24:30-10:00", '"Mon 24:30-10:00"'),
        ("Mon 09:00-24:01", '"Mon 09:00-24:01"'),
        ("Mon 09:00-09:00", '"09:00-09:00"'),
        ("09:00-17:00", '"09:00-17:00"'),
        ("Mon", '"Mon"'),
        ("Mon 09:00-17:00, 18:00", '"Mon 09:00-17:00, 18:00"'),
        ("Mon 0900-1700", '"Mon 0900-1700"'),
        ("Mon 9am-5pm", '"Mon 9am-5pm"'),
        ("Mon Tue 09:00-17:00", '"Mon Tue 09:00-17:00"'),
        ("Mon-Wed-Fri 09:00-17:00", '"Mon-Wed-Fri"'),
        ("Mon 09:00-17:00 closed", '"Mon 09:00-17:00 closed"'),
        ("Mon 09:00-17:00, Tue 09:00-17:00", '"Mon 09:00-17:00, Tue 09:00-17:00"'),
        ("open all hours", '"open all hours"'),
    ],
)
def test_invalid_text_raises_with_bad_part_quoted(text: str, quoted: str) -> None:
    with pytest.raises(InvalidOpeningHours) as caught:
        OpeningHours.parse(f"Sat 10:00-12:00; {text}; Sun closed")
    message = str(caught.value)
    assert message.startswith("We could not read ")
    assert quoted in message
    assert f'"{text}"' in message
    assert "Sat 10:00-12:00" not in message
    assert message.endswith('a form like "Mon 09:00-17:00".')
    assert caught.value.part == text


def test_invalid_message_matches_documented_example() -> None:
    with pytest.raises(InvalidOpeningHours) as caught:
        OpeningHours.parse("Mon 9-5pm")
    assert str(caught.value) == (
        'We could not read "Mon 9-5pm" as opening hours: use a form like "Mon 09:00-17:00".'
    )


def test_invalid_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        OpeningHours.parse("Funday 09:00-17:00")


def test_long_bad_part_is_shortened_in_message() -> None:
    text = "Mon " + "x" * 500
    with pytest.raises(InvalidOpeningHours) as caught:
        OpeningHours.parse(text)
    assert len(str(caught.value)) < 200


def _real_opening_hours() -> list[str]:
    path = Path(os.environ.get("SAFEPLACES_DATA_DIR", "/work/shared/data"))
    path = path / "venues_derbyshire.csv"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    with path.open(newline="", encoding="utf-8") as f:
        return [row["opening_hours"] for row in csv.DictReader(f)]


def test_every_real_value_parses_and_round_trips() -> None:
    values = _real_opening_hours()
    assert values
    for text in values:
        h = OpeningHours.parse(text)
        if not text.strip():
            assert h is None
            continue
        assert h is not None, text
        assert h.spans or h.warnings, text
        again = OpeningHours.parse(h.to_text())
        assert again is not None
        assert again.spans == h.spans
        assert again.warnings == ()
        # The grouped lines staff edit read back as the same hours too.
        lines = OpeningHours.parse("\n".join(h.to_lines()))
        assert lines is not None and lines.spans == h.spans, text
        # Warnings are only for the known "time without a range" oddity.
        assert all("gives one time" in w for w in h.warnings), h.warnings


# --- TimeSpan ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (7, time(9), time(17)),
        (-1, time(9), time(17)),
        (0, time(9, 0, 30), time(17)),
        (0, time(9), time(17, tzinfo=UTC)),
        (0, time(9), time(9)),
    ],
)
def test_timespan_rejects_bad_values(day: int, start: time, end: time) -> None:
    with pytest.raises(ValueError):
        TimeSpan(day, start, end)


def test_timespan_text() -> None:
    assert span(0, "09:30", "17:00").range_text() == "09:30-17:00"
    assert span(0, "22:00", "02:00").range_text() == "22:00-02:00"
    assert span(0, "22:00", "00:00").range_text() == "22:00-24:00"


# --- open or closed ----------------------------------------------------------------------------


def test_boundaries_opening_minute_open_closing_minute_closed() -> None:
    h = hours(LIBRARY)
    assert not h.is_open(london(2026, 5, MON, 9, 29, 59))
    assert h.is_open(london(2026, 5, MON, 9, 30))
    assert h.is_open(london(2026, 5, MON, 16, 59, 59))
    assert not h.is_open(london(2026, 5, MON, 17, 0))
    assert h.is_open(london(2026, 5, 8, 18, 59))  # Friday late
    assert not h.is_open(london(2026, 5, 8, 19, 0))


def test_closed_days() -> None:
    h = hours(LIBRARY)
    for hour in range(24):
        assert not h.is_open(london(2026, 5, 10, hour, 30))  # Sunday


def test_gap_between_spans_is_closed() -> None:
    h = hours("Mon 09:00-12:30,13:30-17:00")
    assert h.is_open(london(2026, 5, MON, 12, 29))
    assert not h.is_open(london(2026, 5, MON, 12, 30))
    assert not h.is_open(london(2026, 5, MON, 13, 29))
    assert h.is_open(london(2026, 5, MON, 13, 30))


def test_overnight_span_into_next_day() -> None:
    h = hours("Fri 22:00-02:00")
    assert not h.is_open(london(2026, 5, 8, 21, 59))
    assert h.is_open(london(2026, 5, 8, 22, 0))
    assert h.is_open(london(2026, 5, 9, 1, 59))
    assert not h.is_open(london(2026, 5, 9, 2, 0))
    assert not h.is_open(london(2026, 5, 7, 23, 0))  # Thursday night
    assert h.closes_at(london(2026, 5, 8, 23, 0)) == london(2026, 5, 9, 2, 0)


def test_overnight_span_wraps_sunday_into_monday() -> None:
    h = hours("Sun 20:00-03:00")
    assert h.is_open(london(2026, 5, 10, 23, 0))
    assert h.is_open(london(2026, 5, 11, 2, 59))  # Monday of the next week
    assert h.is_open(london(2026, 5, MON, 0, 30))  # Monday of this week, from last Sunday
    assert not h.is_open(london(2026, 5, MON, 3, 0))
    assert h.closes_at(london(2026, 5, 10, 21, 0)) == london(2026, 5, 11, 3, 0)
    assert h.closes_at(london(2026, 5, MON, 1, 0)) == london(2026, 5, MON, 3, 0)
    assert h.next_opening(london(2026, 5, MON, 1, 0)) == london(2026, 5, 10, 20, 0)


def test_touching_spans_across_week_end_join_up() -> None:
    h = hours("Sun 18:00-24:00; Mon 00:00-06:00")
    at = london(2026, 5, 10, 20, 0)
    assert h.closes_at(at) == london(2026, 5, 11, 6, 0)
    assert h.next_opening(at) == london(2026, 5, 17, 18, 0)
    assert h.next_opening(london(2026, 5, MON, 7, 0)) == london(2026, 5, 10, 18, 0)


def test_overlapping_and_touching_spans_are_a_union() -> None:
    h = hours("Mon 09:00-12:00,11:00-14:00; Mon 14:00-15:00; Mon 10:00-10:30")
    at = london(2026, 5, MON, 9, 0)
    assert h.closes_at(at) == london(2026, 5, MON, 15, 0)
    assert h.next_change(at) == london(2026, 5, MON, 15, 0)
    assert h.next_opening(at) == london(2026, 5, 11, 9, 0)


def test_overnight_into_an_open_day() -> None:
    h = hours("Fri 22:00-02:00; Sat 01:00-05:00")
    assert h.closes_at(london(2026, 5, 8, 23, 0)) == london(2026, 5, 9, 5, 0)


def test_always_open() -> None:
    h = hours("Mon-Sun 00:00-24:00")
    at = london(2026, 5, 6, 3, 0)
    assert h.is_open(at)
    assert h.closes_at(at) is None
    assert h.next_opening(at) is None
    assert h.next_change(at) is None
    assert h.status(at) == OpenStatus(True, None, None)
    assert h.status(at).describe(at) == "Open now. Open all day, every day."


def test_always_open_from_overnight_spans() -> None:
    h = hours("Mon-Sun 12:00-06:00; Mon-Sun 06:00-12:00")
    at = london(2026, 5, 6, 3, 0)
    assert h.closes_at(at) is None
    assert h.next_opening(at) is None


# --- next opening and closing ------------------------------------------------------------------


def test_next_opening_when_closed_later_today() -> None:
    h = hours(LIBRARY)
    assert h.next_opening(london(2026, 5, MON, 7, 0)) == london(2026, 5, MON, 9, 30)
    assert h.next_change(london(2026, 5, MON, 7, 0)) == london(2026, 5, MON, 9, 30)


def test_next_opening_across_several_closed_days() -> None:
    h = hours("Mon 14:00-19:00; Fri 14:00-19:00")
    assert h.next_opening(london(2026, 5, MON, 19, 0)) == london(2026, 5, 8, 14, 0)
    assert h.next_opening(london(2026, 5, 8, 20, 0)) == london(2026, 5, 11, 14, 0)


def test_next_opening_across_the_week() -> None:
    h = hours("Wed 10:00-11:00")
    assert h.next_opening(london(2026, 5, 6, 11, 0)) == london(2026, 5, 13, 10, 0)
    assert h.next_opening(london(2026, 5, 6, 9, 59)) == london(2026, 5, 6, 10, 0)


def test_next_opening_when_open_is_after_this_span() -> None:
    h = hours(LIBRARY)
    assert h.next_opening(london(2026, 5, MON, 10, 0)) == london(2026, 5, 5, 9, 30)
    assert h.next_opening(london(2026, 5, 9, 10, 0)) == london(2026, 5, 11, 9, 30)  # Sat -> Mon
    one = hours("Wed 10:00-11:00")
    assert one.next_opening(london(2026, 5, 6, 10, 30)) == london(2026, 5, 13, 10, 0)


def test_next_opening_is_strictly_after_a_moment_that_is_opening_time() -> None:
    h = hours("Wed 10:00-11:00")
    assert h.next_opening(london(2026, 5, 6, 10, 0)) == london(2026, 5, 13, 10, 0)


def test_closes_at_and_next_change_when_open() -> None:
    h = hours(LIBRARY)
    at = london(2026, 5, 8, 12, 34, 56)
    assert h.closes_at(at) == london(2026, 5, 8, 19, 0)
    assert h.next_change(at) == london(2026, 5, 8, 19, 0)
    assert h.closes_at(london(2026, 5, 8, 20, 0)) is None


def test_results_are_london_aware_and_inputs_in_other_zones_work() -> None:
    h = hours(LIBRARY)
    at = datetime(2026, 5, 4, 7, 0, tzinfo=timezone(timedelta(hours=-5)))  # 13:00 BST
    assert h.is_open(at)
    closes = h.closes_at(at)
    assert closes == london(2026, 5, MON, 17, 0)
    assert closes is not None and closes.tzinfo is LONDON
    assert h.is_open(utc(2026, 5, MON, 8, 30))  # 09:30 BST
    assert not h.is_open(utc(2026, 5, MON, 8, 29))


def test_naive_datetime_raises() -> None:
    h = hours(LIBRARY)
    naive = datetime(2026, 5, 4, 12, 0)
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
        (london(2026, 5, 9, 16), "Closed now. Opens on Monday at 9:30am."),
        (london(2026, 5, 10, 12), "Closed now. Opens tomorrow at 9:30am."),
        (london(2026, 5, 8, 18, 59), "Open now. Closes at 7pm."),
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
        ("Mon 00:15-01:00", london(2026, 5, 3, 23), "Closed now. Opens tomorrow at 12:15am."),
        ("Mon 22:00-02:00", london(2026, 5, MON, 23), "Open now. Closes tomorrow at 2am."),
        ("Wed 10:00-11:00", london(2026, 5, 6, 12), "Closed now. Opens next Wednesday at 10am."),
        ("Thu 10:05-11:00", london(2026, 5, MON, 12), "Closed now. Opens on Thursday at 10:05am."),
        ("Tue 00:00-06:00", london(2026, 5, MON, 20), "Closed now. Opens at midnight."),
        ("Wed 00:00-06:00", london(2026, 5, MON, 20), "Closed now. Opens tomorrow at midnight."),
    ],
)
def test_describe_wording(text: str, at: datetime, expected: str) -> None:
    assert _describe(text, at) == expected


def test_describe_uses_london_day_for_other_zones() -> None:
    # 23:30 UTC on Sunday 3 May is 00:30 BST on Monday, so 9:30am is today, not tomorrow.
    at = utc(2026, 5, 3, 23, 30)
    assert _describe(LIBRARY, at) == "Closed now. Opens at 9:30am."


def test_describe_far_future_gives_date() -> None:
    status = OpenStatus(False, None, london(2026, 6, 1, 9, 0))
    assert status.describe(london(2026, 5, MON, 12)) == "Closed now. Opens on Monday 1 June at 9am."


def test_describe_unknown() -> None:
    assert describe_unknown() == "Opening hours not known."
