"""The service area: where the scheme runs (Derbyshire and Derby), in British National Grid."""

from __future__ import annotations

import shapely
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
