"""Values as they read in a report table's cells."""

from __future__ import annotations

import math


def text(value: object) -> str:
    """A table cell as text: blank for a missing value (None or pandas' NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def pct(value: float) -> str:
    """ "80.0%", or a dash for no value."""
    return "–" if math.isnan(value) else f"{value:.1f}%"


def metres(value: float) -> str:
    """ "650 m" or "1.2 km"; "none" for no place at all, a dash for no value."""
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "none"
    return f"{value / 1000:.1f} km" if value >= 1000 else f"{value:,.0f} m"
