"""Reverse geocoding (the postcodes nearest a point) over every GB postcode: the grid index
(`geodata.postcode_grid`) against scipy's cKDTree on the same points, and the whole lookup
the API answers with. ``python -m bench.reverse [--queries N] [--repeats N]``.

Each query point is a sampled postcode moved up to 200 m, the way a phone's location falls
near, not on, a postcode centroid. The answers must agree with the tree's, code for code.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from api.settings import Settings
from bench.timing import Timing, fmt_s, fmt_us, interleaved, time_once
from geodata.gazetteer import Gazetteer
from geodata.national import NationalPostcodes
from geodata.placenames import PlaceNames
from geodata.postcode_grid import PostcodeGrid
from geodata.postcode_lookup import PostcodeLookup, load_grid
from geodata.resolver import LocationResolver
from locator.geo import bng_to_wgs84

CASES = ((100.0, 10), (500.0, 10), (2000.0, 10), (2000.0, 100))


def _tree_near(tree: cKDTree, codes: np.ndarray, x: float, y: float, r: float, k: int) -> list[str]:
    rows = np.asarray(tree.query_ball_point((x, y), r), dtype=np.int64)
    if len(rows) == 0:
        return []
    d = np.hypot(tree.data[rows, 0] - x, tree.data[rows, 1] - y)
    order = np.lexsort((codes[rows], d))[:k]
    return [codes[rows[i]].decode() for i in order]


def run(queries: int, repeats: int, seed: int) -> list[str]:
    data = Settings().data
    lines = [f"Reverse geocoding, {queries} points, median of {repeats} (spread)", ""]
    with tempfile.TemporaryDirectory(prefix="bench-reverse-") as tmp:
        cache = Path(tmp)
        local = data.path(data.postcodes_file)
        gazetteer = Gazetteer.load(local, cache)
        national_path = data.national_postcodes_path
        national = NationalPostcodes.load_optional(national_path, cache)
        sources = [local] + ([national_path] if national and national_path else [])
        build_s = time_once(lambda: load_grid(gazetteer, national, sources, cache))
        mapped = interleaved({"map": lambda: load_grid(gazetteer, national, sources, cache)},
                             repeats=repeats)["map"]  # fmt: skip
        grid = load_grid(gazetteer, national, sources, cache)
        arrays = grid.arrays()
        codes = np.asarray(arrays["codes"])
        points = np.column_stack([arrays["easting"], arrays["northing"]]).astype(np.float64)
        tree_s = time_once(lambda: cKDTree(points))
        tree = cKDTree(points)
        resolver = LocationResolver(gazetteer, PlaceNames.load(data.path(data.places_file)),
                                    national=national)  # fmt: skip
        lookup = PostcodeLookup(resolver, grid)
        rng = np.random.default_rng(seed)
        picks = points[rng.choice(len(points), size=queries, replace=False)]
        picks += rng.uniform(-200, 200, picks.shape)
        lon, lat = bng_to_wgs84(picks[:, 0], picks[:, 1])
        lines += [
            f"{len(grid):,} postcodes; grid built in {fmt_s(build_s)} (cached: mapped in "
            f"{fmt_s(mapped.median)}); cKDTree built in {fmt_s(tree_s)}",
            "",
            "| radius, limit | grid.near | cKDTree | ratio | whole lookup | agree |",
            "|---|---|---|---|---|---|",
        ]
        for radius, limit in CASES:
            lines.append(_case(grid, tree, codes, lookup, picks, lon, lat, radius, limit, repeats))
    return lines


def _case(  # type: ignore[no-untyped-def]
    grid: PostcodeGrid, tree, codes, lookup, picks, lon, lat, radius, limit, repeats
) -> str:
    pts = [(float(x), float(y)) for x, y in picks]
    lls = list(zip(lat.tolist(), lon.tolist(), strict=True))
    agree = sum(
        [h.code for h in grid.near(x, y, radius, limit)]
        == _tree_near(tree, codes, x, y, radius, limit)
        for x, y in pts
    )
    timings: dict[str, Timing] = interleaved(
        {
            "grid": lambda: [grid.near(x, y, radius, limit) for x, y in pts],
            "tree": lambda: [_tree_near(tree, codes, x, y, radius, limit) for x, y in pts],
            "lookup": lambda: [lookup.nearby(la, lo, radius, limit) for la, lo in lls],
        },
        repeats=repeats,
        ops=len(pts),
    )
    g, t, w = timings["grid"], timings["tree"], timings["lookup"]
    return (
        f"| {radius:g} m, {limit} | {fmt_us(g.median)} (±{g.spread:.0%}) | {fmt_us(t.median)} | "
        f"{g.median / t.median:.2f}x | {fmt_us(w.median)} | {agree}/{len(pts)} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reverse")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20251124)
    args = parser.parse_args(argv)
    sys.stdout.write("\n".join(run(args.queries, args.repeats, args.seed)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
