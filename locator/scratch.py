"""What a search keeps of its own, per thread (searches run in several)."""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt
import shapely

from locator.geo import FORWARD, point_to_bng_in_thread

# shapely.box without its Python wrapper (its checks cost more than the box): every search.
_box = shapely.lib.box


class Scratch(threading.local):
    """This thread's projection, its query box, and the last point it searched from.

    Attributes of a thread's own object cost more to reach than a plain object's: each
    search reads and writes as few of them as it can.
    """

    def __init__(self) -> None:
        self.project = point_to_bng_in_thread()
        # The box's corners are written into one array whose four one-element views go to
        # shapely's box ufunc with its other arguments as arrays too: each Python scalar
        # would be made an array on every call (that, not the box, was most of its cost).
        corners = np.zeros(4)
        self._corners = corners.data.cast("B").cast("d")  # the same memory, typed as floats
        ccw, out = np.ones(1, dtype=bool), np.empty(1, dtype=object)
        self._box_args = (corners[0:1], corners[1:2], corners[2:3], corners[3:4], ccw, out)
        # No point equals NaN: the first search projects.
        nan = float("nan")
        self._last: tuple[float, float, tuple[float, float]] = (nan, nan, (nan, nan))

    def grid(self, lon: float, lat: float) -> tuple[float, float]:
        """A WGS84 point on the grid (EPSG:27700): a search asks for Safe Places, then a
        police office, from the same point, projected once."""
        last = self._last
        if last[0] == lon and last[1] == lat:
            return last[2]
        point: tuple[float, float] = self.project(lon, lat, None, None, FORWARD, False, False)
        self._last = (lon, lat, point)
        return point

    def box(self, x: float, y: float, half: float) -> npt.NDArray[np.object_]:
        """The square of side 2 * `half` centred on (x, y), as a one-element geometry array
        (this thread's own, written in place: a new array each time costs more than the
        search)."""
        corners = self._corners
        corners[0], corners[1], corners[2], corners[3] = x - half, y - half, x + half, y + half
        return _box(*self._box_args)  # type: ignore[no-any-return]
