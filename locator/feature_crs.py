"""The coordinate reference systems the feature collections are served in (OGC API - Features
Part 2), and the ``bbox`` a query gives in any of them.

CRS84 (longitude, latitude) is the default, as Core and GeoJSON ask. EPSG:4326 is the same
datum with the axes the other way (latitude, longitude), as its EPSG definition orders them.
EPSG:27700, the British National Grid (easting, northing in metres), is what councils' GIS
(QGIS projects, Ordnance Survey data) work in. Positions are reprojected through the cached
pyproj transformers of `locator.geo` (always_xy: longitude, latitude in; easting, northing
out), so the axis order is decided here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from locator.errors import BadQueryParameter
from locator.geo import wgs84_to_bng
from locator.venues import Venue

BBox = tuple[float, float, float, float]

CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326: Final = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_27700: Final = "http://www.opengis.net/def/crs/EPSG/0/27700"
# Grid positions to the centimetre: the places' own positions are known to 6 decimal places
# of a degree (about 0.1 m), so more digits would claim precision the data doesn't have.
_GRID_DECIMALS = 2


@dataclass(frozen=True, slots=True)
class FeatureCrs:
    """A CRS the places can be given in: its URI, its axes in order, and whether it is a
    longitude/latitude one (CRS84 or EPSG:4326) or the grid."""

    uri: str
    axes: tuple[str, str]
    grid: bool = False
    lat_first: bool = False

    def positions(self, venues: Sequence[Venue]) -> list[tuple[float, float]]:
        """Each venue's position in this CRS, in its axis order."""
        if self.grid:
            if not venues:
                return []
            lon = np.array([v.longitude for v in venues], dtype=np.float64)
            lat = np.array([v.latitude for v in venues], dtype=np.float64)
            x, y = wgs84_to_bng(lon, lat)
            xs = np.round(x, _GRID_DECIMALS).tolist()
            ys = np.round(y, _GRID_DECIMALS).tolist()
            return list(zip(xs, ys, strict=True))
        if self.lat_first:
            return [(v.latitude, v.longitude) for v in venues]
        return [(v.longitude, v.latitude) for v in venues]


CRSS: tuple[FeatureCrs, ...] = (
    FeatureCrs(CRS84, ("longitude", "latitude")),
    FeatureCrs(EPSG_4326, ("latitude", "longitude"), lat_first=True),
    FeatureCrs(EPSG_27700, ("easting", "northing"), grid=True),
)
DEFAULT_CRS = CRSS[0]
CRS_URIS: tuple[str, ...] = tuple(c.uri for c in CRSS)
# Other spellings clients use for the same CRSs: the EPSG code, and Part 2's safe CURIE.
_ALIASES = {
    "epsg:4326": EPSG_4326,
    "[epsg:4326]": EPSG_4326,
    "epsg:27700": EPSG_27700,
    "[epsg:27700]": EPSG_27700,
    "[ogc:crs84]": CRS84,
    "https://www.opengis.net/def/crs/ogc/1.3/crs84": CRS84,
    "https://www.opengis.net/def/crs/epsg/0/4326": EPSG_4326,
    "https://www.opengis.net/def/crs/epsg/0/27700": EPSG_27700,
}


def parse_crs(text: str | None, name: str) -> FeatureCrs:
    """``crs`` / ``bbox-crs``: one of `CRSS` by its URI (or EPSG code); CRS84 when not given."""
    if text is None:
        return DEFAULT_CRS
    given = text.strip().strip("<>")
    uri = _ALIASES.get(given.lower(), given)
    for crs in CRSS:
        if crs.uri == uri:
            return crs
    raise BadQueryParameter(
        f"{name} must be one of: {', '.join(CRS_URIS)} (CRS84, the default, is longitude, "
        "latitude; EPSG:4326 is latitude, longitude; EPSG:27700 is the British National Grid).",
        log_message=f"unsupported {name}",
    )


@dataclass(frozen=True, slots=True)
class Box:
    """A ``bbox``: its four numbers (lower corner, upper corner) in its CRS's axis order."""

    crs: FeatureCrs
    values: BBox

    @property
    def lonlat(self) -> BBox | None:
        """min lon, min lat, max lon, max lat, for a box in a longitude/latitude CRS; None for
        a grid box (a rectangle on the grid is no rectangle in longitude and latitude)."""
        if self.crs.grid:
            return None
        a, b, c, d = self.values
        return (b, a, d, c) if self.crs.lat_first else (a, b, c, d)

    def holds(self, venues: Sequence[Venue]) -> list[Venue]:
        """The venues inside the box."""
        min_x, min_y, max_x, max_y = self.values
        return [
            v
            for v, (x, y) in zip(venues, self.crs.positions(venues), strict=True)
            if min_x <= x <= max_x and min_y <= y <= max_y
        ]


def parse_bbox(text: str | None, crs: FeatureCrs = DEFAULT_CRS) -> Box | None:
    """``bbox`` in `crs` (the ``bbox-crs``): four numbers, or six with heights (ignored).

    A box whose minimum is past its maximum is refused, longitude included: OGC allows a box
    across the antimeridian that way, but no place this service covers is near it, and swapped
    corners are the far likelier mistake, so saying so helps more than an empty answer.
    """
    if text is None:
        return None
    first, second = crs.axes
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if len(values) == 6:  # lower corner with its height, then the upper corner with its height
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadQueryParameter(
            f"bbox must be four numbers: min {first}, min {second}, max {first}, max {second}.",
            log_message="bbox not four numbers",
        )
    if not crs.grid:
        lon = (values[1], values[3]) if crs.lat_first else (values[0], values[2])
        lat = (values[0], values[2]) if crs.lat_first else (values[1], values[3])
        if not all(-180 <= v <= 180 for v in lon):
            raise BadQueryParameter(
                "bbox longitudes must be between -180 and 180.", log_message="bbox out of range"
            )
        if not all(-90 <= v <= 90 for v in lat):
            raise BadQueryParameter(
                "bbox latitudes must be between -90 and 90.", log_message="bbox out of range"
            )
    if values[0] > values[2] or values[1] > values[3]:
        raise BadQueryParameter(
            "bbox minimums must not be larger than its maximums.", log_message="bbox inverted"
        )
    return Box(crs, (values[0], values[1], values[2], values[3]))
