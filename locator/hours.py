"""Opening hours, in our weekly form or OpenStreetMap's syntax, asked "open now?" in
Europe/London wall-clock time with England's bank holidays."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opening_hours import State

from locator.bank_holidays import is_bank_holiday, next_bank_holiday
from locator.hours_text import DAY_ABBRS, DAY_NAMES, InvalidOpeningHours
from locator.osm_rules import HORIZON, OsmRules, looks_like_osm, rules_for, week_spans
from locator.weekly import TimeSpan, day_runs, read_weekly, weekly_as_osm

# InvalidOpeningHours belongs to reading text, but callers meet it through `parse`.
__all__ = [
    "LONDON",
    "InvalidOpeningHours",
    "OpenStatus",
    "OpeningHours",
    "TimeSpan",
    "describe_unknown",
]

LONDON: ZoneInfo = ZoneInfo("Europe/London")

_MIDNIGHT = time(0, 0)
_NOON = time(12, 0)
# Changes looked through for one that is real (a wall time skipped by the clocks is not).
_MAX_STEPS = 8
# The rules of an OSM text, split where a `;` is not inside a "comment".
_RULES = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')


@dataclass(frozen=True, slots=True)
class OpenStatus:
    """Whether a place is open at one moment, and when that changes.

    ``unsure``: the hours say "unknown" now (OSM's ``unknown``), so it is not said to be open.
    ``bank_holiday``: today is a bank holiday and the place, open on other such weekdays, is
    closed all of it.
    """

    open_now: bool
    closes_at: datetime | None
    opens_at: datetime | None
    unsure: bool = False
    bank_holiday: bool = False
    # The next change of any kind (to "unknown" too), worked out with the rest: what the
    # words are kept until (`locator.opening`).
    changes_at: datetime | None = field(default=None, compare=False)

    def describe(self, now: datetime) -> str:
        """Plain English, e.g. "Closed now. Opens tomorrow at 9:30am."."""
        today = _to_london(now).date()
        if self.open_now:
            if self.closes_at is None:
                return "Open now. Open all day, every day."
            return f"Open now. Closes {_when(self.closes_at, today)}."
        if self.unsure:
            return "We are not sure it is open now. Phone before you go."
        first = "Closed today: bank holiday." if self.bank_holiday else "Closed now."
        if self.opens_at is None:
            return first
        return f"{first} Opens {_when(self.opens_at, today)}."


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """A place's opening hours, asked about in Europe/London wall-clock time.

    Written in either of two ways: our weekly form ("Mon-Fri 09:00-17:00; Sat 10:00-13:00",
    read with everyday words too, `locator.hours_text`), kept in ``spans``; or OpenStreetMap's
    ``opening_hours`` syntax ("Mo-Fr 09:00-17:00; PH off"), kept as typed in ``osm``. Both are
    answered by the same OSM rules (`locator.osm_rules`), the weekly form written as OSM.

    Bank holidays (England's): OSM rules say what happens on them with ``PH`` ("PH off",
    "PH 10:00-16:00"); rules that never say ``PH`` keep their usual hours on bank holidays,
    as OSM defines. The weekly form says it with a "Bank holidays" entry ("Bank holidays
    closed", "Bank holidays 10:00-16:00", "Bank holidays as usual"); without one the place is
    read as closed on bank holidays: most libraries, GP surgeries and council offices are,
    and a place is never said to be open when that is not known.
    """

    spans: tuple[TimeSpan, ...] = ()
    warnings: tuple[str, ...] = ()
    # The weekly form's bank holidays: () closed, spans, or None for "as on other days".
    holiday_spans: tuple[tuple[time, time], ...] | None = ()
    # Whether the weekly form said so (then `to_text` says it again).
    holiday_stated: bool = False
    # OSM syntax as typed; None for the weekly form.
    osm: str | None = None
    # The OSM rules that answer, read on first use: start-up reads every place's hours, and
    # places share a few texts (`rules_for` reads each once).
    _read: OsmRules | None = field(init=False, repr=False, compare=False, default=None)
    # `by_day`'s spans, worked out on first use: every search result shows them.
    _days: tuple[tuple[tuple[time, time], ...], ...] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", tuple(self.spans))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        if self.osm is not None:  # read now: OSM text that can't be read is refused here
            object.__setattr__(self, "_read", rules_for(self.osm))

    @property
    def _rules(self) -> OsmRules:
        found = self._read
        if found is None:
            text = self.osm or weekly_as_osm(self.spans, self.holiday_spans)
            found = rules_for(text)
            object.__setattr__(self, "_read", found)  # the same every time: kept
        return found

    def __reduce__(self) -> tuple[type[OpeningHours], tuple[object, ...]]:
        # Pickled as what was read; the rules are read again (the library's can't be pickled).
        fields = (self.spans, self.warnings, self.holiday_spans, self.holiday_stated, self.osm)
        return OpeningHours, fields

    @classmethod
    def parse(cls, text: str) -> OpeningHours | None:
        """Read the weekly form (``"Mon-Fri 09:00-17:00; Sat 10:00-13:00"``) or OSM syntax
        (``"Mo-Fr 09:00-17:00; PH off"``); ``None`` if it is blank.

        Text that looks like OSM's (two-letter days, ``PH``, ``24/7``, ``off``) is tried as
        OSM first, anything else as the weekly form first. Raises `InvalidOpeningHours` saying
        what was wrong, in the terms of the syntax the text looks like."""
        text = text.strip()
        osm_first = looks_like_osm(text)
        try:
            return cls._osm(text) if osm_first else cls._weekly(text)
        except InvalidOpeningHours as first_error:
            try:
                return cls._weekly(text) if osm_first else cls._osm(text)
            except InvalidOpeningHours:
                raise first_error from None

    @classmethod
    def _osm(cls, text: str) -> OpeningHours:
        # Rules typed a line each (the staff form's box) are kept joined as OSM writes them.
        lines = [line.strip().rstrip(";").strip() for line in text.splitlines()]
        joined = "; ".join(line for line in lines if line)
        return cls(osm=joined, warnings=rules_for(joined).warnings)

    @classmethod
    def _weekly(cls, text: str) -> OpeningHours | None:
        weekly = read_weekly(text)
        if weekly is None:
            return None
        return cls(
            weekly.spans,
            weekly.warnings,
            holiday_spans=weekly.holiday_spans,
            holiday_stated=weekly.holiday_stated,
        )

    def is_open(self, at: datetime) -> bool:
        """Whether it is open at ``at`` (timezone-aware), by London wall-clock time."""
        return self._state(at) == State.OPEN

    def _state(self, at: datetime) -> State:
        return self._rules.state(_wall(_to_london(at)))

    def closes_at(self, at: datetime) -> datetime | None:
        """When the current opening ends, or ``None`` if closed now or never closing."""
        return self.next_change(at) if self.is_open(at) else None

    def next_opening(self, at: datetime) -> datetime | None:
        """Next time it opens after being closed; if open now, the opening after this one."""
        closed_since = not self.is_open(at)
        moment, until = at, at + HORIZON
        while (change := self.next_change(moment)) is not None and change < until:
            if self.is_open(change):
                if closed_since:
                    return change
            else:
                closed_since = True
            moment = change
        return None

    def next_change(self, at: datetime) -> datetime | None:
        """When it next closes (if open) or opens (if closed); ``None`` if that never happens.

        A change at a wall time the clocks skip (01:30 on the night they go forward) is at the
        real moment after; if that moment reads the same as now, the search goes on."""
        return self._next_change(at, self._state(at))

    def _next_change(self, at: datetime, state: State) -> datetime | None:
        """`next_change` from ``at``, whose state is known already."""
        rules = self._rules
        moment = at
        for _ in range(_MAX_STEPS):
            local = _to_london(moment)
            wall = _wall(local)
            change = rules.next_change(wall, state if moment is at else None)
            if change is None:
                return None
            minutes = (change - wall.replace(second=0, microsecond=0)) // timedelta(minutes=1)
            moment = _later(moment, local, minutes)
            if self._state(moment) != state:
                return moment
        return None

    def status(self, at: datetime) -> OpenStatus:
        """Open now or not, with the next closing or opening time."""
        local = _to_london(at)
        state = self._rules.state(_wall(local))
        change = self._next_change(at, state)
        if state == State.OPEN:
            return OpenStatus(True, change, None, changes_at=change)
        opens = change if change is None or self.is_open(change) else self.next_opening(change)
        shut = self._holiday_shut(local)
        return OpenStatus(False, None, opens, state == State.UNKNOWN, shut, changes_at=change)

    def _holiday_shut(self, local: datetime) -> bool:
        """Whether today is a bank holiday that keeps it closed all day, when it opens on
        other days of this weekday."""
        day = local.date()
        if not is_bank_holiday(day) or self._rules.day_spans(day, bank_holiday=True):
            return False
        return bool(self._rules.day_spans(day))

    def bank_holidays(self) -> list[str] | None:
        """Spans on a bank holiday (``[]``: closed), or ``None`` when the usual hours hold."""
        found = self._holiday_times()
        return None if found is None else [_range_text(a, b) for a, b in found]

    def bank_holiday_words(self) -> str:
        """For people: "closed", "10am to 4pm", or "usual hours"."""
        found = self._holiday_times()
        if found is None:
            return "usual hours"
        return ", ".join(f"{_clock(a)} to {_clock(b)}" for a, b in found) or "closed"

    def _holiday_times(self) -> list[tuple[time, time]] | None:
        if self.osm is None:
            return None if self.holiday_spans is None else list(self.holiday_spans)
        if not self._rules.mentions_bank_holidays:
            return None
        # Rules may differ by weekday ("PH,Sa 10:00-12:00"): the next bank holiday's.
        day = next_bank_holiday(datetime.now(LONDON).date() - timedelta(days=1))
        return self._rules.day_spans(day, bank_holiday=True)

    def to_text(self) -> str:
        """Canonical text, e.g. ``"Mon 09:00-12:30,13:30-17:00; Tue 09:30-17:00"``; OSM rules
        as they were typed."""
        if self.osm is not None:
            return self.osm
        entries = [
            f"{DAY_ABBRS[i]} {','.join(spans)}"
            for i, (_, spans) in enumerate(self.by_day())
            if spans
        ]
        if self.holiday_stated:
            entries.append(self._holiday_entry())
        return "; ".join(entries) if entries else "Mon-Sun closed"

    def to_lines(self) -> list[str]:
        """Days with the same times together, for people to read and edit:
        ``["Mon-Fri 09:00-17:00", "Sat 09:00-12:30"]``; closed days are left out; OSM rules one
        to a line. It reads back (`parse`) as the same hours."""
        if self.osm is not None:
            return [rule.strip() for rule in _RULES.split(self.osm) if rule.strip()]
        days = [",".join(spans) for _, spans in self.by_day()]
        lines = day_runs(days, DAY_ABBRS)
        if self.holiday_stated:
            lines.append(self._holiday_entry())
        return lines or ["Mon-Sun closed"]

    def _holiday_entry(self) -> str:
        spans = self.bank_holidays()
        if spans is None:
            return "Bank holidays as usual"
        return f"Bank holidays {','.join(spans)}" if spans else "Bank holidays closed"

    def by_day(self) -> list[tuple[str, list[str]]]:
        """Monday to Sunday: full day name and spans like ``"09:30-17:00"`` (none = closed).
        OSM rules that change with the date give this week's."""
        week = self._week()
        return [(DAY_NAMES[i], [_range_text(a, b) for a, b in s]) for i, s in enumerate(week)]

    def week_spans(self) -> tuple[TimeSpan, ...]:
        """The spans of `by_day` as `TimeSpan`s, for hours in either form: ``spans`` are the
        weekly form's alone."""
        if self.osm is None:
            return self.spans
        return tuple(TimeSpan(d, a, b) for d, spans in enumerate(self._week()) for a, b in spans)

    def by_day_words(self) -> list[tuple[str, list[str]]]:
        """Like `by_day`, in the words the rest of the page uses: ``"9:30am to 5pm"``."""
        return [
            (DAY_NAMES[i], [f"{_clock(a)} to {_clock(b)}" for a, b in s])
            for i, s in enumerate(self._week())
        ]

    def _week(self) -> tuple[tuple[tuple[time, time], ...], ...]:
        found = self._days
        if found is None:
            if self.osm is None:
                days: list[list[tuple[time, time]]] = [[] for _ in range(7)]
                for span in self.spans:
                    days[span.day].append((span.start, span.end))
            else:
                monday = datetime.now(LONDON).date()
                days = week_spans(self._rules, monday - timedelta(days=monday.weekday()))
            found = tuple(tuple(sorted(set(d))) for d in days)
            object.__setattr__(self, "_days", found)  # the same every time: kept
        return found


def describe_unknown() -> str:
    """What to say when a place's opening hours are not known."""
    return "Opening hours not known."


def _to_london(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, not the naive {at.isoformat()}")
    return at.astimezone(LONDON)


def _later(at: datetime, local: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` of wall-clock time after ``local``'s minute, strictly after ``at``."""
    wall = local.replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=minutes)
    after = at.astimezone(UTC)
    # fold=1 picks the second 01:xx when clocks go back; the UTC round trip moves a wall time
    # skipped when clocks go forward to the real moment it stands for. Compare in UTC because
    # comparisons within one zone ignore fold.
    for fold in (0, 1):
        moment = wall.replace(tzinfo=LONDON, fold=fold).astimezone(UTC)
        if moment > after:
            break
    return moment.astimezone(LONDON)


def _clock(t: time) -> str:
    if t == _MIDNIGHT:
        return "midnight"
    if t == _NOON:
        return "12 noon"
    hour = f"{t.hour % 12 or 12}" + (f":{t.minute:02d}" if t.minute else "")
    return hour + ("am" if t.hour < 12 else "pm")


def _when(moment: datetime, today: date) -> str:
    """Say when, e.g. "tomorrow at 9am"; midnight is spoken of as the end of the day before."""
    local = _to_london(moment)
    wall = local.time().replace(second=0, microsecond=0)
    day = local.date() - timedelta(days=1) if wall == _MIDNIGHT else local.date()
    clock = _clock(wall)
    ahead = (day - today).days
    if ahead <= 0:
        return f"at {clock}"
    if ahead == 1:
        return f"tomorrow at {clock}"
    name = DAY_NAMES[day.weekday()]
    if ahead < 7:
        return f"on {name} at {clock}"
    if ahead == 7:
        return f"next {name} at {clock}"
    return f"on {name} {day.day} {day:%B} at {clock}"


def _wall(local: datetime) -> datetime:
    """London wall-clock time, as OSM rules are written."""
    return local.replace(tzinfo=None, fold=0)


def _range_text(start: time, end: time) -> str:
    """``"09:30-17:00"``; a midnight close is written ``24:00``."""
    return f"{start:%H:%M}-{'24:00' if end == _MIDNIGHT else f'{end:%H:%M}'}"
