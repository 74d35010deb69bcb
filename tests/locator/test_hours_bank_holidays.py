"""England's bank holidays in "open now" and "opens next", on real 2026-2027 dates: substitute
days, Easter, and the weeks the clocks change; in both ways of writing hours."""

from __future__ import annotations

from datetime import date

import pytest
from schedules import hours, london, utc

from locator.bank_holidays import bank_holiday, is_bank_holiday, next_bank_holiday

WEEKDAYS = "Mon-Fri 09:00-17:00; Sat 10:00-13:00"
OSM_CLOSED = "Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off"

# Each: the day, and the name `holidays` gives it.
ENGLAND = [
    (date(2026, 8, 31), "Late Summer Bank Holiday"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2026, 12, 28), "Boxing Day (observed)"),  # Boxing Day is a Saturday
    (date(2027, 3, 26), "Good Friday"),
    (date(2027, 3, 29), "Easter Monday"),
    (date(2027, 5, 3), "May Day"),
]


@pytest.mark.parametrize(("day", "name"), ENGLAND, ids=str)
def test_englands_bank_holidays(day: date, name: str) -> None:
    assert is_bank_holiday(day)
    assert bank_holiday(day) == name


@pytest.mark.parametrize(
    "day",
    [date(2026, 8, 3), date(2026, 11, 30), date(2027, 1, 4), date(2027, 3, 17), date(2027, 7, 12)],
    ids=str,
)
def test_scottish_and_northern_irish_holidays_are_not_englands(day: date) -> None:
    assert not is_bank_holiday(day)


def test_next_bank_holiday_runs_into_the_next_year() -> None:
    assert next_bank_holiday(date(2026, 8, 30)) == date(2026, 8, 31)
    assert next_bank_holiday(date(2026, 8, 31)) == date(2026, 12, 25)
    assert next_bank_holiday(date(2026, 12, 28)) == date(2027, 1, 1)


@pytest.mark.parametrize("text", [WEEKDAYS, OSM_CLOSED, "Mo-Fr 09:00-17:00; PH closed"])
@pytest.mark.parametrize(("day", "name"), ENGLAND, ids=str)
def test_closed_all_day_on_a_bank_holiday(text: str, day: date, name: str) -> None:
    h = hours(text)
    noon = london(day.year, day.month, day.day, 12)
    assert not h.is_open(noon)
    status = h.status(noon)
    assert status.bank_holiday
    assert status.describe(noon).startswith("Closed today: bank holiday. Opens ")


def test_the_summer_bank_holiday_says_closed_and_when_it_opens() -> None:
    for text in (WEEKDAYS, OSM_CLOSED):
        h = hours(text)
        at = london(2026, 8, 31, 10)
        assert h.next_opening(at) == london(2026, 9, 1, 9)
        assert h.next_change(at) == london(2026, 9, 1, 9)
        assert h.status(at).describe(at) == "Closed today: bank holiday. Opens tomorrow at 9am."
        # The Friday before: it closes at 5pm and opens again on Saturday, not Monday.
        friday = london(2026, 8, 28, 16)
        assert h.closes_at(friday) == london(2026, 8, 28, 17)
        assert h.next_opening(friday) == london(2026, 8, 29, 10)
        saturday = london(2026, 8, 29, 12)
        assert h.next_opening(saturday) == london(2026, 9, 1, 9)
        assert h.status(saturday).describe(saturday) == ("Open now. Closes at 1pm.")


def test_christmas_boxing_day_and_the_substitute_monday() -> None:
    h = hours(WEEKDAYS)
    christmas_eve = london(2026, 12, 24, 16)
    assert h.closes_at(christmas_eve) == london(2026, 12, 24, 17)
    # Fri 25 Christmas, Sat 26 Boxing Day, Mon 28 its substitute: next open Tuesday 29th.
    assert h.next_opening(christmas_eve) == london(2026, 12, 29, 9)
    words = h.status(london(2026, 12, 28, 9, 30)).describe(london(2026, 12, 28, 9, 30))
    assert words == "Closed today: bank holiday. Opens tomorrow at 9am."
    saturday = london(2026, 12, 26, 11)
    assert not h.is_open(saturday)  # Boxing Day, a Saturday: a bank holiday too
    assert h.status(saturday).bank_holiday


