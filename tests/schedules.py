"""Helpers for the opening-hours tests: London and UTC moments, schedules and spans."""

from __future__ import annotations

from datetime import UTC, datetime, time

from locator.hours import LONDON, OpeningHours, TimeSpan

LIBRARY = (
    "Mon 09:30-17:00; Tue 09:30-17:00; Wed 09:30-17:00; Thu 09:30-17:00; "
    "Fri 09:30-19:00; Sat 09:30-16:00"
)


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=LONDON, fold=fold)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def hours(text: str) -> OpeningHours:
    parsed = OpeningHours.parse(text)
    assert parsed is not None
    return parsed


def span(day: int, start: str, end: str) -> TimeSpan:
    return TimeSpan(day, time.fromisoformat(start), time.fromisoformat(end))


# 2026-05-11 is a Monday; the week runs Mon 11 May .. Sun 17 May, with no bank holiday in it
# (Monday 4 May is one).
MON = 11
