"""A place's opening hours as Open Referral UK schedules (HSDS 3.0's iCal-like records)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from locator.hours_text import DAY_NAMES
from locator.oruk_ids import Record, oruk_id
from locator.venues import Venue

# HSDS schedules' iCal day codes, Monday first (as `TimeSpan.day`).
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Opening times are wall-clock times in the UK, whose offset changes twice a year: a fixed
# offset on opens_at/closes_at would be wrong for half of it, so the zone is said in words.
TIMES_NOTE = "Times are UK local time (Europe/London)."
ATTENDING = "In person: go in and ask any member of staff. No appointment is needed."


def schedules(venue: Venue, sid: str) -> list[Record]:
    """The weekly opening hours: one WEEKLY schedule for each opening and closing time,
    with the days it applies to (``byday``); none when the hours are not known.

    Read from the hours' week as people are shown it (`OpeningHours.by_day`), in either of
    the forms staff may write them. An iCal rule can't say "except bank holidays", so what
    happens on England's bank holidays is said in each schedule's notes."""
    hours = venue.opening_hours
    if hours is None:
        return []
    notes = f"{TIMES_NOTE} {holiday_note(hours.bank_holidays())}"
    days_at: dict[tuple[time, time], list[int]] = {}
    for day, (_, ranges) in enumerate(hours.by_day()):
        for text in ranges:
            days_at.setdefault(_range(text), []).append(day)
    found = []
    for (start, end), days in sorted(days_at.items(), key=lambda kv: (min(kv[1]), kv[0])):
        byday = ",".join(BYDAY[d] for d in sorted(set(days)))
        opens, closes = f"{start:%H:%M}", f"{end:%H:%M}"
        found.append(
            {
                "id": oruk_id("schedule", f"{venue.id}/{byday}/{opens}-{closes}"),
                "service_id": sid,
                "freq": "WEEKLY",
                "interval": 1,
                "byday": byday,
                "opens_at": opens,
                "closes_at": closes,
                "description": _schedule_words(sorted(set(days)), start, end),
                "attending_type": ATTENDING,
                "notes": notes,
            }
        )
    return found


def holiday_note(spans: list[str] | None) -> str:
    """What the hours do on a bank holiday, in words: `OpeningHours.bank_holidays`'s answer
    (``None``: the usual hours; ``[]``: closed; else the spans, ``"10:00-16:00"``)."""
    if spans is None:
        return "On bank holidays the usual hours apply."
    if not spans:
        return "Closed on bank holidays."
    times = [_range(text) for text in spans]
    said = ", ".join(
        f"{a:%H:%M} to {'midnight' if b == time(0) else f'{b:%H:%M}'}" for a, b in times
    )
    return f"On bank holidays: {said}."


def _range(text: str) -> tuple[time, time]:
    """``"09:30-17:00"`` as times; a close at ``24:00`` is midnight, ``time(0, 0)``."""
    start, _, end = text.partition("-")
    return _clock(start), _clock(end)


def _clock(text: str) -> time:
    hour, _, minute = text.strip().partition(":")
    return time(int(hour) % 24, int(minute))


def _schedule_words(days: Iterable[int], start: time, end: time) -> str:
    names = [DAY_NAMES[d] for d in days]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if start == end:
        return f"{listed}: open all day."
    until = "midnight" if end == time(0) else f"{end:%H:%M}"
    later = " the next day" if end != time(0) and end < start else ""
    return f"{listed}: {start:%H:%M} to {until}{later}."
