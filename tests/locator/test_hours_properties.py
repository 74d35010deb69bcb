"""Properties of "open now": for random weekly hours (overnight spans, midnight closes, whole
days, closed days), read from text, `is_open` equals a minute-by-minute check of the hours
over a whole week, and `status` names the next change that check finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from verify_budget import examples

from locator.hours import LONDON, OpeningHours

BUDGET = settings(max_examples=examples(40))
DAY, WEEK = 24 * 60, 7 * 24 * 60
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Weeks starting on a Monday, with no change of the clocks in them: one in summer time (BST),
# one in winter (GMT).
MONDAYS = (datetime(2026, 6, 1, tzinfo=LONDON), datetime(2026, 11, 30, tzinfo=LONDON))

# A span as minutes from the start of its day: (start, end), the end exclusive. An end at or
# before the start runs past midnight; 00:00-00:00 is the whole day; an end of 24:00 (1440)
# closes at midnight. Opening and closing at one time is refused, except 00:00-00:00.
MINUTE = st.integers(0, DAY - 1)
SPAN = (st.tuples(MINUTE, MINUTE) | st.tuples(MINUTE, st.just(DAY))).filter(
    lambda span: span[0] != span[1] or span == (0, 0)
)
# Each day: closed, not mentioned, or up to three spans (which may overlap).
DAY_SPEC = st.none() | st.just("closed") | st.lists(SPAN, min_size=1, max_size=3)
WEEK_SPEC = st.lists(DAY_SPEC, min_size=7, max_size=7)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def as_text(week: list[object]) -> str:
    """The spec as staff would write it: "Mon 09:00-17:00,18:00-02:00; Tue closed"."""
    entries = []
    for day, spec in zip(DAYS, week, strict=True):
        if spec == "closed":
            entries.append(f"{day} closed")
        elif isinstance(spec, list):
            entries.append(f"{day} " + ",".join(f"{clock(a)}-{clock(b)}" for a, b in spec))
    return "; ".join(entries)


def open_minutes(week: list[object]) -> list[bool]:
    """The reference: each minute of the week (from Monday 00:00), open or not."""
    open_ = [False] * WEEK
    for day, spec in enumerate(week):
        if not isinstance(spec, list):
            continue
        for start, end in spec:
            if end <= start:
                end += DAY  # overnight, or 00:00-00:00: the whole day
            for minute in range(day * DAY + start, day * DAY + end):
                open_[minute % WEEK] = True
    return open_


def parsed(week: list[object]) -> OpeningHours:
    hours = OpeningHours.parse(as_text(week))
    assert hours is not None or not any(isinstance(s, list) for s in week)
    return hours or OpeningHours(())


@BUDGET
@given(WEEK_SPEC, st.sampled_from(MONDAYS))
def test_open_now_is_the_minute_by_minute_check(week: list[object], monday: datetime) -> None:
    hours, expected = parsed(week), open_minutes(week)
    for minute in range(WEEK):
        at = monday + timedelta(minutes=minute)
        assert hours.is_open(at) == expected[minute], (as_text(week), at)


# Weeks (in UTC) in which the clocks go forward (29 March 2026) and back (25 October 2026).
CLOCK_CHANGES = (datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 10, 19, tzinfo=UTC))


@settings(max_examples=examples(20))
@given(WEEK_SPEC, st.sampled_from(CLOCK_CHANGES))
def test_open_now_follows_the_london_clock_when_it_changes(
    week: list[object], start: datetime
) -> None:
    # Every real minute of the week: an hour of London's clock is skipped, or lived twice.
    hours, expected = parsed(week), open_minutes(week)
    for minute in range(WEEK):
        at = start + timedelta(minutes=minute)
        local = at.astimezone(LONDON)
        wall = local.weekday() * DAY + local.hour * 60 + local.minute
        assert hours.is_open(at) == expected[wall], (as_text(week), local)


def next_change(expected: list[bool], minute: int) -> int | None:
    """Minutes from `minute` until the reference changes state; None if it never does."""
    for step in range(1, WEEK + 1):
        if expected[(minute + step) % WEEK] != expected[minute]:
            return step
    return None


@BUDGET
@given(WEEK_SPEC, st.sampled_from(MONDAYS), st.lists(st.integers(0, WEEK - 1), max_size=20))
def test_status_names_the_next_change(
    week: list[object], monday: datetime, minutes: list[int]
) -> None:
    hours, expected = parsed(week), open_minutes(week)
    for minute in minutes:
        at = monday + timedelta(minutes=minute, seconds=30)
        status = hours.status(at)
        assert status.open_now == expected[minute]
        step = next_change(expected, minute)
        change = status.closes_at if status.open_now else status.opens_at
        if step is None:
            assert change is None, (as_text(week), at)
        else:
            # The weeks chosen keep one offset, so wall-clock and elapsed minutes agree.
            want = monday + timedelta(minutes=minute + step)
            assert change == want, (as_text(week), at, change, want)
