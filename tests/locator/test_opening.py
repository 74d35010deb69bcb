"""A place's opening words, kept while they hold, are the words its hours give at every moment:
across closing times, midnight, overnight spans and both clock changes, asked in time order
and out of it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from synthetic import venue_at

from locator.hours import LONDON, OpeningHours, describe_unknown
from locator.opening import OpeningStates, next_midnight, opening_at

HOURS = [
    "Mon-Fri 09:00-17:00; Sat 09:00-12:00",
    "Mon 22:00-02:00",  # overnight, into Tuesday
    "Sat 23:30-03:00; Sun 00:30-01:30",  # overnight on the nights the clocks change
    "Mon-Sun 00:00-24:00",  # always open
    "Sun 01:00-01:45",  # inside the hour that repeats when the clocks go back
    "Sun 01:15-02:30",  # across the hour skipped when the clocks go forward
    "Wed 12:00-12:01",
    "Mon-Sun closed",
]

# Weeks that hold the clock changes of 2026 (29 March forward, 25 October back), and one
# ordinary winter week.
WEEKS = [
    datetime(2026, 3, 26, 0, 0, tzinfo=UTC),
    datetime(2026, 10, 22, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 23, 0, 0, tzinfo=UTC),
]


def _moments(start: datetime, step_minutes: int) -> list[datetime]:
    """Every `step_minutes` for a week, in London time (so each fold is as the clock reads)."""
    steps = 7 * 24 * 60 // step_minutes
    return [(start + timedelta(minutes=i * step_minutes)).astimezone(LONDON) for i in range(steps)]


def _expected(hours: OpeningHours, now: datetime) -> tuple[object, ...]:
    status = hours.status(now)
    return status.open_now, status.describe(now), status.opens_at, status.closes_at


@pytest.mark.parametrize("text", HOURS)
@pytest.mark.parametrize("week", WEEKS)
def test_kept_words_are_the_words_the_hours_give(text: str, week: datetime) -> None:
    hours = OpeningHours.parse(text)
    assert hours is not None
    venue = venue_at(1, -1.5, 53.1, opening_hours=hours)
    moments = _moments(week, 7) + [week + timedelta(minutes=m) for m in range(0, 7 * 24 * 60, 60)]
    forwards = sorted(moments, key=lambda m: m.timestamp())
    shuffled = forwards[:]
    random.Random(17).shuffle(shuffled)
    for order in (forwards, shuffled, forwards[::-1]):
        states = OpeningStates()
        for now in order:
            found = states.of(venue, now)
            got = (found.open_now, found.words, found.opens_at, found.closes_at)
            assert got == _expected(hours, now), (text, now.isoformat(), now.fold)
            assert found.next_change == hours.next_change(now), (text, now.isoformat())


def test_words_are_kept_until_the_place_opens_or_closes() -> None:
    hours = OpeningHours.parse("Mon-Fri 09:00-17:00")
    venue = venue_at(1, -1.5, 53.1, opening_hours=hours)
    states = OpeningStates()
    morning = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    first = states.of(venue, morning)
    assert first.words == "Open now. Closes at 5pm."
    # The same words at 4:59pm are the ones kept: nothing read again.
    assert states.of(venue, morning.replace(hour=16, minute=59, second=59)) is first
    closed = states.of(venue, morning.replace(hour=17))
    assert closed is not first and closed.words == "Closed now. Opens tomorrow at 9am."
    # At midnight "tomorrow" becomes "today".
    night = datetime(2026, 11, 25, 0, 0, tzinfo=LONDON)
    assert states.of(venue, night).words == "Closed now. Opens at 9am."


def test_unknown_hours_are_said_so() -> None:
    found = opening_at(None, datetime(2026, 11, 24, 10, 0, tzinfo=LONDON))
    assert (found.open_now, found.words, found.next_change) == (None, describe_unknown(), None)


@pytest.mark.parametrize("week", WEEKS)
def test_the_kept_midnight_is_the_next_midnight_in_any_order(week: datetime) -> None:
    forwards = sorted(_moments(week, 13), key=lambda m: m.timestamp())
    # Each side of every midnight, to the microsecond.
    for day in range(8):
        midnight = datetime.combine((week + timedelta(days=day)).date(), time(0), tzinfo=LONDON)
        forwards += [midnight, midnight - timedelta(microseconds=1)]
    shuffled = forwards[:]
    random.Random(5).shuffle(shuffled)
    for order in (forwards, shuffled, forwards[::-1]):
        states = OpeningStates()
        for now in order:
            assert states.next_midnight(now) == next_midnight(now), now.isoformat()
            assert states.next_midnight(now.astimezone(UTC)) == next_midnight(now)
