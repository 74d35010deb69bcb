"""Properties of OpenStreetMap rules with England's bank holidays: for random rules (days,
ranges, PH, fixed dates, overnight spans, "off") and random moments around the bank holidays
of 2026-2027, `next_change` is the next moment the place opens or closes, checked minute by
minute: nothing changes before it, and it really changes then."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from verify_budget import examples

from locator.bank_holidays import is_bank_holiday
from locator.hours import OpeningHours

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Mar", "May", "Aug", "Dec")
# The instants the clocks go back: the hour lived twice is read on the wall clock, whose
# "next change" can be an hour early there (`locator.opening` works those days out afresh).
CLOCKS_BACK = (datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2027, 10, 31, 1, tzinfo=UTC))
HOLIDAYS = [date(2026, 1, 1) + timedelta(days=i) for i in range(730)]
HOLIDAYS = [d for d in HOLIDAYS if is_bank_holiday(d)]
# Every minute this far past a moment is checked; after it, a sample of minutes.
EVERY_MINUTE = timedelta(days=2)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def day_selector(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        first = draw(st.integers(0, 6))
        last = draw(st.integers(first, 6))
        parts.append(DAYS[first] if first == last else f"{DAYS[first]}-{DAYS[last]}")
    if draw(st.booleans()):  # OSM lists holidays before or after the weekdays
        parts.insert(draw(st.sampled_from((0, len(parts)))), "PH")
    return ",".join(parts)


@st.composite
def times(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return "off"
    spans = []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, 23 * 4)) * 15
        end = draw(st.integers(1, 24 * 4).filter(lambda e, s=start: e * 15 != s)) * 15
        spans.append(f"{clock(start)}-{clock(end)}")  # an end before the start: overnight
    return ",".join(spans)


@st.composite
def rule(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return f"PH {draw(times())}"
    if kind == 1:
        month = draw(st.sampled_from(MONTHS))
        return f"{month} {draw(st.integers(1, 28)):02d} {draw(times())}"
    return f"{draw(day_selector())} {draw(times())}"


RULES = st.lists(rule(), min_size=1, max_size=4).map("; ".join)
MOMENTS = st.builds(
    lambda day, minute: (
        datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute)
    ),
    st.sampled_from(HOLIDAYS),
    st.integers(-3 * 24 * 60, 2 * 24 * 60),
)


def minutes_between(start: datetime, end: datetime, sample: list[int]) -> list[datetime]:
    """Every minute of the first two days, then the sampled ones and the last minute."""
    near = min(end, start + EVERY_MINUTE)
    found = [start + timedelta(minutes=i) for i in range(int((near - start).total_seconds() // 60))]
    span = (end - start).total_seconds() // 60
    found += [start + timedelta(minutes=int(span * s / 10_000)) for s in sample]
    found.append(end - timedelta(minutes=1))
    return [m for m in found if start <= m < end]


@settings(max_examples=examples(60))
@given(RULES, MOMENTS, st.lists(st.integers(0, 9_999), max_size=200))
def test_next_change_is_the_next_moment_it_opens_or_closes(
    text: str, at: datetime, sample: list[int]
) -> None:
    hours = OpeningHours.parse(text)
    assert hours is not None and hours.osm == text
    now_open = hours.is_open(at)
    change = hours.next_change(at)
    # Minutes counted in UTC: London's own arithmetic is wall-clock, and skips or repeats an
    # hour when the clocks change.
    end = change.astimezone(UTC) if change is not None else at + timedelta(days=30)
    assume(not any(at < back <= end + timedelta(hours=1) for back in CLOCKS_BACK))
    for minute in minutes_between(at, end, sample):
        assert hours.is_open(minute) == now_open, (text, at, change, minute)
    if change is not None:
        assert change > at
        assert hours.is_open(change) != now_open, (text, at, change)
        assert (hours.closes_at(at) if now_open else hours.next_opening(at)) == change


WEEKLY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SAME_DAY_SPAN = st.tuples(st.integers(0, 22 * 4), st.integers(1, 8 * 4)).map(
    lambda s: (s[0] * 15, min(s[0] * 15 + s[1] * 15, 24 * 60))
)
WEEK = st.lists(st.lists(SAME_DAY_SPAN, max_size=2), min_size=7, max_size=7)


@settings(max_examples=examples(30))
@given(WEEK, st.booleans(), MOMENTS)
def test_both_syntaxes_of_one_week_agree(
    week: list[list[tuple[int, int]]], usual: bool, at: datetime
) -> None:
    """The same week written in our form and in OSM's is open at the same minutes, bank
    holidays included: ours closed on them unless it says "as usual", OSM's with "PH off"."""
    ours = [f"{WEEKLY[d]} " + ",".join(f"{clock(a)}-{clock(b)}" for a, b in spans)
            for d, spans in enumerate(week) if spans]  # fmt: skip
    osm = [f"{DAYS[d]} " + ",".join(f"{clock(a)}-{clock(b)}" for a, b in spans)
           for d, spans in enumerate(week) if spans]  # fmt: skip
    assume(ours)
    weekly = OpeningHours.parse("; ".join([*ours, "Bank holidays as usual"] if usual else ours))
    rules = OpeningHours.parse("; ".join(osm if usual else [*osm, "PH off"]))
    assert weekly is not None and rules is not None and weekly.osm is None and rules.osm
    for minute in range(0, 3 * 24 * 60, 13):
        moment = at + timedelta(minutes=minute)
        assert weekly.is_open(moment) == rules.is_open(moment), (ours, osm, moment)
    assert weekly.next_change(at) == rules.next_change(at)
