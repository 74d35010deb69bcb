"""The service area: where the scheme runs (Derbyshire and Derby), in British National Grid."""

from __future__ import annotations

import math

import shapely
import shapely.ops
from shapely.geometry.base import BaseGeometry

from locator.geo import wgs84_to_bng


class ServiceArea:
    """A polygon (EPSG:27700) with a fast point-in-area test."""

    def __init__(self, geometry_bng: BaseGeometry, name: str) -> None:
        self.geometry = geometry_bng
        self.name = name
        shapely.prepare(self.geometry)

    def contains(self, lon: float, lat: float) -> bool:
        x, y = wgs84_to_bng(lon, lat)
        return self.contains_bng(x, y)

    def contains_bng(self, x: float, y: float) -> bool:
        return bool(shapely.intersects_xy(self.geometry, x, y))

    def offset_bng(self, x: float, y: float) -> tuple[float, str]:
        """How far (metres, EPSG:27700) and which way a point outside the area is from it.

        Measured from the nearest point of the boundary, so "about 13 km west" is the way to
        go from the edge of the area, whatever the area's shape.
        """
        point = shapely.Point(x, y)
        edge = shapely.ops.nearest_points(self.geometry, point)[0]
        bearing = math.degrees(math.atan2(x - edge.x, y - edge.y)) % 360
        return float(shapely.distance(self.geometry, point)), COMPASS[round(bearing / 45) % 8]


# The eight compass points, clockwise from north, in the words people use.
COMPASS = (
    "north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west",
)  # fmt: skip
