"""k-nearest venues: the project's VenueIndex against scipy's cKDTree and numpy brute force.

All three search the same points: the active venues projected to British National Grid
(EPSG:27700) by `locator.geo.wgs84_to_bng`, as VenueIndex does itself. VenueIndex takes WGS84
lon/lat and returns geodesic distances, so it does more per call than the other two, which are
handed grid coordinates. That extra work is part of what is measured.
"""

from __future__ import annotations

import cProfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import CodeType

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from bench.data import KnnCase
from bench.timing import Timing, interleaved
from locator.geo import geodesic_m, wgs84_to_bng
from locator.index import VenueIndex, VenueMatch, walk_minutes
from locator.venues import Status, Venue

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

VENUE_INDEX = "VenueIndex.nearest"
KDTREE = "cKDTree.query"
BRUTE = "numpy brute force"
METHODS = (VENUE_INDEX, KDTREE, BRUTE)


# -- the three methods ------------------------------------------------------------------------


def _grid(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    lon = np.array([v.longitude for v in venues], dtype=np.float64)
    lat = np.array([v.latitude for v in venues], dtype=np.float64)
    x, y = wgs84_to_bng(lon, lat)
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def build_kdtree(venues: Sequence[Venue]) -> cKDTree:
    x, y = _grid(venues)
    return cKDTree(np.column_stack([x, y]))


def build_brute(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    return _grid(venues)


def brute_knn(xs: FloatArray, ys: FloatArray, x: float, y: float, k: int) -> IntArray:
    """Squared grid distance to every point, argpartition for the k smallest, nearest first."""
    d2 = (xs - x) ** 2 + (ys - y) ** 2
    ids = np.argpartition(d2, k - 1)[:k] if k < len(d2) else np.arange(len(d2))
    return ids[np.argsort(d2[ids], kind="stable")]


# -- results ----------------------------------------------------------------------------------


@dataclass
class Mismatch:
    k: int
    method: str
    query: int
    detail: str


@dataclass
class KnnResult:
    label: str
    venue_source: str
    query_source: str
    venues: int
    queries: int
    build: dict[str, Timing]
    per_query: dict[int, dict[str, Timing]] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    ties: int = 0  # queries where methods differed only in how they broke an exact tie
    # Largest |geodesic - grid| / grid over every VenueIndex result: the grid's scale error.
    max_scale_error: float = 0.0


# -- running ----------------------------------------------------------------------------------


def run_case(case: KnnCase, ks: Sequence[int], repeats: int, build_repeats: int) -> KnnResult:
    active = [v for v in case.venues if v.status is Status.ACTIVE]
    position = {v.id: i for i, v in enumerate(active)}
    qlon, qlat = case.queries.lon, case.queries.lat
    # VenueIndex gets Python floats, as the web API hands it; the others get grid coordinates
    # projected in advance (outside the timed loops) with the same function VenueIndex uses.
    lonlat = list(zip(qlon.tolist(), qlat.tolist(), strict=True))
    qx, qy = wgs84_to_bng(qlon, qlat)
    grid_xy = list(zip(qx.tolist(), qy.tolist(), strict=True))
    grid_arrays = [np.array(p, dtype=np.float64) for p in grid_xy]

    build = interleaved(
        {
            VENUE_INDEX: lambda: VenueIndex(case.venues),
            KDTREE: lambda: build_kdtree(active),
            BRUTE: lambda: build_brute(active),
        },
        repeats=build_repeats,
    )
    index = VenueIndex(case.venues)
    tree = build_kdtree(active)
    xs, ys = build_brute(active)
    if len(index) != len(active):
        raise AssertionError(f"VenueIndex holds {len(index)} venues, expected {len(active)}")

    nearest, query = index.nearest, tree.query
    result = KnnResult(
        case.label, case.venue_source, case.queries.source, len(active), len(lonlat), build
    )
    for k in ks:
        _check(result, k, index, tree, xs, ys, lonlat, grid_xy, grid_arrays, position)

        def run_index(k: int = k) -> None:
            for lon, lat in lonlat:
                nearest(lon, lat, k)

        def run_kdtree(k: int = k) -> None:
            for p in grid_arrays:
                query(p, k)

        def run_brute(k: int = k) -> None:
            for x, y in grid_xy:
                brute_knn(xs, ys, x, y, k)

        result.per_query[k] = interleaved(
            {VENUE_INDEX: run_index, KDTREE: run_kdtree, BRUTE: run_brute},
            repeats=repeats,
            ops=len(lonlat),
        )
    return result


def _check(
    result: KnnResult,
    k: int,
    index: VenueIndex,
    tree: cKDTree,
    xs: FloatArray,
    ys: FloatArray,
    lonlat: list[tuple[float, float]],
    grid_xy: list[tuple[float, float]],
    grid_arrays: list[FloatArray],
    position: dict[str, int],
) -> None:
    """Every method must find the same k venues as brute force (this pass also warms up)."""
    want = min(k, len(xs))
    for q, ((lon, lat), (x, y), p) in enumerate(zip(lonlat, grid_xy, grid_arrays, strict=True)):
        matches = index.nearest(lon, lat, k)
        from_index = np.array([position[m.venue.id] for m in matches], dtype=np.intp)
        _, tree_ids = tree.query(p, k)
        from_tree = np.atleast_1d(np.asarray(tree_ids, dtype=np.intp))
        reference = brute_knn(xs, ys, x, y, k)
        if len(reference) != want:
            result.mismatches.append(Mismatch(k, BRUTE, q, f"{len(reference)} results"))
        d2: FloatArray | None = None
        for method, ids in ((VENUE_INDEX, from_index), (KDTREE, from_tree)):
            if len(ids) == len(reference) and set(ids.tolist()) == set(reference.tolist()):
                continue
            if d2 is None:
                d2 = (xs - x) ** 2 + (ys - y) ** 2
            verdict = _compare(ids, reference, d2)
            if verdict is None:
                result.ties += 1
            else:
                result.mismatches.append(Mismatch(k, method, q, verdict))
        if matches:
            grid_m = np.sqrt((xs[from_index] - x) ** 2 + (ys[from_index] - y) ** 2)
            geo_m = np.array([m.distance_m for m in matches])
            far = grid_m > 1.0  # relative error is meaningless at a venue's doorstep
            if far.any():
                error = float(np.max(np.abs(geo_m[far] - grid_m[far]) / grid_m[far]))
                result.max_scale_error = max(result.max_scale_error, error)


def _compare(ids: IntArray, reference: IntArray, d2: FloatArray) -> str | None:
    """None if `ids` differ from `reference` only by breaking an exact distance tie."""
    if len(ids) != len(reference):
        return f"{len(ids)} results, brute force has {len(reference)}"
    if len(set(ids.tolist())) != len(ids):
        return f"duplicate venues in {ids.tolist()}"
    got, expected = np.sort(d2[ids]), np.sort(d2[reference])
    if not np.array_equal(got, expected):
        worst = float(np.max(np.abs(np.sqrt(got) - np.sqrt(expected))))
        return (
            f"different venues: {sorted(ids.tolist())} vs brute force "
            f"{sorted(reference.tolist())} (distances differ by up to {worst:.3f} m)"
        )
    # Same distances: only venues tied at the k-th distance may differ.
    kth = expected[-1]
    inner = {i for i in ids.tolist() if d2[i] < kth}
    inner_reference = {i for i in reference.tolist() if d2[i] < kth}
    if inner != inner_reference:
        return f"different venues inside the k-th distance: {sorted(inner ^ inner_reference)}"
    return None


# -- where VenueIndex.nearest spends its time -------------------------------------------------


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


def profile_nearest(case: KnnCase, k: int) -> Profile:
    """cProfile over one pass of VenueIndex.nearest, plus its parts timed on their own."""
    index = VenueIndex(case.venues)
    lonlat = list(zip(case.queries.lon.tolist(), case.queries.lat.tolist(), strict=True))
    n = len(lonlat)
    for lon, lat in lonlat:  # warm up
        index.nearest(lon, lat, k)

    profiler = cProfile.Profile()
    profiler.enable()
    for lon, lat in lonlat:
        index.nearest(lon, lat, k)
    profiler.disable()
    entries = [e for e in profiler.getstats() if not _is_profiler(e.code)]
    rows = [
        ProfileRow(_where(e.code), e.callcount, e.inlinetime / n, e.totaltime / n) for e in entries
    ]
    total = sum(e.inlinetime for e in entries) / n

    # The parts of a call that can be run alone through public functions, unprofiled.
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
            geodesic_m(lon, lat, lons, lats)

    def results() -> None:
        for matches in found:
            [VenueMatch(m.venue, m.distance_m, walk_minutes(m.distance_m, speed)) for m in matches]

    timings = interleaved(
        {
            WHOLE: whole,
            "`wgs84_to_bng` of the query point": project,
            f"`geodesic_m` to the {k} results": geodesic,
            f"{k} × `VenueMatch(…, walk_minutes(…))`": results,
        },
        repeats=5,
        ops=n,
    )
    parts = {name: t.median for name, t in timings.items()}
    return Profile(case.label, k, n, total, rows, parts)


WHOLE = "`VenueIndex.nearest`, whole call"


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
