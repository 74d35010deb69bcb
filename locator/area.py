"""The service area: where the scheme runs (Derbyshire and Derby), in British National Grid."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from locator.geo import bng_to_wgs84, point_to_bng, wgs84_to_bng

# shapely.intersects_xy without its Python wrapper (its argument checks cost more than the
# test on the prepared polygon): every search asks whether it starts inside the area.
_intersects_xy = shapely.lib.intersects_xy


class ServiceArea:
    """A polygon (EPSG:27700) with a fast point-in-area test."""

    def __init__(self, geometry_bng: BaseGeometry, name: str) -> None:
        self.geometry = geometry_bng
        self.name = name
        shapely.prepare(self.geometry)
        self._to_grid = point_to_bng()
        # For "about 12 km west" only: 100 m off the boundary is well within the rounding,
        # and an outline of a third of the points is measured in a third of the time.
        self._outline = shapely.simplify(geometry_bng, 100, preserve_topology=True)
        self._cells: _Cells | None = None  # made at the first test

    def warm(self) -> None:
        """Make the cells now (in a server's warm-up), so that no search waits for them."""
        if self._cells is None:
            self._cells = _Cells(self)

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a WGS84 point (EPSG:4326) is in the area (its boundary included).

        Most points are answered by the cell of a lon/lat grid they fall in, known to be
        wholly inside or wholly outside; only those in a cell the boundary comes near are
        projected and tested on the polygon.
        """
        cells = self._cells
        if cells is None:
            cells = self._cells = _Cells(self)
        known = cells.state(lon, lat)
        if known != _EDGE:
            return known == _INSIDE
        x, y = self._to_grid(lon, lat)
        return bool(_intersects_xy(self.geometry, x, y))

    def contains_bng(self, x: float, y: float) -> bool:
        return bool(_intersects_xy(self.geometry, x, y))

    def offset_bng(self, x: float, y: float) -> tuple[float, str]:
        """How far (metres, EPSG:27700) and which way a point outside the area is from it.

        Measured from the nearest point of the boundary, so "about 12 km west" is the way to
        go from the edge of the area, whatever the area's shape.
        """
        # The shortest line from the area to the point: its length, and its end on the edge.
        point = shapely.Point(x, y)
        line = shapely.shortest_line(self._outline, point)
        if line.length == 0:  # just outside the area, inside the simpler outline
            line = shapely.shortest_line(self.geometry, point)
        (ex, ey), _ = line.coords
        bearing = math.degrees(math.atan2(x - ex, y - ey)) % 360
        return float(line.length), COMPASS[round(bearing / 45) % 8]


_OUTSIDE, _INSIDE, _EDGE = 0, 1, 2
# Cells of about 330 m, in degrees (at 53 degrees north); the boundary is followed in steps
# of 200 m on the grid, and a cell within about 10 cm (EPSG:4326) of a step is on the edge.
_CELL_LAT, _CELL_LON = 0.003, 0.005
_STEP_M = 200.0
_NEAR = 1e-6


class _Cells:
    """The area's points on a lon/lat grid: each cell wholly inside, wholly outside, or on
    the edge (the boundary comes within `_NEAR` of it).

    The boundary's straight lines on the National Grid are a little curved in degrees, but
    over a 200 m step the curve is well under a millimetre from the straight line in degrees,
    far inside `_NEAR`: a cell off the edge is wholly on one side, the side of any of its
    points, so one point of each run of such cells along a row is tested, on the polygon.
    """

    def __init__(self, area: ServiceArea) -> None:
        rings = shapely.get_rings(shapely.get_parts(area.geometry))
        steps = [shapely.get_coordinates(shapely.segmentize(r, _STEP_M)) for r in rings]
        self._states = b""
        self.lon0 = self.lat0 = 0.0
        self.cols = self.rows = 0
        if steps:
            self._mark(area, steps)

    def _mark(self, area: ServiceArea, steps: list[npt.NDArray[np.float64]]) -> None:
        points = np.concatenate(steps)
        lon, lat = bng_to_wgs84(points[:, 0], points[:, 1])
        self.lon0 = float(lon.min()) - 2 * _CELL_LON
        self.lat0 = float(lat.min()) - 2 * _CELL_LAT
        self.cols = int((float(lon.max()) - self.lon0) // _CELL_LON) + 3
        self.rows = int((float(lat.max()) - self.lat0) // _CELL_LAT) + 3
        edge = np.zeros((self.rows, self.cols), dtype=bool)
        start = 0
        for ring in steps:  # each step of each ring: from one point to the next
            end = start + len(ring)
            a, b = slice(start, end - 1), slice(start + 1, end)
            start = end
            col0 = _index(np.minimum(lon[a], lon[b]) - _NEAR, self.lon0, _CELL_LON)
            col1 = _index(np.maximum(lon[a], lon[b]) + _NEAR, self.lon0, _CELL_LON)
            row0 = _index(np.minimum(lat[a], lat[b]) - _NEAR, self.lat0, _CELL_LAT)
            row1 = _index(np.maximum(lat[a], lat[b]) + _NEAR, self.lat0, _CELL_LAT)
            # A step spans at most two cells each way: its corners' cells are all it meets.
            for row in (row0, row1):
                for col in (col0, col1):
                    edge[row, col] = True
        # Runs of cells off the edge along each row: one side each, from their first cell.
        first = ~edge & np.concatenate([np.ones((self.rows, 1), dtype=bool), edge[:, :-1]], axis=1)
        run = np.cumsum(first.ravel()) - 1
        rows, cols = np.nonzero(first)
        middle_lon = (self.lon0 + (cols + 0.5) * _CELL_LON).astype(np.float64)
        middle_lat = (self.lat0 + (rows + 0.5) * _CELL_LAT).astype(np.float64)
        x, y = wgs84_to_bng(middle_lon, middle_lat)
        inside = shapely.intersects_xy(area.geometry, x, y)
        states = np.where(inside[np.maximum(run, 0)], _INSIDE, _OUTSIDE).astype(np.uint8)
        states[edge.ravel()] = _EDGE
        self._states = states.tobytes()

    def state(self, lon: float, lat: float) -> int:
        """`_INSIDE`, `_OUTSIDE`, or `_EDGE` (also for a point off the grid, or not a number)."""
        col = (lon - self.lon0) / _CELL_LON
        row = (lat - self.lat0) / _CELL_LAT
        if not (0 <= col < self.cols and 0 <= row < self.rows):
            return _EDGE
        return self._states[int(row) * self.cols + int(col)]


def _index(value: npt.NDArray[np.float64], origin: float, size: float) -> npt.NDArray[np.intp]:
    """The cells `value` falls in, as `_Cells.state` works them out."""
    return np.floor((value - origin) / size).astype(np.intp)


# The eight compass points, clockwise from north, in the words people use.
COMPASS = (
    "north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west",
)  # fmt: skip
