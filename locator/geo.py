"""Coordinate reference systems and conversions.

EPSG:4326 (WGS84 latitude/longitude) at the edges: what people, phones and maps use.
EPSG:27700 (British National Grid, metres) for the index and every distance comparison: it is
conformal enough over Great Britain that ranking on it matches true geodesic ranking.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Final, overload

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Geod, Transformer

WGS84: Final = "EPSG:4326"
BNG: Final = "EPSG:27700"
GEOD: Final = Geod(ellps="WGS84")

FloatArray = npt.NDArray[np.float64]


@cache
def _transformer(src: str, dst: str) -> Transformer:
    # always_xy: (longitude, latitude) order in and out, whatever the CRS's axis order says.
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


@overload
def wgs84_to_bng(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_bng(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]: ...
def wgs84_to_bng(lon: float | FloatArray, lat: float | FloatArray) -> tuple[object, object]:
    """Longitude/latitude (EPSG:4326) to easting/northing (EPSG:27700)."""
    x, y = _transformer(WGS84, BNG).transform(lon, lat)
    return x, y


@overload
def bng_to_wgs84(easting: float, northing: float) -> tuple[float, float]: ...
@overload
def bng_to_wgs84(easting: FloatArray, northing: FloatArray) -> tuple[FloatArray, FloatArray]: ...
def bng_to_wgs84(
    easting: float | FloatArray, northing: float | FloatArray
) -> tuple[object, object]:
    """Easting/northing (EPSG:27700) to longitude/latitude (EPSG:4326)."""
    lon, lat = _transformer(BNG, WGS84).transform(easting, northing)
    return lon, lat


def geodesic_m(
    lon1: float | FloatArray, lat1: float | FloatArray, lon2: FloatArray, lat2: FloatArray
) -> FloatArray:
    """Geodesic distances in metres on the WGS84 ellipsoid (vectorised)."""
    n = np.shape(lon2)
    _, _, dist = GEOD.inv(np.full(n, lon1), np.full(n, lat1), lon2, lat2)
    return np.asarray(dist, dtype=np.float64)


def geodesic_point_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic metres between two points on the WGS84 ellipsoid, as `geodesic_m` gives them.

    pyproj's scalar path: for a handful of points, one call each is quicker than arrays.
    """
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def point_to_bng() -> Callable[[float, float], tuple[float, float]]:
    """`wgs84_to_bng` for one point of Python floats, as a function to keep and call often.

    The cached transformer's own method: searches project one point each, and a wrapper
    around it would cost a tenth of the projection.
    """
    transform: Callable[[float, float], tuple[float, float]] = _transformer(WGS84, BNG).transform
    return transform


def check_lat_lon(lat: float, lon: float) -> None:
    """Raise `InvalidCoordinates` unless the pair is a real place on Earth."""
    from locator.errors import InvalidCoordinates

    if not (np.isfinite(lat) and np.isfinite(lon)):
        raise InvalidCoordinates("Latitude and longitude must be numbers.")
    if not -90 <= lat <= 90:
        raise InvalidCoordinates("Latitude must be between -90 and 90.")
    if not -180 <= lon <= 180:
        raise InvalidCoordinates("Longitude must be between -180 and 180.")
