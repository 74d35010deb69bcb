"""Weekly opening hours: read from text, asked "open now?" in Europe/London wall-clock time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from locator.hours_text import (
    DAY_ABBRS,
    DAY_NAMES,
    InvalidOpeningHours,
    lone_time_warning,
    parse_entry,
    split_entries,
)

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

_DAY = 24 * 60
_WEEK = 7 * _DAY
_MIDNIGHT = time(0, 0)
_NOON = time(12, 0)


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
class OpenStatus:
    """Whether a place is open at one moment, and when that changes."""

    open_now: bool
    closes_at: datetime | None
    opens_at: datetime | None

    def describe(self, now: datetime) -> str:
        """Plain English, e.g. "Closed now. Opens tomorrow at 9:30am."."""
        today = _to_london(now).date()
        if self.open_now:
            if self.closes_at is None:
                return "Open now. Open all day, every day."
            return f"Open now. Closes {_when(self.closes_at, today)}."
        if self.opens_at is None:
            return "Closed now."
        return f"Closed now. Opens {_when(self.opens_at, today)}."


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """A weekly schedule of London wall-clock spans; overlapping spans are read as one."""

    spans: tuple[TimeSpan, ...]
    warnings: tuple[str, ...] = ()
    # Merged open intervals in minutes from Monday 00:00; an interval may end past the week's end.
    _open: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    # `by_day`'s spans, worked out on first use: every search result shows them.
    _days: tuple[tuple[str, ...], ...] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", tuple(self.spans))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "_open", _merge(self.spans))

    @classmethod
    def parse(cls, text: str) -> OpeningHours | None:
        """Read text like ``"Mon-Fri 09:00-17:00; Sat 10:00-13:00"``; ``None`` if it is blank."""
        spans: set[TimeSpan] = set()
        closed: set[int] = set()
        warnings: list[str] = []
        entries = split_entries(text)
        if not entries:
            return None
        for entry in entries:
            days, found, lone_time = parse_entry(entry)
            if found is None:
                closed.update(days)
            else:
                spans.update(TimeSpan(day, start, end) for day in days for start, end in found)
            if lone_time:
                warnings.extend(lone_time_warning(entry, day) for day in days)
        # An explicit "closed" wins, so "Mon-Fri 09:00-17:00; Wed closed" reads naturally.
        kept = sorted(
            (s for s in spans if s.day not in closed), key=lambda s: (s.day, s.start, s.end)
        )
        return cls(tuple(kept), tuple(warnings))

    def is_open(self, at: datetime) -> bool:
        """Whether it is open at ``at`` (timezone-aware), by London wall-clock time."""
        return self._until_close(_week_minute(_to_london(at))) is not None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the current opening ends, or ``None`` if closed now or never closing."""
        local = _to_london(at)
        minutes = self._until_close(_week_minute(local))
        if minutes is None or self._always_open:
            return None
        return _later(at, local, minutes)

    def next_opening(self, at: datetime) -> datetime | None:
        """Next time it opens after being closed; if open now, the opening after this one."""
        if not self._open or self._always_open:
            return None
        local = _to_london(at)
        now = _week_minute(local)
        wait = self._until_close(now) or 0
        return _later(at, local, wait + self._until_open(now + wait))

    def next_change(self, at: datetime) -> datetime | None:
        """When it next closes (if open) or opens (if closed); ``None`` if that never happens."""
        return self.closes_at(at) if self.is_open(at) else self.next_opening(at)

    def status(self, at: datetime) -> OpenStatus:
        """Open now or not, with the next closing or opening time."""
        if self.is_open(at):
            return OpenStatus(True, self.closes_at(at), None)
        return OpenStatus(False, None, self.next_opening(at))

    def to_text(self) -> str:
        """Canonical text, e.g. ``"Mon 09:00-12:30,13:30-17:00; Tue 09:30-17:00"``."""
        entries = [
            f"{DAY_ABBRS[i]} {','.join(spans)}"
            for i, (_, spans) in enumerate(self.by_day())
            if spans
        ]
        return "; ".join(entries) if entries else "Mon-Sun closed"

    def to_lines(self) -> list[str]:
        """Days with the same times together, for people to read and edit:
        ``["Mon-Fri 09:00-17:00", "Sat 09:00-12:30"]``; closed days are left out. It reads
        back (`parse`) as the same hours."""
        days = [",".join(spans) for _, spans in self.by_day()]
        lines: list[str] = []
        first = 0
        while first < 7:
            last = first
            while last + 1 < 7 and days[last + 1] == days[first]:
                last += 1
            if days[first]:
                names = DAY_ABBRS[first] + (f"-{DAY_ABBRS[last]}" if last > first else "")
                lines.append(f"{names} {days[first]}")
            first = last + 1
        return lines or ["Mon-Sun closed"]

    def by_day(self) -> list[tuple[str, list[str]]]:
        """Monday to Sunday: full day name and spans like ``"09:30-17:00"`` (none = closed)."""
        found = self._days
        if found is None:
            days: list[list[TimeSpan]] = [[] for _ in range(7)]
            for span in self.spans:
                days[span.day].append(span)
            found = tuple(
                tuple(s.range_text() for s in sorted(spans, key=lambda s: (s.start, s.end)))
                for spans in days
            )
            object.__setattr__(self, "_days", found)  # the same every time: kept
        return [(DAY_NAMES[i], list(spans)) for i, spans in enumerate(found)]

    def by_day_words(self) -> list[tuple[str, list[str]]]:
        """Like `by_day`, in the words the rest of the page uses: ``"9:30am to 5pm"``."""
        days: list[list[TimeSpan]] = [[] for _ in range(7)]
        for span in self.spans:
            days[span.day].append(span)
        return [
            (
                DAY_NAMES[i],
                [
                    f"{_clock(s.start)} to {_clock(s.end)}"
                    for s in sorted(spans, key=lambda s: (s.start, s.end))
                ],
            )
            for i, spans in enumerate(days)
        ]

    @property
    def _always_open(self) -> bool:
        return self._open == ((0, _WEEK),)

    def _until_close(self, minute: int) -> int | None:
        """Minutes from ``minute`` of the week until the open interval holding it ends."""
        for start, end in self._open:
            for m in (minute, minute + _WEEK):
                if start <= m < end:
                    return end - m
        return None

    def _until_open(self, minute: int) -> int:
        """Minutes from ``minute`` (a closed moment) until the next interval starts."""
        return min((start - minute) % _WEEK for start, _ in self._open)


def describe_unknown() -> str:
    """What to say when a place's opening hours are not known."""
    return "Opening hours not known."


def _merge(spans: tuple[TimeSpan, ...]) -> tuple[tuple[int, int], ...]:
    """Union of the spans as intervals of minutes from Monday 00:00, joined across the week end."""
    pieces: list[tuple[int, int]] = []
    for span in spans:
        start, end = span._minutes()
        start, end = start + span.day * _DAY, end + span.day * _DAY
        if end > _WEEK:
            pieces += [(start, _WEEK), (0, end - _WEEK)]
        else:
            pieces.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if len(merged) > 1 and merged[0][0] == 0 and merged[-1][1] == _WEEK:
        merged[-1][1] = _WEEK + merged.pop(0)[1]
    return tuple((start, end) for start, end in merged)


def _to_london(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, not the naive {at.isoformat()}")
    return at.astimezone(LONDON)


def _week_minute(local: datetime) -> int:
    return local.weekday() * _DAY + local.hour * 60 + local.minute


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
