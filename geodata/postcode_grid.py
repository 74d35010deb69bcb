"""Every postcode's point on the British National Grid, bucketed into 1 km squares, for
"which postcodes are near here" (reverse geocoding) in constant time, whatever the table.

The points are sorted by square (row by row), with where each square's run starts: the
postcodes within r metres of a point are in the squares the circle touches, a few runs of
the arrays, and only those are measured. Distances are on the grid (EPSG:27700, metres): the
grid's scale is within 0.04% of true over Great Britain. Built once from the gazetteer and the
national table (about 2 s for 1.75 million postcodes) and cached beside theirs as an
uncompressed .npz that is mapped, not read, like them: a start-up after the first costs
milliseconds and a search reads a few pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from geodata.arraycache import UNREADABLE, map_npz, write_npz

log = logging.getLogger(__name__)

_CACHE_VERSION = 1
CELL_M = 1000.0
# Coarse squares for "is this point anywhere near a postcode we know": a point with no
# postcode in its 10 km square or the eight around it (10-20 km away at least) is off the land
# the data covers: at sea, or outside Great Britain.
COVER_M = 10_000.0


@dataclass(frozen=True, slots=True)
class NearPostcode:
    """A postcode near a point, and how far its centroid is, in metres on the grid."""

    code: str
    distance_m: float


class PostcodeGrid:
    """Postcode points bucketed by grid square; read-only after construction."""

    def __init__(self, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        self._codes = arrays["codes"]
        self._e = arrays["easting"]
        self._n = arrays["northing"]
        self._starts = arrays["starts"]
        self._cover = arrays["cover"]
        # origin easting, origin northing, columns, rows (of 1 km squares); then the coarse
        # squares' columns and rows
        e0, n0, cols, rows, cover_cols, cover_rows = (int(v) for v in arrays["shape"])
        self._e0, self._n0, self._cols, self._rows = e0, n0, cols, rows
        self._cover_cols, self._cover_rows = cover_cols, cover_rows

    @classmethod
    def build(
        cls,
        codes: npt.NDArray[np.bytes_],
        easting: npt.NDArray[np.floating],
        northing: npt.NDArray[np.floating],
    ) -> PostcodeGrid:
        """From each postcode's code and grid point (EPSG:27700), in any order."""
        e = np.asarray(easting, dtype=np.float64)
        n = np.asarray(northing, dtype=np.float64)
        ok = np.isfinite(e) & np.isfinite(n)
        codes, e, n = codes[ok], e[ok], n[ok]
        if len(codes) == 0:
            e0 = n0 = 0
            cols = rows = 1
        else:
            e0 = int(np.floor(e.min() / COVER_M) * COVER_M)
            n0 = int(np.floor(n.min() / COVER_M) * COVER_M)
            cols = int((e.max() - e0) // CELL_M) + 1
            rows = int((n.max() - n0) // CELL_M) + 1
        col = ((e - e0) // CELL_M).astype(np.int64)
        row = ((n - n0) // CELL_M).astype(np.int64)
        key = row * cols + col
        order = np.argsort(key, kind="stable")
        starts = np.searchsorted(key[order], np.arange(rows * cols + 1)).astype(np.int64)
        per = int(COVER_M // CELL_M)
        cover_cols, cover_rows = -(-cols // per), -(-rows // per)
        cover = np.zeros(cover_rows * cover_cols, dtype=np.uint8)
        cover[(row // per) * cover_cols + col // per] = 1
        return cls(
            {
                "codes": codes[order],
                "easting": e[order].astype(np.float32),
                "northing": n[order].astype(np.float32),
                "starts": starts,
                "cover": cover,
                "shape": np.array([e0, n0, cols, rows, cover_cols, cover_rows], dtype=np.int64),
            }
        )

    @classmethod
    def cached(cls, cache: Path | None, build: Callable[[], PostcodeGrid]) -> PostcodeGrid:
        """The grid from `cache` if it is there and readable, else `build()` (then cached)."""
        if cache is not None and cache.is_file():
            try:
                return cls(map_npz(cache))
            except UNREADABLE as exc:
                log.warning("ignoring unreadable postcode grid cache %s: %s", cache, exc)
        grid = build()
        if cache is not None:
            write_npz(cache, grid.arrays())
        return grid

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        shape = [self._e0, self._n0, self._cols, self._rows, self._cover_cols, self._cover_rows]
        return {
            "codes": self._codes,
            "easting": self._e,
            "northing": self._n,
            "starts": self._starts,
            "cover": self._cover,
            "shape": np.array(shape, dtype=np.int64),
        }

    def __len__(self) -> int:
        return len(self._codes)

    def covers(self, easting: float, northing: float) -> bool:
        """True when the point is within reach of the postcodes (its coarse square or one
        next to it has one); False at sea or outside the land the data covers."""
        if not (np.isfinite(easting) and np.isfinite(northing)):
            return False
        col = int((easting - self._e0) // COVER_M)
        row = int((northing - self._n0) // COVER_M)
        for r in range(max(row - 1, 0), min(row + 2, self._cover_rows)):
            for c in range(max(col - 1, 0), min(col + 2, self._cover_cols)):
                if self._cover[r * self._cover_cols + c]:
                    return True
        return False

    def near(
        self, easting: float, northing: float, radius_m: float, limit: int
    ) -> list[NearPostcode]:
        """Up to `limit` postcodes within `radius_m` of the point, nearest first (ties by
        code, so the answer is the same each time)."""
        c0 = max(int((easting - radius_m - self._e0) // CELL_M), 0)
        c1 = min(int((easting + radius_m - self._e0) // CELL_M), self._cols - 1)
        r0 = max(int((northing - radius_m - self._n0) // CELL_M), 0)
        r1 = min(int((northing + radius_m - self._n0) // CELL_M), self._rows - 1)
        if c0 > c1 or r0 > r1 or limit <= 0:
            return []
        # Each row's squares c0..c1 are one run of the sorted arrays.
        runs = [
            (int(self._starts[r * self._cols + c0]), int(self._starts[r * self._cols + c1 + 1]))
            for r in range(r0, r1 + 1)
        ]
        rows = np.concatenate([np.arange(a, b) for a, b in runs if b > a] or [np.empty(0, int)])
        dist = np.hypot(
            self._e[rows].astype(np.float64) - easting, self._n[rows].astype(np.float64) - northing
        )
        inside = dist <= radius_m
        rows, dist = rows[inside], dist[inside]
        if len(dist) > limit:
            # Only the nearest `limit` (and any tied with the last) are sorted.
            keep = dist <= np.partition(dist, limit - 1)[limit - 1]
            rows, dist = rows[keep], dist[keep]
        codes = self._codes[rows]
        order = np.lexsort((codes, dist))[:limit]
        return [NearPostcode(codes[i].decode("ascii"), round(float(dist[i]), 1)) for i in order]
