"""k-nearest venues: the project's VenueIndex against its peers, on the same venues.

The peers, each built from the same list of `Venue` objects:

- scipy's `cKDTree` and numpy brute force, on the venues' British National Grid points
  (EPSG:27700, projected with `locator.geo.wgs84_to_bng` as VenueIndex does itself);
- scikit-learn's `BallTree` with the haversine metric, on radians of latitude and longitude;
- geopandas `sjoin_nearest` (batches; it finds the nearest only, so k = 1);
- PostGIS, `ORDER BY geom <-> point LIMIT k` on a GiST index, over loopback (when PostgreSQL
  with PostGIS is there or can be installed: bench/postgis.py).

VenueIndex takes WGS84 lon/lat and returns `VenueMatch` objects with geodesic distances and
walking times, so it does more per call than the others, which return indices only (cKDTree,
brute force and PostGIS are handed grid coordinates). That extra work is part of what is
measured.
"""

from __future__ import annotations

import cProfile
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from sklearn.neighbors import BallTree  # type: ignore[import-untyped]

from bench.data import KnnCase
from bench.postgis import PostgisServer, PostgisVenues
from bench.timing import Timing, interleaved
from locator.geo import geodesic_point_m, wgs84_to_bng
from locator.index import VenueIndex
from locator.match import VenueMatch, walk_minutes
from locator.venues import Category, Kind, LocationPrecision, Status, Venue

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
# Brute force costs a pass over every venue per query: at a million venues it gets fewer
# query points (its time per query is still the median over repeats).
BRUTE_BUDGET = 2e8  # venue × query distance computations per timed loop, at most
# BallTree's haversine measures on a sphere, whose distances are up to about half a percent off
# the ellipsoid's, more in some directions than others; the grid's are within 0.04%. The two
# rank alike except where two venues are within about this share of the same distance: such
# differences are near ties, not errors.
METRIC_TOLERANCE = 0.01


