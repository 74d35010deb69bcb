"""What a search keeps of its own, per thread (searches run in several)."""

from __future__ import annotations

import threading

import numpy as np

from locator.geo import FORWARD, point_to_bng_in_thread


class Scratch(threading.local):
    """This thread's projection and box array, and the last point it searched from."""

    def __init__(self) -> None:
        self.project = point_to_bng_in_thread()
        self.box = np.empty(1, dtype=object)
        self._point: tuple[float, float] | None = None
        self._grid: tuple[float, float] = (0.0, 0.0)

    def grid(self, lon: float, lat: float) -> tuple[float, float]:
        """A WGS84 point on the grid (EPSG:27700): a search asks for Safe Places, then a
        police office, from the same point, projected once."""
        if self._point != (lon, lat):
            self._grid = self.project(lon, lat, None, None, FORWARD, False, False)
            self._point = (lon, lat)
        return self._grid