def test_easter_2027_good_friday_to_easter_monday() -> None:
    h = hours(OSM_CLOSED)
    thursday = london(2027, 3, 25, 17, 0)
    assert not h.is_open(thursday)
    assert h.next_opening(thursday) == london(2027, 3, 27, 10)  # Saturday is not a holiday
    assert h.next_opening(london(2027, 3, 27, 13)) == london(2027, 3, 30, 9)
    # Easter Monday comes a day after the clocks went forward (28 March 2027).
    assert h.next_opening(london(2027, 3, 27, 13)).utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


def test_may_day_2027() -> None:
    h = hours("Mon 09:00-12:00; Tue 09:00-12:00")
    at = london(2027, 5, 3, 8)
    assert h.next_opening(at) == london(2027, 5, 4, 9)
    assert h.status(at).describe(at) == "Closed today: bank holiday. Opens tomorrow at 9am."


@pytest.mark.parametrize(
    "text",
    [
        "Mon-Fri 09:00-17:00; Bank holidays 10:00-16:00",
        "Mon-Fri 9am-5pm, bank holidays 10am-4pm",
        "Mo-Fr 09:00-17:00; PH 10:00-16:00",
        "Mo-Fr,PH 10:00-16:00; Mo-Fr 09:00-17:00; PH 10:00-16:00",
    ],
)
def test_bank_holiday_hours_of_their_own(text: str) -> None:
    h = hours(text)
    assert h.is_open(london(2026, 8, 31, 10))
    assert not h.is_open(london(2026, 8, 31, 9, 30))
    assert h.closes_at(london(2026, 8, 31, 10)) == london(2026, 8, 31, 16)
    assert h.next_opening(london(2026, 8, 30, 12)) == london(2026, 8, 31, 10)
    assert h.bank_holidays() == ["10:00-16:00"]
    assert h.bank_holiday_words() == "10am to 4pm"
    assert h.closes_at(london(2026, 9, 1, 10)) == london(2026, 9, 1, 17)  # a usual Tuesday


@pytest.mark.parametrize(
    "text",
    [
        "Mon-Fri 09:00-17:00; Bank holidays as usual",
        "Mon-Fri 09:00-17:00; Open on bank holidays",
        "Mo-Fr 09:00-17:00",  # OSM: rules that never say PH hold on bank holidays too
    ],
)
def test_open_as_usual_on_bank_holidays(text: str) -> None:
    h = hours(text)
    at = london(2026, 8, 31, 10)
    assert h.is_open(at)
    assert h.closes_at(at) == london(2026, 8, 31, 17)
    assert h.bank_holidays() is None
    assert h.bank_holiday_words() == "usual hours"
    assert not h.status(london(2026, 8, 31, 18)).bank_holiday


def test_the_weekly_form_is_closed_on_bank_holidays_unless_it_says() -> None:
    plain = hours("Mon-Fri 09:00-17:00")
    assert plain.bank_holidays() == [] and plain.bank_holiday_words() == "closed"
    assert plain.to_text() == "; ".join(
        f"{d} 09:00-17:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")
    )
    stated = hours("Mon-Fri 09:00-17:00; Closed bank holidays")
    assert stated.to_text().endswith("Fri 09:00-17:00; Bank holidays closed")
    assert stated.to_lines() == ["Mon-Fri 09:00-17:00", "Bank holidays closed"]
    assert hours(stated.to_text()) == stated


def test_a_bank_holiday_rule_holds_from_its_midnight_as_osm_reads_it() -> None:
    # A rule for a day replaces all of that day in OSM, the early hours of the night before's
    # span too; the bank holiday's own night runs on past its midnight.
    h = hours("Mo-Su 18:00-02:00; PH off")
    sunday_night = london(2026, 8, 30, 23)
    assert h.is_open(sunday_night)
    assert h.closes_at(sunday_night) == london(2026, 8, 31, 0)
    assert not h.is_open(london(2026, 8, 31, 20))
    late = hours("Mo-Su 18:00-02:00; PH 18:00-23:00")
    assert not late.is_open(london(2026, 8, 31, 1))
    assert late.next_opening(london(2026, 8, 31, 1)) == london(2026, 8, 31, 18)
    assert late.closes_at(london(2026, 8, 31, 20)) == london(2026, 8, 31, 23)
    assert late.is_open(london(2026, 9, 1, 18, 30))  # a usual Tuesday evening


def test_across_the_clock_change_in_october_2026() -> None:
    h = hours("Mon-Fri 09:00-17:00")
    sunday = utc(2026, 10, 25, 12)
    assert h.next_opening(sunday) == utc(2026, 10, 26, 9)  # 9am GMT
    assert h.next_opening(london(2026, 10, 23, 18)) == utc(2026, 10, 26, 9)
