"""Tests for reading opening hours from text: days, times, spans, and the messages for bad text."""

from __future__ import annotations

import csv
import os
from datetime import UTC, time, timedelta
from pathlib import Path

import pytest
from schedules import LIBRARY, MON, hours, london, span

from locator.hours import InvalidOpeningHours, OpeningHours, TimeSpan

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
    assert not h.is_open(london(2026, 5, 17, 0, 0))
    assert not h.is_open(london(2026, 5, 17, 12, 0))


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
    assert h.is_open(london(2026, 5, 12, 8, 59))
    assert not h.is_open(london(2026, 5, 12, 9, 0))


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
    assert h.is_open(london(2026, 5, 12, 0, 0))
    assert h.is_open(london(2026, 5, 12, 23, 59))
    assert not h.is_open(london(2026, 5, 13, 0, 0))
    assert not h.is_open(london(2026, 5, 11, 23, 59))
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
        ("Funday 09:00-17:00", '"Funday"'),
        ("Mon 25:00-26:00", '"25:00"'),
        ("Mon 09:60-17:00", '"09:60"'),
        ("Mon 24:00-10:00", '"24:00"'),
        ("Mon 24:30-10:00", '"Mon 24:30-10:00"'),
        ("Mon 09:00-24:01", '"Mon 09:00-24:01"'),
        ("Mon 09:00-09:00", '"09:00-09:00"'),
        ("Mon", '"Mon"'),
        ("Mon 09:00-17:00, 18:00", '"Mon 09:00-17:00, 18:00"'),
        ("Mon 0900-1700", '"Mon 0900-1700"'),
        ("Mon Tue 09:00-17:00", '"Mon Tue 09:00-17:00"'),
        ("Mon-Wed-Fri 09:00-17:00", '"Mon-Wed-Fri"'),
        ("Mon 09:00-17:00 closed", '"Mon 09:00-17:00 closed"'),
        ("Mon 13pm-14pm", '"13pm"'),
        ("Mon 9-5 maybe", '"Mon 9-5 maybe"'),
        ("Closed", '"Closed"'),
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
    assert message.endswith(f"a form like {EXAMPLE}")
    assert caught.value.part == text


def test_invalid_message_matches_documented_example() -> None:
    with pytest.raises(InvalidOpeningHours) as caught:
        OpeningHours.parse("Mon 9-5 maybe")
    assert str(caught.value) == (
        f'We could not read "Mon 9-5 maybe" as opening hours: use a form like {EXAMPLE}'
    )


def test_both_examples_in_every_message_read() -> None:
    weekly = hours("Mon-Fri 9am-5pm, Sat 10am-1pm, Bank holidays closed")
    assert weekly.to_text().endswith("Sat 10:00-13:00; Bank holidays closed")
    osm = hours("Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off")
    assert osm.osm is not None and osm.bank_holidays() == []


EXAMPLE = '"Mon-Fri 9am-5pm, Sat 10am-1pm" or "Mo-Fr 09:00-17:00; PH off".'
WEEKDAYS_9_TO_5 = "; ".join(f"{d} 09:00-17:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri"))
EVERY_DAY = "; ".join(f"{d} {{0}}" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Mon-Fri 9am-6pm", WEEKDAYS_9_TO_5.replace("17:00", "18:00")),
        ("Mon-Fri 9-5", WEEKDAYS_9_TO_5),
        ("Mon-Fri 9am-5pm", WEEKDAYS_9_TO_5),
        ("Mon-Fri 9-5pm", WEEKDAYS_9_TO_5),
        ("Mon to Fri 9 till 5", WEEKDAYS_9_TO_5),
        ("Monday - Friday: 9.00am - 5.00pm", WEEKDAYS_9_TO_5),
        ("Weekdays 9 until 5", WEEKDAYS_9_TO_5),
        ("Mon-Fri 9 a.m. to 5 p.m.", WEEKDAYS_9_TO_5),
        ("9-5", EVERY_DAY.format("09:00-17:00")),  # no days named: every day
        ("Open 9am to 5.30pm", EVERY_DAY.format("09:00-17:30")),
        ("Daily 8-8", EVERY_DAY.format("08:00-20:00")),
        ("Open 24 hours", EVERY_DAY.format("00:00-24:00")),
        ("Sat 10-4; Sun closed", "Sat 10:00-16:00"),
        (
            "Mon-Sun 9-5; Closed Sunday",
            EVERY_DAY.format("09:00-17:00").replace("; Sun 09:00-17:00", ""),
        ),
        (
            "Mon-Sun 9-5, closed on Sundays",
            EVERY_DAY.format("09:00-17:00").replace("; Sun 09:00-17:00", ""),
        ),
        (
            "Mon-Fri 9am-6pm, Sat 10-4",
            WEEKDAYS_9_TO_5.replace("17:00", "18:00") + "; Sat 10:00-16:00",
        ),
        ("Sat & Sun 10-4", "Sat 10:00-16:00; Sun 10:00-16:00"),
        ("Weekends 10am-noon", "Sat 10:00-12:00; Sun 10:00-12:00"),
        ("Mon 9-12, 1-5", "Mon 09:00-12:00,13:00-17:00"),  # a lunch break
        ("Mon 12-2", "Mon 12:00-14:00"),
        ("Mon 8.30-5.30", "Mon 08:30-17:30"),
        ("Fri 7pm-2am", "Fri 19:00-02:00"),
        ("Fri 6pm-midnight", "Fri 18:00-24:00"),
        # The 24-hour clock is read as written: this one runs past midnight.
        ("Fri 22:00-02:00", "Fri 22:00-02:00"),
        ("Fri 20-2", "Fri 20:00-02:00"),
    ],
)
def test_hours_as_people_type_them_are_read_and_stored_in_one_form(typed: str, stored: str) -> None:
    assert hours(typed).to_text() == stored
    assert hours(stored).to_text() == stored  # and the stored form reads back the same


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
