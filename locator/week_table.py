"""Purely weekly OpenStreetMap rules answered by minute-of-week arithmetic.

Rules that say only weekdays, times and states ("Mo-Fr 09:00-17:00; Sa 10:00-13:00 unknown",
"24/7") give the same answer every week, so the library's answers for one week, read once,
answer every moment: a lookup instead of the library's evaluation, which for rules that never
change looks a year ahead each time. Anything else (dates, months, week numbers, comments,
fallbacks) is not purely weekly and stays with the library.
"""

from __future__ import annotations

import bisect
import re
from datetime import datetime, timedelta

import opening_hours as oh

_WEEK = 7 * 24 * 60
# A Monday: any week answers alike for purely weekly rules.
_MONDAY = datetime(2024, 1, 1)
_ONE_WEEK = timedelta(days=7)
# Weekdays, times, states and separators: nothing that depends on the date or says more.
# `PH` is never a holiday to the library here (`locator.osm_rules` writes them as weekdays).
_WEEKLY_ONLY = re.compile(
    r"(?:\s|[;,]|-|Mo|Tu|We|Th|Fr|Sa|Su|PH|24/7|[0-2]\d:[0-5]\d|open|closed|off|unknown)*"
)


class WeekTable:
    """Where the state of purely weekly rules changes in a week, and to what."""

    __slots__ = ("_points", "_states", "_constant")

    def __init__(self, rules: oh.OpeningHours) -> None:
        spans = [
            (_minute(begin), state)
            for begin, _end, state, _ in rules.intervals(_MONDAY, _MONDAY + _ONE_WEEK)
        ]
        # Kept only where the state really changes, the week read round from Sunday night.
        changes = [
            (minute, state) for i, (minute, state) in enumerate(spans) if state != spans[i - 1][1]
        ] or [(0, spans[0][1])]
        self._constant = len(changes) <= 1
        self._points = [minute for minute, _ in changes]
        self._states = [state for _, state in changes]

    def state(self, wall: datetime) -> oh.State:
        if self._constant:
            return self._states[0]
        return self._states[bisect.bisect_right(self._points, _week_minute(wall)) - 1]

    def next_change(self, wall: datetime) -> datetime | None:
        """The first wall-clock minute after `wall` when the state changes; None if never."""
        if self._constant:
            return None
        now = _week_minute(wall)
        found = bisect.bisect_right(self._points, now)
        point = self._points[found] if found < len(self._points) else self._points[0] + _WEEK
        return wall.replace(second=0, microsecond=0) + timedelta(minutes=point - now)


def week_table(text: str) -> WeekTable | None:
    """The table for OSM rules `text` (the library's canonical form), or None when the rules
    are not purely weekly."""
    if _WEEKLY_ONLY.fullmatch(text) is None:
        return None
    return WeekTable(oh.OpeningHours(text))


def _minute(moment: datetime) -> int:
    return (moment - _MONDAY) // timedelta(minutes=1)


def _week_minute(wall: datetime) -> int:
    return wall.weekday() * 1440 + wall.hour * 60 + wall.minute
