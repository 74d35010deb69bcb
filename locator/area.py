"""The service area: where the scheme runs (Derbyshire and Derby), in British National Grid."""

from __future__ import annotations

import math

import shapely
from shapely.geometry.base import BaseGeometry

from locator.geo import point_to_bng

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

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a WGS84 point (EPSG:4326) is in the area (its boundary included)."""
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


# The eight compass points, clockwise from north, in the words people use.
COMPASS = (
    "north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west",
)  # fmt: skip
