"""Coarse cells over the grid: where venues are dense, and an order that keeps neighbours close.

Both serve the index's speed, not its answers: the density sizes each search's first radius,
the order lays venues out in memory.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

# How much wider than the radius expected to hold k venues a search starts.
FIRST_MARGIN = 1.5


class DensityGrid:
    """Venue counts on a coarse grid, to start each search at a radius fitted to the place.

    Venues cluster where people live: a radius sized for the national average holds hundreds
    of venues in a city and none on a moor. The count in the 3x3 cells around a point gives
    the local density, and so the radius expected to hold k venues.
    """

    def __init__(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> None:
        n = len(x)
        self._x0 = float(x.min()) if n else 0.0
        self._y0 = float(y.min()) if n else 0.0
        width = float(np.ptp(x)) + 1 if n else 1.0
        height = float(np.ptp(y)) + 1 if n else 1.0
        # About four venues a cell on average, but cells of at least 250 m.
        self._cell = max(250.0, math.sqrt(width * height * 4 / max(n, 1)))
        counts = np.zeros((int(height // self._cell) + 3, int(width // self._cell) + 3))
        ix = ((x - self._x0) // self._cell).astype(np.intp) + 1
        iy = ((y - self._y0) // self._cell).astype(np.intp) + 1
        np.add.at(counts, (iy, ix), 1)
        # Sum over each cell's 3x3 neighbourhood (a box filter over the zero-padded grid).
        padded = np.pad(counts, 1)
        rows, cols = counts.shape
        around = np.zeros_like(counts)
        for dy in (0, 1, 2):
            for dx in (0, 1, 2):
                around += padded[dy : dy + rows, dx : dx + cols]
        # The radius expected to hold one venue, from the density over each 3x3 block (a
        # circle of area k/density holds about k; 1.5 times that radius (2.25 times the area)
        # makes a second try rare, and a larger one costs every search more candidates than
        # the rare second try saves), worked out once here rather than on every search.
        # 0 marks an empty block.
        with np.errstate(divide="ignore"):
            unit = np.sqrt(9 * self._cell * self._cell / (math.pi * around)) * FIRST_MARGIN
        self._unit = np.where(around > 0, unit, 0.0)
        self._rows, self._cols = rows, cols

    def radius_for_many(
        self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], k: float
    ) -> npt.NDArray[np.float64]:
        """`radius_for` for arrays of points."""
        ix = np.clip(((x - self._x0) // self._cell).astype(np.intp) + 1, 0, self._cols - 1)
        iy = np.clip(((y - self._y0) // self._cell).astype(np.intp) + 1, 0, self._rows - 1)
        unit = self._unit[iy, ix]
        radius: npt.NDArray[np.float64] = np.where(unit > 0, unit * math.sqrt(k), 2 * self._cell)
        return radius

    def radius_for(self, x: float, y: float, k: float) -> float:
        """A radius around (x, y) likely to hold about `k` venues (a first guess)."""
        ix = int((x - self._x0) // self._cell) + 1
        iy = int((y - self._y0) // self._cell) + 1
        if not (0 <= ix < self._cols and 0 <= iy < self._rows):
            ix = min(max(ix, 0), self._cols - 1)
            iy = min(max(iy, 0), self._rows - 1)
        unit: float = self._unit.item(iy, ix)
        return unit * math.sqrt(k) if unit > 0 else 2 * self._cell


def spatial_order(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """An order of the points along a Z-order (Morton) curve over 250 m cells: points close on
    the ground end up close in the order. Ties keep the order given."""
    if len(x) == 0:
        return np.arange(0, dtype=np.intp)
    cx = ((x - x.min()) // 250).astype(np.uint64)
    cy = ((y - y.min()) // 250).astype(np.uint64)
    return np.argsort(_spread_bits(cx) | (_spread_bits(cy) << np.uint64(1)), kind="stable")


def _spread_bits(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Put a zero bit between each of the low 32 bits of each value (for Morton codes)."""
    v = v & np.uint64(0xFFFFFFFF)
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v
