"""England's bank holidays (Derbyshire's), from the maintained `holidays` package.

Substitute days count: when Boxing Day falls on a Saturday, Monday 28 December is the bank
holiday people get off, and places that close on bank holidays close then.
"""

from __future__ import annotations

import bisect
from datetime import date
from functools import lru_cache

# Enough years for every question a page can ask ("opens next" looks a year or so ahead); each
# is worked out once, on first use.
_YEARS_KEPT = 16


@lru_cache(maxsize=_YEARS_KEPT)
def _year(year: int) -> dict[date, str]:
    # Loaded here, not with the module: about 0.15 s of imports a server's start can skip (a
    # worker loads it as it warms up, before the first search).
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: str(name) for day, name in sorted(found.items()) if day.year == year}


@lru_cache(maxsize=_YEARS_KEPT)
def _days(year: int) -> tuple[date, ...]:
    return tuple(_year(year))


def bank_holiday(day: date) -> str | None:
    """The bank holiday's name ("Christmas Day", "Boxing Day (observed)"), or None."""
    return _year(day.year).get(day)


def is_bank_holiday(day: date) -> bool:
    return day in _year(day.year)


def next_bank_holiday(after: date) -> date:
    """The first bank holiday strictly after `after` (England has several every year)."""
    for year in (after.year, after.year + 1):
        days = _days(year)
        found = bisect.bisect_right(days, after)
        if found < len(days):
            return days[found]
    raise LookupError(f"no bank holiday known after {after}")  # pragma: no cover
