"""k-nearest venues: the project's VenueIndex against its peers, on the same venues.

The peers, each built from the same list of `Venue` objects (bench/methods.py): scipy's
`cKDTree` and numpy brute force on British National Grid points, scikit-learn's `BallTree`
(haversine), geopandas `sjoin_nearest` (batches; nearest only, so k = 1) and PostGIS,
`ORDER BY geom <-> point LIMIT k` on a GiST index over loopback (when PostgreSQL with PostGIS
is there or can be installed: bench/postgis.py). Every answer is checked against brute force
(bench/agreement.py); each structure's memory is measured in a process of its own
(bench/footprint.py).

VenueIndex takes WGS84 lon/lat and returns `VenueMatch` objects with geodesic distances and
walking times, so it does more per call than the others, which return indices only (cKDTree,
brute force and PostGIS are handed grid coordinates). That extra work is part of what is
measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np

from bench.agreement import Check, Mismatch, check, scale_error
from bench.data import KnnCase
from bench.footprint import footprint
from bench.methods import (
    BALLTREE,
    BRUTE,
    KDTREE,
    POSTGIS,
    SJOIN,
    VENUE_INDEX,
    IntArray,
    Peers,
    brute_batch,
    brute_knn,
    build_balltree,
    build_brute,
    build_frame,
    build_kdtree,
    sjoin_first,
)
from bench.postgis import PostgisServer, PostgisVenues
from bench.timing import Timing, interleaved
from locator.geo import wgs84_to_bng
from locator.index import VenueIndex
from locator.venues import Status

# Brute force costs a pass over every venue per query: at a million venues it gets fewer
# query points (its time per query is still the median over repeats).
BRUTE_BUDGET = 2e8  # venue × query distance computations per timed loop, at most


# -- results ----------------------------------------------------------------------------------


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
        result.max_scale_error = max(result.max_scale_error, scale_error(peers, matches, p))
    if peers.postgis is not None:
        answers[POSTGIS] = [np.array(peers.postgis.nearest(x, y, k)) for x, y in grid_xy]
    for method, found in answers.items():
        _check(result, check("single", k, method, BRUTE, found, reference, peers, qx, qy))

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
            _check(result, check("batch", k, method, BRUTE, rows, reference, peers, qx, qy))

    # Timed as the caller sees it: VenueIndex's ids as they come (strings), not positions.
    loops: dict[str, Callable[[], object]] = {
        VENUE_INDEX: lambda: index.nearest_batch(lon, lat, k),
        **{m: run for m, run in runs.items() if m != VENUE_INDEX},
    }
    ops = {m: (n_brute if m == BRUTE else len(qx)) for m in loops}
    result.batch[k] = interleaved(loops, repeats=max(3, case.repeats // 3), ops=ops)
    result.batch_ops = ops


def _check(result: KnnResult, checked: tuple[Check, list[Mismatch]]) -> None:
    result.checks.append(checked[0])
    result.mismatches.extend(checked[1])
