"""Coordinate reference systems and conversions.

EPSG:4326 (WGS84 latitude/longitude) at the edges: what people, phones and maps use.
EPSG:27700 (British National Grid, metres) for the index and every distance comparison: it is
conformal enough over Great Britain that ranking on it matches true geodesic ranking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache
from typing import Final, overload

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Geod, Transformer
from pyproj.enums import TransformDirection

WGS84: Final = "EPSG:4326"
BNG: Final = "EPSG:27700"
GEOD: Final = Geod(ellps="WGS84")
FORWARD: Final = TransformDirection.FORWARD

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


# -- short lines, measured through the Earth -----------------------------------------------------
#
# A search measures its few results from one point, nearly all of them a few kilometres away.
# For such lines the geodesic is the straight chord between the two points (their earth-centred
# coordinates on the WGS84 ellipsoid) lengthened by the arc's bulge: s = c + c^3 / (24 R^2),
# with R the ellipsoid's radius of curvature along the line (Euler: 1/R = cos^2(a)/M +
# sin^2(a)/N at azimuth a). To first order in the second eccentricity e'^2, with dz the chord's
# change in the earth axis (so that cos^2(a) is about dz^2 / (c cos(lat))^2),
#
#     s = c (1 + (c^2 + 2 e'^2 dz^2) / (24 N^2)),  N the prime vertical radius at the point.
#
# Against pyproj's Geod.inv (Karney's algorithm, exact to nanometres) over millions of random
# pairs across Great Britain it is within 0.2 micrometres up to 20 km (tests/locator/
# test_geodesic.py): the same metres at any precision the service shows. Longer lines (the
# error grows as the fifth power of the length) go to Geod.inv itself. It costs a few
# multiplications and a square root a result, against about a microsecond for Geod.inv.
_A: Final = float(GEOD.a)  # semi-major axis, metres
_E2: Final = float(GEOD.es)  # first eccentricity squared
_TWICE_EP2: Final = 2 * _E2 / (1 - _E2)  # 2 e'^2
_K: Final = 1 / (24 * _A * _A)  # 1 / (24 N^2) is (1 - e^2 sin^2(lat)) times this
_RAD: Final = math.pi / 180
# Chords longer than this (squared, metres) are measured by Geod.inv.
CHORD_MAX_M2: Final = 20_000.0**2
_inv_point = GEOD._inv_point  # Geod.inv for one pair, without its argument handling


def earth_centred(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Earth-centred (x, y, z) metres of points on the WGS84 ellipsoid, one row each."""
    phi, lam = np.radians(lat), np.radians(lon)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    n = _A / np.sqrt(1 - _E2 * sin_phi * sin_phi)
    return np.column_stack(
        [n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1 - _E2) * sin_phi]
    )


def chord_origin(lon: float, lat: float) -> tuple[float, float, float, float]:
    """What measuring from one point needs: its earth-centred x, y, z (as `earth_centred`
    gives them) and the 1 / (24 N^2) of the chord formula there."""
    phi = lat * _RAD
    sin_phi = math.sin(phi)
    w2 = 1 - _E2 * sin_phi * sin_phi
    n = _A / math.sqrt(w2)
    r = n * math.cos(phi)
    lam = lon * _RAD
    return r * math.cos(lam), r * math.sin(lam), n * (1 - _E2) * sin_phi, w2 * _K


def geodesics_from_m(lon: float, lat: float, ends: Sequence[Sequence[float]]) -> list[float]:
    """Geodesic metres on the WGS84 ellipsoid from one point to each of a few others.

    `ends` are rows of (x, y, z, lon, lat): the other points' `earth_centred` coordinates and
    their longitude and latitude. Short lines by the chord formula above, longer ones by
    pyproj's Geod.inv; `geodesics_many_m` gives the same metres, to the last bit.
    """
    px, py, pz, kn = chord_origin(lon, lat)
    metres: list[float] = []
    add = metres.append
    for x, y, z, lon2, lat2 in ends:
        dx, dy, dz = x - px, y - py, z - pz
        c2 = dx * dx + dy * dy + dz * dz
        if c2 < CHORD_MAX_M2:
            add(math.sqrt(c2) * (1 + (c2 + _TWICE_EP2 * dz * dz) * kn))
        else:
            add(_inv_point(lon, lat, lon2, lat2, False, False)[2])
    return metres


def geodesics_many_m(
    lon: FloatArray, lat: FloatArray, ends: FloatArray, start: npt.NDArray[np.intp] | None = None
) -> FloatArray:
    """`geodesics_from_m` for many pairs at once: from point `start[i]` (of `lon`, `lat`;
    point i without `start`) to row i of `ends` (x, y, z, lon, lat), with the same arithmetic
    in the same order, so the same bits.

    Each start point's terms come from `chord_origin` once (math's sine and cosine, as for
    one search, rather than numpy's, which may differ in the last bit).
    """
    if len(ends) == 0:
        return np.zeros(0)
    origins = np.array(
        [chord_origin(a, b) for a, b in zip(lon.tolist(), lat.tolist(), strict=True)]
    )
    if start is not None:
        origins, lon, lat = origins[start], lon[start], lat[start]
    dx = ends[:, 0] - origins[:, 0]
    dy = ends[:, 1] - origins[:, 1]
    dz = ends[:, 2] - origins[:, 2]
    c2 = dx * dx + dy * dy + dz * dz
    metres: FloatArray = np.sqrt(c2) * (1 + (c2 + _TWICE_EP2 * dz * dz) * origins[:, 3])
    far = np.flatnonzero(c2 >= CHORD_MAX_M2)
    if len(far):
        metres[far] = geodesic_m(lon[far], lat[far], ends[far, 3], ends[far, 4])
    return metres


def point_to_bng() -> Callable[[float, float], tuple[float, float]]:
    """`wgs84_to_bng` for one point of Python floats, as a function to keep and call often.

    The cached transformer's own method: searches project one point each, and a wrapper
    around it would cost a tenth of the projection.
    """
    transform: Callable[[float, float], tuple[float, float]] = _transformer(WGS84, BNG).transform
    return transform


def point_to_bng_in_thread() -> Callable[..., tuple[float, float]]:
    """The projection's one-point method for the calling thread only: call it as
    `project(lon, lat, None, None, FORWARD, False, False)` (`FORWARD` from this module).

    `Transformer.transform` finds the calling thread's PROJ object (PROJ objects must not be
    shared between threads) and tries this method, on every call; a search keeps the method
    per thread (see `threading.local`) and calls it directly, a quarter cheaper.
    """
    method: Callable[..., tuple[float, float]] = _transformer(
        WGS84, BNG
    )._transformer._transform_point
    return method


def check_lat_lon(lat: float, lon: float) -> None:
    """Raise `InvalidCoordinates` unless the pair is a real place on Earth."""
    from locator.errors import InvalidCoordinates

    if not (np.isfinite(lat) and np.isfinite(lon)):
        raise InvalidCoordinates("Latitude and longitude must be numbers.")
    if not -90 <= lat <= 90:
        raise InvalidCoordinates("Latitude must be between -90 and 90.")
    if not -180 <= lon <= 180:
        raise InvalidCoordinates("Longitude must be between -180 and 180.")
