"""Where `VenueIndex.nearest` spends its time: cProfile over one pass, and the parts of a call
that public functions can run alone, timed without the profiler."""

from __future__ import annotations

import cProfile
from dataclasses import dataclass
from types import CodeType

import numpy as np

from bench.data import KnnCase
from bench.timing import interleaved
from locator.geo import geodesic_point_m, wgs84_to_bng
from locator.index import VenueIndex
from locator.match import VenueMatch, walk_minutes

WHOLE = "`VenueIndex.nearest`, whole call"


@dataclass(frozen=True, slots=True)
class ProfileRow:
    function: str
    calls: int
    own_s: float  # per query, excluding callees
    cumulative_s: float  # per query, including callees


@dataclass
class Profile:
    label: str
    k: int
    queries: int
    total_s: float  # per query, under the profiler
    rows: list[ProfileRow]
    # The building blocks timed alone, without profiler overhead, per query.
    parts: dict[str, float]


LonLat = list[tuple[float, float]]


def profile_nearest(case: KnnCase, k: int) -> Profile:
    """cProfile over one pass of VenueIndex.nearest, plus its parts timed on their own."""
    index = VenueIndex(case.venues)
    lonlat = list(zip(case.queries.lon.tolist(), case.queries.lat.tolist(), strict=True))
    for lon, lat in lonlat:  # warm up
        index.nearest(lon, lat, k)
    total, rows = _profiled(index, lonlat, k)
    return Profile(case.label, k, len(lonlat), total, rows, _parts(index, lonlat, k))


def _profiled(index: VenueIndex, lonlat: LonLat, k: int) -> tuple[float, list[ProfileRow]]:
    """Seconds per query under cProfile, and every function's row, per query."""
    n = len(lonlat)
    profiler = cProfile.Profile()
    profiler.enable()
    for lon, lat in lonlat:
        index.nearest(lon, lat, k)
    profiler.disable()
    entries = [e for e in profiler.getstats() if not _is_profiler(e.code)]
    rows = [
        ProfileRow(_where(e.code), e.callcount, e.inlinetime / n, e.totaltime / n) for e in entries
    ]
    return sum(e.inlinetime for e in entries) / n, rows


def _parts(index: VenueIndex, lonlat: LonLat, k: int) -> dict[str, float]:
    """The parts of a call that can be run alone through public functions, unprofiled."""
    found = [index.nearest(lon, lat, k) for lon, lat in lonlat]
    ends = [
        (
            np.array([m.venue.longitude for m in matches], dtype=np.float64),
            np.array([m.venue.latitude for m in matches], dtype=np.float64),
        )
        for matches in found
    ]
    speed = index.walking_speed_kmh

    def whole() -> None:
        for lon, lat in lonlat:
            index.nearest(lon, lat, k)

    def project() -> None:
        for lon, lat in lonlat:
            wgs84_to_bng(lon, lat)

    def geodesic() -> None:
        for (lon, lat), (lons, lats) in zip(lonlat, ends, strict=True):
            for lo, la in zip(lons.tolist(), lats.tolist(), strict=True):
                geodesic_point_m(lon, lat, lo, la)

    def results() -> None:
        for matches in found:
            [VenueMatch(m.venue, m.distance_m, walk_minutes(m.distance_m, speed)) for m in matches]

    timings = interleaved(
        {
            WHOLE: whole,
            "`wgs84_to_bng` of the query point": project,
            f"{k} × `geodesic_point_m` (to each result)": geodesic,
            f"{k} × `VenueMatch(…, walk_minutes(…))`": results,
        },
        repeats=5,
        ops=len(lonlat),
    )
    return {name: t.median for name, t in timings.items()}


def _is_profiler(code: object) -> bool:
    return isinstance(code, str) and "_lsprof.Profiler" in code


def _where(code: object) -> str:
    if isinstance(code, str):
        return code  # a built-in, e.g. "<method 'argsort' of 'numpy.ndarray' objects>"
    if isinstance(code, CodeType):
        parts = code.co_filename.replace("\\", "/").split("/")
        for depth, part in enumerate(reversed(parts)):
            if part in ("locator", "geodata", "bench", "numpy", "shapely", "pyproj", "scipy"):
                short = "/".join(parts[len(parts) - 1 - depth :])
                break
        else:
            short = parts[-1]
        return f"{code.co_name} ({short}:{code.co_firstlineno})"
    return str(code)
