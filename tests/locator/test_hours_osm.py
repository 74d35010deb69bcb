"""OpenStreetMap `opening_hours` syntax beside our weekly form: read, asked about, shown, kept
as typed, and refused with a message that says what was wrong."""

from __future__ import annotations

import pickle

import pytest
from schedules import hours, london

from locator.hours import InvalidOpeningHours, OpeningHours


def test_weekdays_and_saturday() -> None:
    h = hours("Mo-Fr 09:00-17:00; Sa 10:00-13:00")
    assert h.osm == "Mo-Fr 09:00-17:00; Sa 10:00-13:00"
    assert h.is_open(london(2026, 11, 24, 9))
    assert not h.is_open(london(2026, 11, 24, 17))
    assert h.next_opening(london(2026, 11, 27, 17)) == london(2026, 11, 28, 10)
    assert h.next_opening(london(2026, 11, 28, 13)) == london(2026, 11, 30, 9)
    assert h.by_day()[0] == ("Monday", ["09:00-17:00"])
    assert h.by_day()[5] == ("Saturday", ["10:00-13:00"])
    assert h.by_day()[6] == ("Sunday", [])
    assert h.by_day_words()[5] == ("Saturday", ["10am to 1pm"])


def test_lunch_break_and_sunday_off() -> None:
    h = hours("Mo-Sa 09:00-12:30,13:30-17:00; Su off")
    assert h.is_open(london(2026, 11, 24, 12, 29))
    assert not h.is_open(london(2026, 11, 24, 12, 30))
    assert h.next_change(london(2026, 11, 24, 12, 30)) == london(2026, 11, 24, 13, 30)
    assert not h.is_open(london(2026, 11, 29, 12))
    assert h.to_lines() == ["Mo-Sa 09:00-12:30,13:30-17:00", "Su off"]


def test_24_7_is_always_open_even_on_bank_holidays() -> None:
    h = hours("24/7")
    at = london(2026, 12, 25, 3)
    assert h.is_open(at)
    assert h.next_change(at) is None and h.closes_at(at) is None
    assert h.status(at).describe(at) == "Open now. Open all day, every day."
    assert h.by_day()[0] == ("Monday", ["00:00-24:00"])


def test_24_7_closed_on_bank_holidays() -> None:
    h = hours("24/7; PH off")
    assert h.closes_at(london(2026, 12, 24, 20)) == london(2026, 12, 25, 0)
    assert h.next_opening(london(2026, 12, 24, 20)) == london(2026, 12, 27, 0)  # 25th, 26th
    assert h.bank_holiday_words() == "closed"


def test_a_fixed_date_off() -> None:
    h = hours("Mo-Su 08:00-20:00; Dec 25 off")
    assert not h.is_open(london(2027, 12, 25, 12))  # a Saturday
    assert h.is_open(london(2027, 12, 27, 12))  # Christmas observed: PH is not mentioned
    assert h.next_opening(london(2027, 12, 24, 21)) == london(2027, 12, 26, 8)
    assert h.bank_holidays() is None


def test_overnight_rule() -> None:
    h = hours("Fr-Sa 22:00-03:00")
    assert h.is_open(london(2026, 11, 28, 2, 59))  # Friday night, into Saturday
    assert not h.is_open(london(2026, 11, 28, 3))
    assert h.closes_at(london(2026, 11, 27, 23)) == london(2026, 11, 28, 3)
    assert h.by_day()[4] == ("Friday", ["22:00-03:00"])
    assert h.by_day()[5] == ("Saturday", ["22:00-03:00"])


def test_week_numbers() -> None:
    h = hours("week 01-26 Mo-Fr 09:00-17:00; week 27-53 Mo-Fr 10:00-16:00")
    assert h.is_open(london(2027, 1, 12, 9, 30))  # ISO week 2
    assert not h.is_open(london(2027, 7, 13, 9, 30))  # ISO week 28
    assert h.is_open(london(2027, 7, 13, 10, 30))


def test_unknown_is_never_said_to_be_open() -> None:
    h = hours("Mo-Fr 09:00-17:00 unknown")
    at = london(2026, 11, 24, 10)
    assert not h.is_open(at)
    status = h.status(at)
    assert status.unsure and not status.open_now
    assert status.describe(at) == "We are not sure it is open now. Phone before you go."
    assert h.next_change(at) == london(2026, 11, 24, 17)


def test_osm_text_is_kept_as_typed() -> None:
    typed = 'Mo-Fr 09:00-17:00; Sa 10:00-13:00 "ring the bell"; PH off'
    h = hours(typed)
    assert h.to_text() == typed
    assert h.to_lines() == ["Mo-Fr 09:00-17:00", 'Sa 10:00-13:00 "ring the bell"', "PH off"]
    assert hours(h.to_text()) == h
    assert pickle.loads(pickle.dumps(h)) == h
    assert pickle.loads(pickle.dumps(h)).is_open(london(2026, 11, 28, 11))


def test_each_form_is_read_as_itself() -> None:
    # Bare times and "24 hours" are our weekly form's, closed on bank holidays as it is.
    assert hours("Mon-Fri 09:00-17:00").osm is None
    assert hours("09:00-17:00").osm is None
    assert hours("24 hours").bank_holidays() == []
    assert hours("24/7").osm == "24/7"
    assert hours("Mo-Fr 09:00-17:00").osm == "Mo-Fr 09:00-17:00"


def test_lower_case_osm_is_read_with_a_warning() -> None:
    h = hours("mo-fr 09:00-17:00")
    assert h.osm == "mo-fr 09:00-17:00"
    assert h.warnings and h.is_open(london(2026, 11, 24, 10))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Mo-Fr 9-5", 'the part from "9-5" is not understood'),
        ("Mo-Fr 09:00-17:00; Sa 10:00-25:61", 'the part from "10:00-25:61"'),
        ("Mo-Fr 09:00-17:00; SH off", "school holidays"),
        ("Mo-Fr sunrise-sunset", "times of the sun"),
        ("PH +1 day off", '"PH +1 day"'),
        ("Mo-Fr 09:00-17:00; Fx 10:00-12:00", 'the part from "Fx 10:00-12:00"'),
    ],
)
def test_bad_osm_rules_say_what_was_wrong(text: str, says: str) -> None:
    with pytest.raises(InvalidOpeningHours) as caught:
        OpeningHours.parse(text)
    message = str(caught.value)
    assert message.startswith(f'We could not read "{text}" as OpenStreetMap opening hours: ')
    assert says in message
    assert message.endswith('Use a form like "Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off".')


def test_text_like_neither_gets_our_message() -> None:
    with pytest.raises(InvalidOpeningHours) as caught:
        OpeningHours.parse("Mon 9-5 maybe")
    assert "as opening hours: use a form like" in str(caught.value)


def test_week_spans_are_the_shown_week_in_either_form() -> None:
    osm = hours("Mo-Fr 09:00-17:00; Sa 22:00-02:00")
    weekly = hours("Mon-Fri 09:00-17:00; Sat 22:00-02:00")
    assert osm.week_spans() == weekly.week_spans() == weekly.spans
    assert osm.spans == ()
