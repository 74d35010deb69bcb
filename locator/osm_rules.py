"""OpenStreetMap `opening_hours` rules, read on London's wall clock with England's bank holidays.

opening-hours-py reads and evaluates the syntax. Its own calendar for "GB" is not England's
(it has no late summer bank holiday, and no Easter Monday), and it cannot be given another, so
`PH` is worked out here: with no country the library never counts a day as a public holiday,
and for a day D the rules are read with `PH` written as the weekdays of D and of the day before
that are bank holidays ("Mo" on a bank holiday Monday). The day before counts because a span
past midnight ("PH 20:00-02:00") belongs to the day it starts on. Rules that never say `PH`
are read as they are.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import opening_hours as oh

from locator.bank_holidays import is_bank_holiday, next_bank_holiday
from locator.hours_text import InvalidOpeningHours
from locator.week_table import WeekTable, week_table

# The library raises this for text it can't read; its type stubs leave it out.
_PARSE_ERROR: type[Exception] = oh.ParserError  # type: ignore[attr-defined]
_DAY_TOKENS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_PH = re.compile(r"\bPH\b")
_QUOTED = re.compile(r'("[^"]*")')
_WHERE = re.compile(r"-->\s*1:(\d+)")
# No answer is looked for further ahead than this: beyond it, hours "never" change.
HORIZON = timedelta(days=400)
_MAX_QUOTE = 40
_MIDNIGHT = time(0, 0)
_NOON = time(12, 0)
_EXAMPLE = '"Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off"'
# Parts of the syntax we can't answer truthfully for a place in Derbyshire.
_REFUSED = (
    (
        re.compile(r"\bSH\b"),
        "school holidays (SH) differ from school to school, so we can't tell when they are",
    ),
    (
        re.compile(r"\b(?:sunrise|sunset|dawn|dusk)\b"),
        "times of the sun (sunrise, sunset) are not used here: give clock times",
    ),
    (
        re.compile(r"\bPH\s*[+-]?\s*\d+\s*days?\b"),
        'days before or after a bank holiday ("PH +1 day") are not used here',
    ),
)


def _outside_quotes(text: str) -> str:
    """The rules without their comments (`"ring first"`), which may say anything."""
    return _QUOTED.sub('""', text)


def _invalid(text: str, problem: str) -> InvalidOpeningHours:
    return InvalidOpeningHours(
        f'We could not read "{_quote(text)}" as OpenStreetMap opening hours: {problem}. '
        f"Use a form like {_EXAMPLE}.",
        part=_quote(text),
    )


def _quote(text: str) -> str:
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 1] + "\u2026"


class OsmRules:
    """One OSM `opening_hours` expression, asked about wall-clock times (naive datetimes)."""

    __slots__ = (
        "text",
        "warnings",
        "mentions_bank_holidays",
        "_canonical",
        "_versions",
        "_tables",
        "_weekly_tables",
    )

    def __init__(self, text: str, weekly_tables: bool = True) -> None:
        """`weekly_tables=False` has the library answer everything (what the tables are
        checked against)."""
        bare = _outside_quotes(text)
        for pattern, problem in _REFUSED:
            if pattern.search(bare):
                raise _invalid(text, problem)
        try:
            parsed = oh.OpeningHours(text, max_interval_days=HORIZON.days)
        except _PARSE_ERROR as exc:
            where = _WHERE.search(str(exc))
            at = int(where[1]) - 1 if where else 0
            # From the start of the word the library stopped in: "10:00-25:61", not "61".
            start = max(text.rfind(sep, 0, at) for sep in " ;,") + 1
            part = text[start:].strip() or text
            raise _invalid(text, f'the part from "{_quote(part)}" is not understood') from None
        self.text = text
        self.warnings = tuple(parsed.warnings)
        self._canonical = str(parsed)
        self.mentions_bank_holidays = bool(_PH.search(_outside_quotes(self._canonical)))
        self._versions: dict[str, oh.OpeningHours] = {"": parsed}
        # Each version's week, when it is purely weekly (`locator.week_table`).
        self._tables: dict[str, WeekTable | None] = {}
        self._weekly_tables = weekly_tables
        if self.mentions_bank_holidays:
            try:
                self._version("Mo")
            except _PARSE_ERROR:
                raise _invalid(text, '"PH" is used where a day can\'t be') from None

    def _version(self, days: str) -> oh.OpeningHours:
        """The rules with `PH` standing for `days` ("" : no day is a bank holiday)."""
        found = self._versions.get(days)
        if found is None:
            pieces = _QUOTED.split(self._canonical)
            written = "".join(p if i % 2 else _PH.sub(days, p) for i, p in enumerate(pieces))
            # Two threads may both build one version: the same rules, so either is kept.
            found = self._versions[days] = oh.OpeningHours(written, max_interval_days=HORIZON.days)
        return found

    def _table(self, days: str) -> WeekTable | None:
        """The version for `days` as a week table; None when only the library can answer."""
        if not self._weekly_tables:
            return None
        try:
            return self._tables[days]
        except KeyError:
            found = self._tables[days] = week_table(str(self._version(days)))
            return found

    def _state_of(self, days: str, wall: datetime) -> oh.State:
        table = self._table(days)
        return self._version(days).state(wall)[0] if table is None else table.state(wall)

    def _change_of(self, days: str, wall: datetime) -> datetime | None:
        table = self._table(days)
        return self._version(days).next_change(wall) if table is None else table.next_change(wall)

    def _key(self, day: date) -> str:
        return _holiday_days(day) if self.mentions_bank_holidays else ""

    def _same_rules_until(self, day: date, key: str, limit: date) -> date:
        """The first day after `day` that is read with different rules (or `limit`)."""
        if not self.mentions_bank_holidays:
            return limit
        if key == "":
            return min(next_bank_holiday(day), limit)
        after = day + timedelta(days=1)
        while self._key(after) == key and after < limit:
            after += timedelta(days=1)
        return after

    def state(self, wall: datetime) -> oh.State:
        return self._state_of(self._key(wall.date()), wall)

    def next_change(self, wall: datetime, current: oh.State | None = None) -> datetime | None:
        """The first wall-clock moment after `wall` when the state is different (from
        `current`, the state at `wall`, if the caller has it); None if not within `HORIZON`."""
        if current is None:
            current = self.state(wall)
        at = wall
        limit = (wall + HORIZON).date()
        while at.date() < limit:
            key = self._key(at.date())
            boundary = datetime.combine(self._same_rules_until(at.date(), key, limit), time())
            change = self._change_of(key, at)
            if change is not None and change < boundary:
                return change if change.date() < limit else None
            if boundary.date() >= limit:
                return None
            if self.state(boundary) != current:
                return boundary
            at = boundary
        return None

    def day_spans(self, day: date, bank_holiday: bool = False) -> list[tuple[time, time]]:
        """The open spans of the wall-clock day `day` (a close at midnight ends at 00:00), as a
        usual day or as a bank holiday."""
        rules = self._version(_DAY_TOKENS[day.weekday()] if bank_holiday else "")
        start = datetime.combine(day, time())
        found = []
        for begin, end, state, _ in rules.intervals(start, start + timedelta(days=1)):
            if state == oh.State.OPEN:
                found.append((begin.time(), end.time()))
        return found


@lru_cache(maxsize=1024)
def _holiday_days(day: date) -> str:
    """The weekdays of `day` and the day before that are bank holidays ("Mo" on a bank
    holiday Monday, "Mo,Tu" the day after): what `PH` stands for on `day`. Kept per day:
    every answer asks it several times."""
    return ",".join(
        _DAY_TOKENS[d.weekday()] for d in (day - timedelta(days=1), day) if is_bank_holiday(d)
    )


@lru_cache(maxsize=4096)
def rules_for(text: str) -> OsmRules:
    """The rules of `text`, read once: many places share the same hours."""
    return OsmRules(text)


# Two-letter days, PH, months, "24/7" or "off": how OSM rules look and our weekly form doesn't.
_OSM_LOOK = re.compile(
    r"\b(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|off"
    r"|week)\b|24/7"
)


def looks_like_osm(text: str) -> bool:
    """Whether text that could not be read is best answered in OSM's terms."""
    return bool(_OSM_LOOK.search(text))


def week_spans(rules: OsmRules, monday: date) -> list[list[tuple[time, time]]]:
    """Monday to Sunday of the week from `monday`, each day's spans on a usual day; a span
    past midnight is shown on the day it starts (``22:00-02:00``), as people write it."""
    days = [rules.day_spans(monday + timedelta(days=i)) for i in range(-1, 8)]
    for today, tomorrow in itertools.pairwise(days):
        if today and tomorrow and today[-1][1] == _MIDNIGHT and _runs_on(tomorrow[0]):
            today[-1] = (today[-1][0], tomorrow.pop(0)[1])
    return days[1:8]


def _runs_on(span: tuple[time, time]) -> bool:
    """A span from midnight that closes before noon: the night before, carried on."""
    start, end = span
    return start == _MIDNIGHT and _MIDNIGHT < end < _NOON
