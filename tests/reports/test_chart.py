"""The distance chart on its own: a bar per band in the map's colours, the walking thresholds
as dashed lines, and the chart in words for those who can't see it."""

from __future__ import annotations

import re

import pandas as pd

from locator.coverage import distance_histogram
from maps.bands import BAND_COLOURS
from reports.chart import distance_chart


def test_bars_lines_and_description() -> None:
    histogram = distance_histogram(pd.Series([0.0, 150.0, 450.0, 900.0, 9000.0]))
    svg = str(distance_chart(histogram, (400, 800, 1600)))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert svg.count("<rect") == len(histogram) == 21
    # 0-400 m in the first band's colour, 4 km or more in the last.
    fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', svg)
    assert fills[0] == BAND_COLOURS[0] and fills[-1] == BAND_COLOURS[3]
    assert "<title>0 m-200 m: 2 postcodes</title>" in svg
    assert "<title>4 km or more: 1 postcodes</title>" in svg
    assert svg.count('stroke-dasharray="5 4"') == 3  # 5, 10 and 20 min
    assert ">4 km+</text>" in svg
    assert (
        "5 postcodes by straight-line distance to the nearest Safe Place, in bands of 200 m; "
        "the last bar is 4 km or more. Dashed lines: 400 m (5 min walk), 800 m (10 min walk), "
        "1.6 km (20 min walk)."
    ) in svg


def test_no_postcodes_still_draws() -> None:
    svg = str(distance_chart(distance_histogram(pd.Series([], dtype=float)), what="<b>office"))
    assert "0 postcodes by straight-line distance" in svg
    assert "&lt;b&gt;office" in svg and "<b>" not in svg  # text, never markup
