"""Reading weekly opening hours from text: days, times, and a message quoting the bad part.

Besides the stored form ("Mon-Fri 09:00-17:00; Sat closed") it reads hours as people type
them in a spreadsheet: "Mon-Fri 9am-6pm", "9-5", "9am to 5.30pm", "Closed Sunday",
"Sat 10-4; Sun closed", "Weekdays 9-5, weekends 10-4". Each is stored in the stored form.
"""

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
    **{name.lower() + "s": i for i, name in enumerate(DAY_NAMES)},  # "Closed Sundays"
}
_EXAMPLE = '"Mon-Fri 9am-5pm, Sat 10am-1pm" or "Mo-Fr 09:00-17:00; PH off"'
_MAX_QUOTE = 60

_SEPARATOR = re.compile(r"[;\r\n]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_ENTRY = re.compile(r"(?P<days>[a-z]+(?:\s*[-,]\s*[a-z]+)*)\s*:?\s*(?P<rest>.*)", re.IGNORECASE)
_TIME = r"(\d{1,2})[:.](\d{2})"
# A time as typed: "9", "9am", "9.30", "9:30 pm", "17:00".
_TYPED_TIME = r"(\d{1,2})(?:([:.])(\d{2}))?\s*(am|pm)?"
_RANGE = re.compile(rf"{_TYPED_TIME}\s*-\s*{_TYPED_TIME}", re.IGNORECASE)
_LONE_TIME = re.compile(_TIME)
# A comma after a time or "closed" and before a word starts another entry:
# "Mon-Fri 9am-6pm, Sat 10-4". (A comma between days, "Mon,Wed", does not.)
_NEXT_ENTRY = re.compile(r"(\d|am|pm|closed)\s*,\s*(?=[a-z])", re.IGNORECASE)
# Everyday words, as the stored form says them; applied in this order.
_EVERYDAY = (
    (re.compile(r"\b(a\.m\.?|p\.m\.?)", re.I), lambda m: m[1].replace(".", "").lower()),
    (re.compile(r"\b(noon|midday)\b", re.I), lambda m: "12pm"),
    (re.compile(r"\bmidnight\b", re.I), lambda m: "12am"),
    (re.compile(r"\s*\b(?:to|till|til|until|through|thru)\b\s*", re.I), lambda m: "-"),
    (re.compile(r"\s*(?:&|\band\b)\s*", re.I), lambda m: ","),
    (re.compile(r"\bweekdays?\b", re.I), lambda m: "Mon-Fri"),
    (re.compile(r"\bweekends?\b", re.I), lambda m: "Sat-Sun"),
    (
        re.compile(r"\b(?:daily|every\s*day|7 days(?: a week)?|all week)\b", re.I),
        lambda m: "Mon-Sun",
    ),
    (re.compile(r"\b(?:open\s+)?(?:24\s*hours|24\s*hrs|24/7)\b", re.I), lambda m: "00:00-24:00"),
    (re.compile(r"^\s*open\b\s*:?\s*", re.I), lambda m: ""),
)
# "Bank holidays closed", "Bank holidays: 10am-4pm", "Bank holidays as usual".
_HOLIDAYS = r"(?:bank|public)\s+holidays?"
_HOLIDAY_ENTRY = re.compile(rf"{_HOLIDAYS}\s*:?\s*(?P<rest>.*)", re.IGNORECASE)
_HOLIDAY_FIRST = re.compile(
    rf"(?P<word>closed|open)\s+(?:on\s+)?{_HOLIDAYS}(?:\s+as\s+usual)?", re.IGNORECASE
)
_AS_USUAL = re.compile(
    r"(?:open\s*)?(?:as\s+usual|as\s+normal|usual\s+hours|normal\s+hours|open"
    r"|same\s+as\s+other\s+days)",
    re.IGNORECASE,
)
_CLOSED_FIRST = re.compile(r"closed\s*(?:on\s+|:\s*)?(?P<days>.+)", re.IGNORECASE)
_NO_DAYS = re.compile(r"\d")


class InvalidOpeningHours(ValueError):
    """Text that cannot be read as a weekly schedule; the message quotes the bad part."""

    def __init__(self, message: str, *, part: str = "") -> None:
        super().__init__(message)
        self.part = part


def split_entries(text: str) -> list[str]:
    """The entries of a schedule ("Mon-Fri 09:00-17:00", …), blank ones left out."""
    found = [e.strip() for e in _SEPARATOR.split(_NEXT_ENTRY.sub(r"\1;", text))]
    return [e for e in found if e]


def _everyday(text: str) -> str:
    """An entry in the words the stored form uses: "Closed Sunday" is "Sunday closed",
    "Weekdays 9 to 5" is "Mon-Fri 9-5", and times with no days are every day ("9-5")."""
    for pattern, words in _EVERYDAY:
        text = pattern.sub(words, text)
    text = " ".join(text.split())
    if closed := _CLOSED_FIRST.fullmatch(text):
        text = f"{closed['days']} closed"
    if _NO_DAYS.match(text):
        text = f"Mon-Sun {text}"
    return text


def lone_time_warning(entry: str, day: int) -> str:
    """What to say about an entry that gives one time for a day, read as closed."""
    return (
        f'Read "{_quote(entry)}" as closed on {DAY_NAMES[day]}: it gives one time, '
        f'not an opening and closing time like "{DAY_ABBRS[day]} 09:00-17:00".'
    )


def holiday_entry(entry: str) -> list[tuple[time, time]] | str | None:
    """What an entry says about bank holidays: their spans (``[]``: closed), ``"usual"`` (the
    hours of any other day), or None when it is not about bank holidays."""
    text = " ".join(_DASHES.sub("-", entry).split())
    if first := _HOLIDAY_FIRST.fullmatch(text):
        return [] if first["word"].lower() == "closed" else "usual"
    said = _HOLIDAY_ENTRY.fullmatch(text)
    if said is None:
        return None
    rest = said["rest"].strip()
    if not rest:
        raise _invalid(entry, "it does not say the bank holiday hours")
    if rest.lower() in ("closed", "off"):
        return []
    if _AS_USUAL.fullmatch(rest):
        return "usual"
    try:
        _, spans, lone_time = parse_entry(f"Mon {rest}")
    except InvalidOpeningHours:
        raise _invalid(entry, "the bank holiday hours are not clear") from None
    if lone_time:
        raise _invalid(entry, "it gives one time, not an opening and closing time")
    return spans or []


def parse_entry(entry: str) -> tuple[list[int], list[tuple[time, time]] | None, bool]:
    """Days named, their spans (``None`` = closed) and whether it was a lone time."""
    text = _everyday(_DASHES.sub("-", entry))
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
    before: int | None = None  # the time before, in minutes: "9-5" closes at 17:00
    for item in rest.split(","):
        found = _RANGE.fullmatch(item.strip())
        if found is None:
            raise _invalid(entry)
        times = []
        for at, (hours, sep, minutes, noon) in enumerate((found.groups()[:4], found.groups()[4:])):
            h, m = _typed(entry, hours, sep, minutes, noon, before)
            shown = f"{hours}{sep or ''}{minutes or ''}"
            times.append(_time(entry, str(h), f"{m:02d}", end=at == 1, shown=shown))
            before = h * 60 + m
        start, end = times
        if start == end and start != _MIDNIGHT:
            raise _invalid(entry, f'"{item.strip()}" opens and closes at the same time')
        spans.append((start, end))
    return days, spans, False


def _typed(
    entry: str,
    hours: str,
    sep: str | None,
    minutes: str | None,
    noon: str | None,
    before: int | None,
) -> tuple[int, int]:
    """A time as typed, in hours and minutes of the 24-hour clock.

    "5pm" is 17:00; so is a bare "5" after a time later in the day ("9-5", "9-12, 1-5"), as
    people write office hours. A time with a colon ("05:00") is the 24-hour clock's, so
    "22:00-02:00" still runs past midnight.
    """
    h, m = int(hours), int(minutes or 0)
    if noon:
        if not 1 <= h <= 12:
            raise _invalid(entry, f'"{hours}{noon}" is not a time of day')
        return (h % 12) + (12 if noon.lower() == "pm" else 0), m
    if sep != ":" and before is not None and 1 <= h <= 11 and h * 60 + m <= before:
        if (h + 12) * 60 + m > before:
            return h + 12, m
    return h, m


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


def _time(entry: str, hours: str, minutes: str, *, end: bool, shown: str = "") -> time:
    h, m = int(hours), int(minutes)
    shown = shown or f"{hours}:{minutes}"
    if h == 24 and m == 0:
        if not end:
            raise _invalid(entry, '"24:00" can only be a closing time')
        return _MIDNIGHT
    if h > 23 or m > 59:
        raise _invalid(entry, f'"{shown}" is not a time of day')
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
