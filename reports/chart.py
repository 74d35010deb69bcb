"""The coverage report's chart: postcodes by distance to the nearest place, as inline SVG.

Built from a template (no plotting library needed to write a report); bars take the band
colours of the map (`maps.bands`), and dashed lines mark the walking thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from markupsafe import Markup

from locator.coverage import THRESHOLDS_M, bands
from locator.match import walk_minutes
from maps.bands import BAND_COLOURS, short_distance, walk_label
from reports.page import TEMPLATES

# The drawing in SVG user units: the plot inside its margins (the axis labels go there).
WIDTH: Final = 760
HEIGHT: Final = 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 24, 56
PLOT_W: Final = WIDTH - LEFT - RIGHT
PLOT_H: Final = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True, slots=True)
class _Scale:
    """Where values land: bars of `bar_w` per band of `bin_m` metres, counts up to `top_value`."""

    bar_w: float
    bin_m: float
    top_value: int
    step: int
    max_m: float

    def x_of(self, metres: float) -> float:
        return LEFT + metres / self.bin_m * self.bar_w

    def y_of(self, count: float) -> float:
        return TOP + PLOT_H - PLOT_H * count / self.top_value


def distance_chart(
    histogram: pd.DataFrame,
    thresholds: Sequence[float] = THRESHOLDS_M,
    walking_speed_kmh: float = 4.8,
    what: str = "Safe Place",
) -> Markup:
    """An inline SVG bar chart of postcodes by distance band, with the walking thresholds.

    `histogram` is `locator.coverage.distance_histogram`: one row per band, with ``from_m``,
    ``to_m`` and ``postcodes``.
    """
    counts = histogram["postcodes"].to_numpy(dtype=np.int64)
    starts = histogram["from_m"].to_numpy(dtype=np.float64)
    scale = _scale(counts, starts)
    return Markup(
        TEMPLATES.get_template("distance_chart.svg").render(
            width=WIDTH,
            height=HEIGHT,
            left=LEFT,
            top=TOP,
            plot_w=PLOT_W,
            plot_h=PLOT_H,
            bars=_bars(histogram, counts, starts, thresholds, scale),
            x_ticks=_x_ticks(scale),
            y_ticks=_y_ticks(scale),
            lines=_threshold_lines(thresholds, walking_speed_kmh, scale),
            title=f"How far postcodes are from the nearest {what}",
            axis_label=f"Straight-line distance to the nearest {what}",
            description=_description(int(counts.sum()), thresholds, walking_speed_kmh, what, scale),
        )
    )


def _scale(counts: npt.NDArray[np.int64], starts: npt.NDArray[np.float64]) -> _Scale:
    n = len(counts)
    step = _nice_step(int(counts.max()) if n else 1)
    return _Scale(
        bar_w=PLOT_W / max(n, 1),
        bin_m=float(starts[1] - starts[0]) if n > 1 else 1.0,
        top_value=max(step, int(np.ceil((counts.max() if n else 1) / step)) * step),
        step=step,
        max_m=float(starts[-1]) if n else 0.0,
    )


def _bars(
    histogram: pd.DataFrame,
    counts: npt.NDArray[np.int64],
    starts: npt.NDArray[np.float64],
    thresholds: Sequence[float],
    scale: _Scale,
) -> list[dict[str, Any]]:
    """One bar per band, coloured by the map's band its start falls in."""
    colours = [BAND_COLOURS[b] for b in bands(starts + 1e-9, thresholds).tolist()]
    return [
        {
            "x": LEFT + i * scale.bar_w + 1,
            "y": scale.y_of(c),
            "w": scale.bar_w - 2,
            "h": PLOT_H * c / scale.top_value,
            "fill": colours[i],
            "label": _bar_label(histogram, i, int(c)),
        }
        for i, c in enumerate(counts.tolist())
    ]


def _x_ticks(scale: _Scale) -> list[dict[str, Any]]:
    """A tick every kilometre; the last bar holds everything further, so its tick says "+"."""
    return [
        {"x": scale.x_of(m), "label": short_distance(m) + ("+" if m == scale.max_m else "")}
        for m in np.arange(0, scale.max_m + 1, 1000).tolist()
    ]


def _y_ticks(scale: _Scale) -> list[dict[str, Any]]:
    return [
        {"y": scale.y_of(v), "label": f"{v:,}"} for v in range(0, scale.top_value + 1, scale.step)
    ]


def _threshold_lines(
    thresholds: Sequence[float], walking_speed_kmh: float, scale: _Scale
) -> list[dict[str, Any]]:
    return [
        {"x": scale.x_of(t), "label": f"{walk_minutes(t, walking_speed_kmh)} min"}
        for t in thresholds
        if t <= scale.max_m
    ]


def _description(
    total: int, thresholds: Sequence[float], walking_speed_kmh: float, what: str, scale: _Scale
) -> str:
    """The chart in words, for those who can't see it."""
    return (
        f"{total:,} postcodes by straight-line distance to the nearest {what}, in bands of "
        f"{scale.bin_m:g} m; "
        f"the last bar is {short_distance(scale.max_m)} or more. Dashed lines: "
        + ", ".join(walk_label(t, walking_speed_kmh) for t in thresholds)
        + "."
    )


def _bar_label(histogram: pd.DataFrame, i: int, count: int) -> str:
    low, high = float(histogram["from_m"].iloc[i]), float(histogram["to_m"].iloc[i])
    span = (
        f"{short_distance(low)} or more"
        if not np.isfinite(high)
        else f"{short_distance(low)}-{short_distance(high)}"
    )
    return f"{span}: {count:,} postcodes"


def _nice_step(top: int) -> int:
    """A round tick step giving about 4-6 ticks up to `top`."""
    raw = max(top / 5, 1)
    magnitude = 10 ** int(np.floor(np.log10(raw)))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(1, int(factor * magnitude))
    return int(10 * magnitude)
