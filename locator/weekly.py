"""Our own weekly form of opening hours, read into spans, with its bank holiday entry, and
written as OpenStreetMap rules so one evaluator answers both forms (`locator.osm_rules`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time, timedelta

from locator.hours_text import (
    holiday_entry,
    lone_time_warning,
    parse_entry,
    split_entries,
)

_DAY = 24 * 60
_MIDNIGHT = time(0, 0)
_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """One opening span starting on a weekday; it runs past midnight when ``end <= start``.

    ``end == time(0, 0)`` means "until midnight"; ``00:00-00:00`` is the whole day.
    """

    day: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if isinstance(self.day, bool) or not 0 <= self.day <= 6:
            raise ValueError(f"day must be 0 (Monday) to 6 (Sunday), not {self.day!r}")
        for t in (self.start, self.end):
            if t.tzinfo is not None or t.second or t.microsecond:
                raise ValueError(f"opening times are whole minutes with no time zone, not {t!r}")
        if self.start == self.end and self.start != _MIDNIGHT:
            raise ValueError(f"a span cannot open and close at {self.start:%H:%M}")

    @property
    def overnight(self) -> bool:
        """True when the span runs into the next day (a midnight close does not count)."""
        return self.end != _MIDNIGHT and self.end < self.start

    @property
    def duration(self) -> timedelta:
        """How long the span is open."""
        start, end = self._minutes()
        return timedelta(minutes=end - start)

    def range_text(self) -> str:
        """Canonical ``"09:30-17:00"``; a midnight close is written ``24:00``."""
        end = "24:00" if self.end == _MIDNIGHT else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"

    def _minutes(self) -> tuple[int, int]:
        """Start and end in minutes from the start of ``day``; end is at most a day later."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        if end <= start:
            end += _DAY
        return start, end


@dataclass(frozen=True, slots=True)
class Weekly:
    """What a text in the weekly form says."""

    spans: tuple[TimeSpan, ...]
    warnings: tuple[str, ...]
    # On bank holidays: () closed (also when not said), spans, or None for "as usual".
    holiday_spans: tuple[tuple[time, time], ...] | None
    holiday_stated: bool


def read_weekly(text: str) -> Weekly | None:
    """Read ``"Mon-Fri 09:00-17:00; Sat 10:00-13:00; Bank holidays closed"``; None if blank."""
    spans: set[TimeSpan] = set()
    closed: set[int] = set()
    warnings: list[str] = []
    holidays: tuple[tuple[time, time], ...] | None = ()
    stated = False
    entries = split_entries(text)
    if not entries:
        return None
    for entry in entries:
        said = holiday_entry(entry)
        if said is not None:
            stated, holidays = True, None if isinstance(said, str) else tuple(said)
            continue
        days, found, lone_time = parse_entry(entry)
        if found is None:
            closed.update(days)
        else:
            spans.update(TimeSpan(day, start, end) for day in days for start, end in found)
        if lone_time:
            warnings.extend(lone_time_warning(entry, day) for day in days)
    # An explicit "closed" wins, so "Mon-Fri 09:00-17:00; Wed closed" reads naturally.
    kept = sorted((s for s in spans if s.day not in closed), key=lambda s: (s.day, s.start, s.end))
    return Weekly(tuple(kept), tuple(warnings), holidays, stated)


def weekly_as_osm(
    spans: tuple[TimeSpan, ...], holidays: tuple[tuple[time, time], ...] | None
) -> str:
    """The same hours as OSM rules: ``"Mo 09:00-17:00; Tu 09:00-17:00; PH off"``.

    One rule a day, its spans together (a later OSM rule for a day replaces an earlier one),
    and a span past midnight split there, its early hours written on the next day: in OSM a
    rule for that day would otherwise cut them off, and in the weekly form they stay open.
    A day left out is closed."""
    days: list[list[str]] = [[] for _ in range(7)]
    for span in sorted(spans, key=lambda s: (s.day, s.start, s.end)):
        if span.overnight:
            days[span.day].append(_osm_range(span.start, _MIDNIGHT))
            days[(span.day + 1) % 7].append(_osm_range(_MIDNIGHT, span.end))
        else:
            days[span.day].append(_osm_range(span.start, span.end))
    rules = day_runs([",".join(times) for times in days], _OSM_DAYS)
    if holidays is not None and (rules or holidays):
        ranges = ",".join(_osm_range(a, b) for a, b in holidays)
        rules.append(f"PH {ranges}" if ranges else "PH off")
    return "; ".join(rules) if rules else "off"


def day_runs(days: list[str], names: Sequence[str]) -> list[str]:
    """Days in a row with the same times together, closed days (empty) left out:
    ``["Mo-Fr 09:00-17:00", "Sa 09:00-12:30"]``, in the day names given."""
    runs: list[str] = []
    first = 0
    while first < 7:
        last = first
        while last + 1 < 7 and days[last + 1] == days[first]:
            last += 1
        if days[first]:
            named = names[first] + (f"-{names[last]}" if last > first else "")
            runs.append(f"{named} {days[first]}")
        first = last + 1
    return runs


def _osm_range(start: time, end: time) -> str:
    # The weekly form's "00:00-00:00" is the whole day; OSM writes a midnight close 24:00.
    close = "24:00" if end == _MIDNIGHT else f"{end:%H:%M}"
    return f"{start:%H:%M}-{close}"
