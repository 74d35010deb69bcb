"""Purely weekly hours are answered from a table of the week (`locator.week_table`): for
random weekly rules in both syntaxes (PH clauses, overnight spans, "24/7", "unknown") and
moments in 2026-2027, around every bank holiday and both clock changes, every answer is the
library's own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from verify_budget import examples

from locator.bank_holidays import is_bank_holiday
from locator.hours import OpeningHours
from locator.osm_rules import OsmRules
from locator.week_table import week_table

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
OUR_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOLIDAYS = [date(2026, 1, 1) + timedelta(days=i) for i in range(730)]
HOLIDAYS = [d for d in HOLIDAYS if is_bank_holiday(d)]
# The days the clocks change in 2026-2027.
CLOCK_DAYS = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]
AROUND = st.sampled_from(HOLIDAYS + CLOCK_DAYS)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def spans(draw: st.DrawFn) -> str:
    found = []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, 23 * 4)) * 15
        end = draw(st.integers(1, 24 * 4).filter(lambda e, s=start: e * 15 != s)) * 15
        found.append(f"{clock(start)}-{clock(end)}")  # an end before the start: overnight
    return ",".join(found)


def days(draw: st.DrawFn, names: tuple[str, ...]) -> str:
    first = draw(st.integers(0, 6))
    last = draw(st.integers(first, 6))
    return names[first] if first == last else f"{names[first]}-{names[last]}"


@st.composite
def osm_rule(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return "24/7"
    if kind == 1:
        return f"PH {draw(st.sampled_from(('off', 'open', draw(spans()))))}"
    selector = days(draw, OSM_DAYS)
    if draw(st.booleans()):
        selector = f"PH,{selector}" if draw(st.booleans()) else f"{selector},PH"
    state = draw(st.sampled_from(("", "", "", " unknown", " off")))
    return f"{selector} {'' if state == ' off' else draw(spans())}{state}".replace("  ", " ")


@st.composite
def our_week(draw: st.DrawFn) -> str:
    entries = [f"{days(draw, OUR_DAYS)} {draw(spans())}" for _ in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        entries.append(f"{days(draw, OUR_DAYS)} closed")
    if draw(st.integers(0, 4)) == 0:
        entries.insert(0, "Mon-Sun 00:00-00:00")  # open all day, every day
    holiday = draw(st.sampled_from(("", "closed", "as usual", draw(spans()))))
    if holiday:
        entries.append(f"Bank holidays {holiday}")
    return "; ".join(entries)


HOURS = st.one_of(st.lists(osm_rule(), min_size=1, max_size=4).map("; ".join), our_week())
MOMENTS = st.one_of(
    st.builds(
        lambda day, minute: (
            datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute)
        ),
        AROUND,
        st.integers(-3 * 24 * 60, 2 * 24 * 60),
    ),
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
)


def library_only(hours: OpeningHours) -> OpeningHours:
    """The same hours answered by the library alone."""
    twin = OpeningHours(hours.spans, hours.warnings, hours.holiday_spans, hours.holiday_stated,
                        hours.osm)  # fmt: skip
    text = hours.osm or twin._rules.text
    object.__setattr__(twin, "_read", OsmRules(text, weekly_tables=False))
    return twin


def answers(hours: OpeningHours, at: datetime) -> tuple[object, ...]:
    status = hours.status(at)
    return (
        status,
        status.changes_at,
        hours.is_open(at),
        hours.next_change(at),
        hours.closes_at(at),
        hours.next_opening(at),
    )


@settings(max_examples=examples(300))
@given(HOURS, st.lists(MOMENTS, min_size=1, max_size=8))
def test_weekly_tables_answer_as_the_library_does(text: str, moments: list[datetime]) -> None:
    hours = OpeningHours.parse(text)
    assert hours is not None
    library = library_only(hours)
    for at in moments:
        steps = [at + timedelta(minutes=m) for m in (0, 1, 59, 61, 24 * 60 + 7)]
        for moment in [*steps, at.replace(second=31, microsecond=5)]:
            assert answers(hours, moment) == answers(library, moment), (text, moment)


def test_weekly_rules_get_a_table_and_dated_rules_do_not() -> None:
    for weekly in ("Mo-Fr 09:00-17:00; Sa 22:00-02:00; Su off", "24/7", "Mo 10:00-12:00 unknown"):
        assert week_table(weekly) is not None, weekly
    for dated in ("Dec 25 off", "Mo-Fr 09:00-17:00; week 01 off", 'Mo 10:00-12:00 "ring"',
                  "2026 Mo-Fr 09:00-17:00", "Mo[1] 10:00-12:00", "Mo-Fr 09:00+"):  # fmt: skip
        assert week_table(dated) is None, dated


def test_hours_that_never_change_say_so() -> None:
    at = datetime(2026, 12, 2, 15, tzinfo=UTC)
    for text in ("24/7", "Mo-Su 00:00-24:00", "Mon-Sun 00:00-00:00; Bank holidays as usual"):
        hours = OpeningHours.parse(text)
        assert hours is not None
        assert hours.next_change(at) is None and hours.status(at).open_now, text
        assert hours.status(at).describe(at) == "Open now. Open all day, every day."
