"""Where `VenueIndex.nearest` spends its time: cProfile over one pass, and the parts of a call
that public functions can run alone, timed without the profiler."""

from __future__ import annotations

import cProfile
from dataclasses import dataclass
from types import CodeType

import numpy as np

from bench.data import KnnCase
from bench.timing import interleaved
from locator.geo import FORWARD, earth_centred, geodesics_from_m, point_to_bng_in_thread
from locator.index import VenueIndex
from locator.match import VenueMatch

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
    """The parts of a call that every answer needs, run alone as the index runs them, unprofiled."""
    found = [index.nearest(lon, lat, k) for lon, lat in lonlat]
    ends = []
    for matches in found:
        lon = np.array([m.venue.longitude for m in matches], dtype=np.float64)
        lat = np.array([m.venue.latitude for m in matches], dtype=np.float64)
        ends.append(np.column_stack([earth_centred(lon, lat), lon, lat]).tolist())
    per_minute = index.walking_speed_kmh * 1000 / 60
    project_point = point_to_bng_in_thread()
    new = tuple.__new__

    def whole() -> None:
        for lon, lat in lonlat:
            index.nearest(lon, lat, k)

    def project() -> None:
        for lon, lat in lonlat:
            project_point(lon, lat, None, None, FORWARD, False, False)

    def geodesic() -> None:
        for (lon, lat), rows in zip(lonlat, ends, strict=True):
            geodesics_from_m(lon, lat, rows)

    def results() -> None:
        for matches in found:
            [
                new(VenueMatch, (m.venue, m.distance_m, round(m.distance_m / per_minute) or 1))
                for m in matches
            ]

    timings = interleaved(
        {
            WHOLE: whole,
            "projecting the query point (PROJ, one point)": project,
            f"geodesic metres to the {k} results (`geodesics_from_m`)": geodesic,
            f"{k} × `VenueMatch` with its walking minutes": results,
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
