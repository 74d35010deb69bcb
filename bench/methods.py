"""The k-nearest methods compared: their names in the tables, and each one's structure.

Each is built from the same list of `Venue` objects:

- scipy's `cKDTree` and numpy brute force, on the venues' British National Grid points
  (EPSG:27700, projected with `locator.geo.wgs84_to_bng` as VenueIndex does itself);
- scikit-learn's `BallTree` with the haversine metric, on radians of latitude and longitude;
- geopandas `sjoin_nearest` (batches; it finds the nearest only, so k = 1);
- PostGIS (bench/postgis.py), loaded from the grid points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from sklearn.neighbors import BallTree  # type: ignore[import-untyped]

from bench.postgis import PostgisVenues
from locator.geo import wgs84_to_bng
from locator.index import VenueIndex
from locator.venues import Venue

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

VENUE_INDEX = "VenueIndex"
KDTREE = "cKDTree"
BALLTREE = "BallTree (haversine)"
SJOIN = "geopandas sjoin_nearest"
BRUTE = "numpy brute force"
POSTGIS = "PostGIS KNN"
SINGLE_METHODS = (VENUE_INDEX, KDTREE, BALLTREE, BRUTE, POSTGIS)
BATCH_METHODS = (VENUE_INDEX, KDTREE, BALLTREE, SJOIN, BRUTE, POSTGIS)
BUILD_METHODS = (VENUE_INDEX, KDTREE, BALLTREE, SJOIN, BRUTE, POSTGIS)
# What each method's build makes, for the tables.
BUILT = {
    VENUE_INDEX: "VenueIndex(venues)",
    KDTREE: "cKDTree",
    BALLTREE: "BallTree",
    SJOIN: "GeoDataFrame + sindex",
    BRUTE: "numpy arrays",
    POSTGIS: "table + GiST index",
}


def lonlat(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    lon = np.array([v.longitude for v in venues], dtype=np.float64)
    lat = np.array([v.latitude for v in venues], dtype=np.float64)
    return lon, lat


def _grid(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    x, y = wgs84_to_bng(*lonlat(venues))
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def build_kdtree(venues: Sequence[Venue]) -> cKDTree:
    x, y = _grid(venues)
    return cKDTree(np.column_stack([x, y]))


def build_balltree(venues: Sequence[Venue]) -> BallTree:
    lon, lat = lonlat(venues)
    return BallTree(np.radians(np.column_stack([lat, lon])), metric="haversine")


def build_frame(venues: Sequence[Venue]) -> gpd.GeoDataFrame:
    """Venue points on the grid, with the spatial index sjoin_nearest uses built."""
    x, y = _grid(venues)
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y, crs="EPSG:27700"))
    frame.sindex  # noqa: B018 - built on first use: part of the build
    return frame


def build_brute(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    return _grid(venues)


def brute_knn(xs: FloatArray, ys: FloatArray, x: float, y: float, k: int) -> IntArray:
    """Squared grid distance to every point, argpartition for the k smallest, nearest first."""
    d2 = (xs - x) ** 2 + (ys - y) ** 2
    ids = np.argpartition(d2, k - 1)[:k] if k < len(d2) else np.arange(len(d2))
    return ids[np.argsort(d2[ids], kind="stable")]


def brute_batch(xs: FloatArray, ys: FloatArray, qx: FloatArray, qy: FloatArray, k: int) -> IntArray:
    """`brute_knn` for many points, a block of points at a time (vectorised, bounded memory)."""
    n, k = len(xs), min(k, len(xs))
    out = np.empty((len(qx), k), dtype=np.intp)
    step = max(1, int(1e6 // max(n, 1)))  # blocks of about 8 MB: they stay in the cache
    for start in range(0, len(qx), step):
        bx, by = qx[start : start + step, None], qy[start : start + step, None]
        d2 = (xs[None, :] - bx) ** 2 + (ys[None, :] - by) ** 2
        part = (
            np.argpartition(d2, k - 1, axis=1)[:, :k]
            if k < n
            else np.tile(np.arange(n), (len(bx), 1))
        )
        near = np.take_along_axis(d2, part, axis=1)
        out[start : start + len(bx)] = np.take_along_axis(
            part, np.argsort(near, axis=1, kind="stable"), axis=1
        )
    return out


def sjoin_first(queries: gpd.GeoDataFrame, venues: gpd.GeoDataFrame) -> IntArray:
    """The nearest venue to each query point by `sjoin_nearest` (the first of any ties)."""
    joined = gpd.sjoin_nearest(queries, venues, how="inner")
    first = joined[~joined.index.duplicated(keep="first")]
    out = np.full(len(queries), -1, dtype=np.intp)
    out[first.index.to_numpy()] = first["index_right"].to_numpy()
    return out


@dataclass
class Peers:
    """Every method's structure over one set of venues."""

    index: VenueIndex
    tree: cKDTree
    ball: BallTree
    frame: gpd.GeoDataFrame
    xs: FloatArray
    ys: FloatArray
    postgis: PostgisVenues | None
    position: dict[str, int]  # venue id: row in the others' arrays
