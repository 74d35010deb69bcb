"""Reading weekly opening hours from text: days, times, and a message quoting the bad part."""

from __future__ import annotations

import re
from datetime import time

_MIDNIGHT = time(0, 0)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_ABBRS = tuple(name[:3] for name in DAY_NAMES)
_DAY_LOOKUP: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{abbr.lower(): i for i, abbr in enumerate(DAY_ABBRS)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_EXAMPLE = '"Mon 09:00-17:00"'
_MAX_QUOTE = 60

_SEPARATOR = re.compile(r"[;\r\n]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_ENTRY = re.compile(r"(?P<days>[a-z]+(?:\s*[-,]\s*[a-z]+)*)\s*:?\s*(?P<rest>.*)", re.IGNORECASE)
_TIME = r"(\d{1,2})[:.](\d{2})"
_RANGE = re.compile(rf"{_TIME}\s*-\s*{_TIME}")
_LONE_TIME = re.compile(_TIME)


class InvalidOpeningHours(ValueError):
    """Text that cannot be read as a weekly schedule; the message quotes the bad part."""

    def __init__(self, message: str, *, part: str = "") -> None:
        super().__init__(message)
        self.part = part


def split_entries(text: str) -> list[str]:
    """The entries of a schedule ("Mon-Fri 09:00-17:00", …), blank ones left out."""
    found = [e.strip() for e in _SEPARATOR.split(text)]
    return [e for e in found if e]


def lone_time_warning(entry: str, day: int) -> str:
    """What to say about an entry that gives one time for a day, read as closed."""
    return (
        f'Read "{_quote(entry)}" as closed on {DAY_NAMES[day]}: it gives one time, '
        f'not an opening and closing time like "{DAY_ABBRS[day]} 09:00-17:00".'
    )


def parse_entry(entry: str) -> tuple[list[int], list[tuple[time, time]] | None, bool]:
    """Days named, their spans (``None`` = closed) and whether it was a lone time."""
    text = " ".join(_DASHES.sub("-", entry).split())
    match = _ENTRY.fullmatch(text)
    if match is None:
        raise _invalid(entry, "it does not say which day")
    days = _parse_days(entry, match["days"])
    rest = match["rest"]
    if not rest:
        raise _invalid(entry, "it gives no opening times")
    if rest.lower() == "closed":
        return days, None, False
    if lone := _LONE_TIME.fullmatch(rest):
        _time(entry, lone[1], lone[2], end=False)
        return days, [], True
    spans: list[tuple[time, time]] = []
    for item in rest.split(","):
        found = _RANGE.fullmatch(item.strip())
        if found is None:
            raise _invalid(entry)
        start = _time(entry, found[1], found[2], end=False)
        end = _time(entry, found[3], found[4], end=True)
        if start == end and start != _MIDNIGHT:
            raise _invalid(entry, f'"{item.strip()}" opens and closes at the same time')
        spans.append((start, end))
    return days, spans, False


def _parse_days(entry: str, text: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        ends = [_day(entry, name) for name in item.split("-")]
        if len(ends) > 2:
            raise _invalid(entry, f'"{item.strip()}" is not a day or a range of days')
        first, last = ends[0], ends[-1]
        # Ranges may wrap over the weekend, e.g. "Sat-Mon".
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return sorted(set(days))


def _day(entry: str, name: str) -> int:
    day = _DAY_LOOKUP.get(name.strip().lower())
    if day is None:
        raise _invalid(entry, f'"{name.strip()}" is not a day of the week')
    return day


def _time(entry: str, hours: str, minutes: str, *, end: bool) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        if not end:
            raise _invalid(entry, '"24:00" can only be a closing time')
        return _MIDNIGHT
    if h > 23 or m > 59:
        raise _invalid(entry, f'"{hours}:{minutes}" is not a time of day')
    return time(h, m)


def _quote(text: str) -> str:
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 1] + "\u2026"


def _invalid(entry: str, problem: str | None = None) -> InvalidOpeningHours:
    quoted = _quote(entry)
    advice = f"{problem}. Use" if problem else "use"
    return InvalidOpeningHours(
        f'We could not read "{quoted}" as opening hours: {advice} a form like {_EXAMPLE}.',
        part=quoted,
    )