def _lonlat(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    lon = np.array([v.longitude for v in venues], dtype=np.float64)
    lat = np.array([v.latitude for v in venues], dtype=np.float64)
    return lon, lat


def _grid(venues: Sequence[Venue]) -> tuple[FloatArray, FloatArray]:
    x, y = wgs84_to_bng(*_lonlat(venues))
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def build_kdtree(venues: Sequence[Venue]) -> cKDTree:
    x, y = _grid(venues)
    return cKDTree(np.column_stack([x, y]))


def build_balltree(venues: Sequence[Venue]) -> BallTree:
    lon, lat = _lonlat(venues)
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


# -- results ----------------------------------------------------------------------------------


@dataclass
class Mismatch:
    mode: str  # "single" or "batch"
    k: int
    method: str
    query: int
    detail: str


@dataclass
class Check:
    """One method's answers compared with the reference, for one mode and k."""

    mode: str
    k: int
    method: str
    reference: str
    queries: int
    ties: int = 0  # differ only in which of venues at exactly the k-th distance was kept
    near_ties: int = 0  # differ only where the sphere and the grid rank a near tie apart
    wrong: int = 0


@dataclass
class KnnResult:
    label: str
    venue_source: str
    query_source: str
    batch_source: str
    venues: int
    queries: int
    batch_queries: int
    build: dict[str, Timing]
    memory: dict[str, int]  # bytes held by each built structure (see `footprint`)
    single: dict[int, dict[str, Timing]] = field(default_factory=dict)  # k: method: per query
    single_ops: dict[str, int] = field(default_factory=dict)  # query points each method ran
    batch: dict[int, dict[str, Timing]] = field(default_factory=dict)  # per query, in a batch
    batch_ops: dict[str, int] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    # Largest |geodesic - grid| / grid over every VenueIndex result: the grid's scale error.
    max_scale_error: float = 0.0


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


# -- running ----------------------------------------------------------------------------------


def run_case(
    case: KnnCase,
    ks: Sequence[int],
    build_repeats: int,
    server: PostgisServer | None,
    progress: Callable[[str], None] = lambda _: None,
) -> KnnResult:
    active = [v for v in case.venues if v.status is Status.ACTIVE]
    postgis = PostgisVenues(server, "venues") if server is not None else None
    xs0, ys0 = build_brute(active)
    builds: dict[str, Callable[[], object]] = {
        VENUE_INDEX: lambda: VenueIndex(case.venues),
        KDTREE: lambda: build_kdtree(active),
        BALLTREE: lambda: build_balltree(active),
        SJOIN: lambda: build_frame(active),
        BRUTE: lambda: build_brute(active),
    }
    if postgis is not None:
        builds[POSTGIS] = lambda: postgis.load(*build_brute(active))
    build = interleaved(builds, repeats=build_repeats)
    progress("built")
    memory = footprint(active, [m for m in builds if m != POSTGIS])
    if postgis is not None:
        memory[POSTGIS] = sum(postgis.sizes())
    peers = Peers(
        index=VenueIndex(case.venues),
        tree=build_kdtree(active),
        ball=build_balltree(active),
        frame=build_frame(active),
        xs=xs0,
        ys=ys0,
        postgis=postgis,
        position={v.id: i for i, v in enumerate(active)},
    )
    if len(peers.index) != len(active):
        raise AssertionError(f"VenueIndex holds {len(peers.index)} venues, expected {len(active)}")
    result = KnnResult(
        case.label,
        case.venue_source,
        case.queries.source,
        case.batch.source,
        len(active),
        len(case.queries),
        len(case.batch),
        build,
        memory,
    )
    try:
        for k in ks:
            _run_single(result, case, peers, k)
            progress(f"k={k}, one at a time")
            _run_batch(result, case, peers, k)
            progress(f"k={k}, batch")
    finally:
        if postgis is not None:
            postgis.close()
    return result


def _brute_share(venues: int, queries: int) -> int:
    """How many query points brute force gets (all, unless that would take too long)."""
    return max(20, min(queries, int(BRUTE_BUDGET // max(venues, 1))))


def _run_single(result: KnnResult, case: KnnCase, peers: Peers, k: int) -> None:
    qlon, qlat = case.queries.lon, case.queries.lat
    # VenueIndex gets Python floats, as the web API hands it; the others get their own
    # coordinates prepared in advance (outside the timed loops).
    lonlat = list(zip(qlon.tolist(), qlat.tolist(), strict=True))
    qx, qy = wgs84_to_bng(qlon, qlat)
    grid_xy = list(zip(qx.tolist(), qy.tolist(), strict=True))
    grid_arrays = [np.array(p, dtype=np.float64) for p in grid_xy]
    radians = np.radians(np.column_stack([qlat, qlon]))
    ball_points = [radians[i : i + 1] for i in range(len(radians))]
    n_brute = _brute_share(result.venues, len(grid_xy))
    brute_xy = grid_xy[:n_brute]

    # Answers (this pass also warms up), checked against brute force on every point.
    reference = [brute_knn(peers.xs, peers.ys, x, y, k) for x, y in grid_xy]
    answers: dict[str, list[IntArray]] = {
        VENUE_INDEX: [],
        KDTREE: [],
        BALLTREE: [],
    }
    for (lon, lat), p, b in zip(lonlat, grid_arrays, ball_points, strict=True):
        matches = peers.index.nearest(lon, lat, k)
        answers[VENUE_INDEX].append(np.array([peers.position[m.venue.id] for m in matches]))
        answers[KDTREE].append(np.atleast_1d(np.asarray(peers.tree.query(p, k)[1], dtype=np.intp)))
        answers[BALLTREE].append(peers.ball.query(b, k)[1][0].astype(np.intp))
        _scale_error(result, peers, matches, p)
    if peers.postgis is not None:
        answers[POSTGIS] = [np.array(peers.postgis.nearest(x, y, k)) for x, y in grid_xy]
    for method, found in answers.items():
        _check(result, "single", k, method, BRUTE, found, reference, peers, qx, qy)

    nearest, query, ball, xs, ys = (
        peers.index.nearest,
        peers.tree.query,
        peers.ball,
        peers.xs,
        peers.ys,
    )
    loops: dict[str, Callable[[], object]] = {
        VENUE_INDEX: lambda: [nearest(lon, lat, k) for lon, lat in lonlat],
        KDTREE: lambda: [query(p, k) for p in grid_arrays],
        BALLTREE: lambda: [ball.query(b, k) for b in ball_points],
        BRUTE: lambda: [brute_knn(xs, ys, x, y, k) for x, y in brute_xy],
    }
    ops = {VENUE_INDEX: len(lonlat), KDTREE: len(lonlat), BALLTREE: len(lonlat), BRUTE: n_brute}
    if peers.postgis is not None:
        pg = peers.postgis.nearest
        loops[POSTGIS] = lambda: [pg(x, y, k) for x, y in grid_xy]
        ops[POSTGIS] = len(grid_xy)
    result.single[k] = interleaved(loops, repeats=case.repeats, ops=ops)
    result.single_ops = ops


def _run_batch(result: KnnResult, case: KnnCase, peers: Peers, k: int) -> None:
    lon, lat = case.batch.lon, case.batch.lat
    qx, qy = wgs84_to_bng(lon, lat)
    radians = np.radians(np.column_stack([lat, lon]))
    grid = np.column_stack([qx, qy])
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(qx, qy, crs="EPSG:27700"))
    n_brute = _brute_share(result.venues, len(qx))
    index, tree, ball, frame = peers.index, peers.tree, peers.ball, peers.frame
    xs, ys = peers.xs, peers.ys

    def venue_index() -> IntArray:
        ids = index.nearest_batch(lon, lat, k).ids
        rows: IntArray = np.vectorize(lambda i: peers.position.get(i, -1), otypes=[np.intp])(ids)
        return rows

    def kdtree() -> IntArray:
        return np.asarray(tree.query(grid, k)[1], dtype=np.intp).reshape(len(grid), -1)

    runs: dict[str, Callable[[], IntArray]] = {
        VENUE_INDEX: venue_index,
        KDTREE: kdtree,
        BALLTREE: lambda: np.asarray(ball.query(radians, k)[1], dtype=np.intp),
        BRUTE: lambda: brute_batch(xs, ys, qx[:n_brute], qy[:n_brute], k),
    }
    if k == 1:
        runs[SJOIN] = lambda: sjoin_first(points, frame)[:, None]
    if peers.postgis is not None:
        pg = peers.postgis
        runs[POSTGIS] = lambda: pg.nearest_batch(qx, qy, k)

    answers = {method: run() for method, run in runs.items()}  # and a warm-up
    brute = answers[BRUTE]
    # Brute force is the reference where it ran; past that, cKDTree (exact on the grid, and
    # itself checked against brute force on the points both ran).
    reference = [brute[i] if i < n_brute else answers[KDTREE][i] for i in range(len(qx))]
    for method, found in answers.items():
        if method != BRUTE:
            rows = [row[row >= 0] for row in found]
            _check(result, "batch", k, method, BRUTE, rows, reference, peers, qx, qy)

    # Timed as the caller sees it: VenueIndex's ids as they come (strings), not positions.
    loops: dict[str, Callable[[], object]] = {
        VENUE_INDEX: lambda: index.nearest_batch(lon, lat, k),
        **{m: run for m, run in runs.items() if m != VENUE_INDEX},
    }
    ops = {m: (n_brute if m == BRUTE else len(qx)) for m in loops}
    result.batch[k] = interleaved(loops, repeats=max(3, case.repeats // 3), ops=ops)
    result.batch_ops = ops


def _scale_error(result: KnnResult, peers: Peers, matches: list[VenueMatch], p: FloatArray) -> None:
    if not matches:
        return
    rows = np.array([peers.position[m.venue.id] for m in matches])
    grid_m = np.hypot(peers.xs[rows] - p[0], peers.ys[rows] - p[1])
    geo_m = np.array([m.distance_m for m in matches])
    far = grid_m > 1.0  # relative error is meaningless at a venue's doorstep
    if far.any():
        error = float(np.max(np.abs(geo_m[far] - grid_m[far]) / grid_m[far]))
        result.max_scale_error = max(result.max_scale_error, error)


def _check(
    result: KnnResult,
    mode: str,
    k: int,
    method: str,
    reference_name: str,
    found: Sequence[IntArray],
    reference: Sequence[IntArray],
    peers: Peers,
    qx: FloatArray,
    qy: FloatArray,
) -> None:
    """Every method must find the same k venues as the reference, as a set."""
    check = Check(mode, k, method, reference_name, len(found))
    tolerance = METRIC_TOLERANCE if method == BALLTREE else 0.0
    for q, (ids, want) in enumerate(zip(found, reference, strict=True)):
        if len(ids) == len(want) and set(ids.tolist()) == set(want.tolist()):
            continue
        d2 = (peers.xs - qx[q]) ** 2 + (peers.ys - qy[q]) ** 2
        verdict = _compare(ids, want, d2, tolerance)
        if verdict is None:
            check.ties += 1
        elif verdict == "near":
            check.near_ties += 1
        else:
            check.wrong += 1
            result.mismatches.append(Mismatch(mode, k, method, q, verdict))
    result.checks.append(check)


def _compare(ids: IntArray, reference: IntArray, d2: FloatArray, tolerance: float) -> str | None:
    """None if `ids` differ from `reference` only by breaking an exact distance tie; "near"
    if only within `tolerance` (relative) of one; else what is wrong."""
    if len(ids) != len(reference):
        return f"{len(ids)} results, the reference has {len(reference)}"
    if len(set(ids.tolist())) != len(ids):
        return f"duplicate venues in {ids.tolist()}"
    got, expected = np.sqrt(np.sort(d2[ids])), np.sqrt(np.sort(d2[reference]))
    if not np.array_equal(got, expected):
        worst = float(np.max(np.abs(got - expected) / np.maximum(expected, 1.0)))
        if worst <= tolerance:
            return "near"
        return (
            f"different venues: {sorted(ids.tolist())} vs {sorted(reference.tolist())} "
            f"(distances differ by up to {100 * worst:.3f}%)"
        )
    # Same distances: only venues tied at the k-th distance may differ.
    kth = expected[-1] ** 2
    inner = {i for i in ids.tolist() if d2[i] < kth}
    inner_reference = {i for i in reference.tolist() if d2[i] < kth}
    if inner != inner_reference:
        return f"different venues inside the k-th distance: {sorted(inner ^ inner_reference)}"
    return None


# -- memory -----------------------------------------------------------------------------------


def footprint(venues: Sequence[Venue], methods: Sequence[str]) -> dict[str, int]:
    """Bytes each method's structure holds: the growth of a fresh process's resident memory
    (VmRSS) while it builds the structure from the venues, which it already holds. A process
    of its own for each, so no method reuses memory another freed."""
    found: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        path = Path(tmp) / "venues.npz"
        lon, lat = _lonlat(venues)
        np.savez(path, lon=lon, lat=lat)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        for method in methods:
            done = subprocess.run(
                [sys.executable, "-m", "bench.knn", "--footprint", method, str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=600,
            )
            if done.returncode == 0:
                found[method] = int(json.loads(done.stdout.strip().splitlines()[-1])["bytes"])
            else:
                print(f"  memory of {method} not measured: {done.stderr[-300:]}", file=sys.stderr)
    return found


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _footprint_child(method: str, path: Path) -> None:
    """In a fresh process: make the venues, then build one method's structure over them."""
    import gc

    with np.load(path) as z:
        lon, lat = z["lon"], z["lat"]
    categories = list(Category)
    venues = [
        Venue(f"V{i}", f"Venue {i}", Kind.SAFE_PLACE, categories[i % len(categories)], "", None,
              la, lo, LocationPrecision.POSTCODE)
        for i, (lo, la) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True))
    ]  # fmt: skip
    build: dict[str, Callable[[], object]] = {
        VENUE_INDEX: lambda: VenueIndex(venues),
        KDTREE: lambda: build_kdtree(venues),
        BALLTREE: lambda: build_balltree(venues),
        SJOIN: lambda: build_frame(venues),
        BRUTE: lambda: build_brute(venues),
    }
    build[KDTREE]()  # load the libraries (and their caches) first: not part of any structure
    build[BRUTE]()
    gc.collect()
    before = _rss()
    held = build[method]()
    gc.collect()
    print(json.dumps({"method": method, "bytes": max(0, _rss() - before)}))
    del held


def main(argv: Sequence[str]) -> int:
    """`python -m bench.knn --footprint METHOD VENUES.npz`: one memory measurement."""
    if len(argv) == 3 and argv[0] == "--footprint":
        _footprint_child(argv[1], Path(argv[2]))
        return 0
    print("usage: python -m bench.knn --footprint METHOD VENUES.npz", file=sys.stderr)
    return 2


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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
