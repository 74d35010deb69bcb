"""The distance bands as the report maps show them: a colour and a label for each band of
`locator.coverage.bands`. The report chart and tables use the same, so they match the map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from locator.coverage import THRESHOLDS_M
from locator.match import walk_minutes

# Colour-blind-safe sequential bands (ColorBrewer YlOrRd): the further, the redder.
BAND_COLOURS: Final = ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c")


def short_distance(metres: float) -> str:
    """ "800 m" or "1.6 km": a threshold without its walking time."""
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def walk_label(metres: float, walking_speed_kmh: float = 4.8) -> str:
    """ "800 m (10 min walk)": a threshold as people think of it."""
    minutes = walk_minutes(metres, walking_speed_kmh)
    return f"{short_distance(metres)} ({minutes} min walk)"


def band_labels(
    thresholds: Sequence[float] = THRESHOLDS_M, walking_speed_kmh: float = 4.8
) -> list[str]:
    """One label per band of `locator.coverage.bands`: "Within 400 m (5 min walk)", …"""
    labels = [f"Within {walk_label(thresholds[0], walking_speed_kmh)}"]
    for low, high in zip(thresholds, thresholds[1:], strict=False):
        labels.append(f"{short_distance(low)} to {walk_label(high, walking_speed_kmh)}")
    labels.append(f"Further than {short_distance(thresholds[-1])}")
    return labels
