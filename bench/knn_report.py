"""The k-nearest part of the report: build time and memory, per-query times, whether the
methods agree, and where `VenueIndex.nearest` spends its time."""

from __future__ import annotations

from collections.abc import Sequence

from bench.knn import KnnResult
from bench.markdown import fmt_mb, fmt_pct, fmt_ratio, table
from bench.methods import BATCH_METHODS, BUILD_METHODS, BUILT, KDTREE, SINGLE_METHODS, SJOIN
from bench.profiling import WHOLE, Profile
from bench.results import Results
from bench.timing import fmt_s, fmt_us, paired_ratio


def knn_datasets(results: Sequence[KnnResult]) -> str:
    rows = [
        [r.label, r.venue_source, r.query_source, r.batch_source, f"{r.venues:,}"] for r in results
    ]
    return table(
        ["Venue set", "Venues from", "Query points (one at a time)", "Batch", "Venues"],
        rows,
        left=4,
    )


def knn_build(results: Sequence[KnnResult]) -> str:
    methods = [m for m in BUILD_METHODS if any(m in r.build for r in results)]
    rows = []
    for r in results:
        rows.append(
            [
                r.label,
                f"{r.venues:,}",
                *(
                    f"{fmt_s(r.build[m].median)}, {fmt_mb(r.memory[m])}"
                    if m in r.build and m in r.memory
                    else (fmt_s(r.build[m].median) if m in r.build else "–")
                    for m in methods
                ),
            ]
        )
    return table(["Venue set", "Venues", *(BUILT[m] for m in methods)], rows)


def _per_query(results: Sequence[KnnResult], mode: str) -> str:
    every: tuple[str, ...] = SINGLE_METHODS if mode == "single" else BATCH_METHODS
    methods = tuple(
        m
        for m in every
        if any(
            m in t for r in results for t in (r.single if mode == "single" else r.batch).values()
        )
    )
    rows = []
    for r in results:
        timings = r.single if mode == "single" else r.batch
        for k, t in timings.items():
            cells = []
            for m in methods:
                if m not in t:
                    cells.append("n/a" if m == SJOIN and k != 1 else "–")
                    continue
                cell = fmt_us(t[m].median)
                if m != KDTREE and KDTREE in t:
                    cell += f" ({fmt_ratio(paired_ratio(t[m], t[KDTREE]))})"
                cells.append(cell)
            rows.append([r.label, f"{r.venues:,}", str(k), *cells])
    return table(["Venue set", "Venues", "k", *methods], rows)


def knn_single(results: Sequence[KnnResult]) -> str:
    return _per_query(results, "single")


def knn_batch(results: Sequence[KnnResult]) -> str:
    return _per_query(results, "batch")


def knn_fewer(results: Sequence[KnnResult]) -> list[str]:
    """Notes on methods that ran on fewer query points."""
    notes = []
    for r in results:
        for mode, ops, total in (
            ("one at a time", r.single_ops, r.queries),
            ("in the batch", r.batch_ops, r.batch_queries),
        ):
            for m, n in ops.items():
                if n < total:
                    notes.append(
                        f"{r.label}: {m} ran on the first {n:,} of the {total:,} points {mode} "
                        "(a pass over every venue per point; time per point as for the others)."
                    )
    return notes


def knn_correctness(results: Sequence[KnnResult]) -> str:
    rows = []
    for r in results:
        for c in r.checks:
            rows.append(
                [
                    r.label,
                    "one at a time" if c.mode == "single" else "batch",
                    str(c.k),
                    c.method,
                    f"{c.queries:,}",
                    str(c.ties),
                    str(c.near_ties),
                    f"**{c.wrong} WRONG**" if c.wrong else "0",
                ]
            )
    text = table(
        [
            "Venue set",
            "Mode",
            "k",
            "Method",
            "Points",
            "Exact ties broken otherwise",
            "Near ties (sphere vs grid)",
            "Different places",
        ],
        rows,
        left=4,
    )
    problems = [m for r in results for m in r.mismatches]
    if problems:
        text += "\n\nFirst differences:\n\n" + "\n".join(
            f"- {m.mode}, k={m.k}, {m.method}, point {m.query}: {m.detail}" for m in problems[:10]
        )
    return text


def profile_tables(p: Profile) -> str:
    whole = p.parts.get(WHOLE, 0.0)
    parts = table(
        ["Part (timed alone, no profiler)", "Per query", f"Share of {fmt_us(whole)}"],
        [[name, fmt_us(s), fmt_pct(s, whole)] for name, s in p.parts.items()],
    )
    ours = sorted(
        (r for r in p.rows if "locator/" in r.function or "geodata/" in r.function),
        key=lambda r: r.cumulative_s,
        reverse=True,
    )
    mine = table(
        ["Project function (cProfile)", "Calls/query", "Cumulative", "Share"],
        [
            [
                f"`{r.function}`",
                f"{r.calls / p.queries:.2f}",
                fmt_us(r.cumulative_s),
                fmt_pct(r.cumulative_s, p.total_s),
            ]
            for r in ours[:10]
        ],
    )
    own = sorted(p.rows, key=lambda r: r.own_s, reverse=True)
    top = table(
        ["Function (cProfile, own time)", "Calls/query", "Own time", "Share"],
        [
            [
                f"`{r.function}`",
                f"{r.calls / p.queries:.2f}",
                fmt_us(r.own_s),
                fmt_pct(r.own_s, p.total_s),
            ]
            for r in own[:12]
        ],
    )
    return (
        f"{parts}\n\nUnder cProfile one call took {fmt_us(p.total_s)} (the profiler inflates "
        "every Python-level call, so read the shares, not the times).\n\n"
        f"{mine}\n\n{top}"
    )


def knn_section(results: Results) -> str:
    c = results.config
    fewer = knn_fewer(results.knn)
    text = (
        "## 1. k-nearest venues: the locator against its peers\n\n"
        f"{knn_datasets(results.knn)}\n\n"
        f"### Build time and memory (median of {c.build_repeats} builds; "
        "1 at a million venues)\n\n"
        "From a list of `Venue` objects to something that can be queried, including reading "
        "the coordinates off the objects and projecting them. Memory: the growth of a fresh "
        "process's resident memory while it builds the structure (the venues themselves not "
        "counted); PostGIS: the table and its GiST index on disk.\n\n"
        f"{knn_build(results.knn)}\n\n"
        f"### One query at a time (median of {c.repeats} repeats over every point; "
        f"{c.big_repeats} at a million venues)\n\n"
        "Time per query, and in brackets its ratio to cKDTree's (median of the per-repeat "
        "ratios: the methods take turns within each repeat).\n\n"
        f"{knn_single(results.knn)}\n\n"
        f"### A batch of {c.batch_queries:,} queries\n\n"
        "Time per query point when all are asked at once: `VenueIndex.nearest_batch`, "
        "`cKDTree.query` and `BallTree.query` on arrays, `sjoin_nearest` on a GeoDataFrame of "
        "points (it finds the nearest only, so k = 1), brute force in blocks of points, and "
        "PostGIS with one LATERAL KNN join.\n\n"
        f"{knn_batch(results.knn)}\n\n"
        + ("\n".join(f"- {n}" for n in fewer) + "\n\n" if fewer else "")
        + "### Same places?\n\n"
        "Each method's k places are compared, as a set, with brute force's (one at a time: "
        "every point; in the batch: brute force where it ran, cKDTree past that, itself "
        "checked against brute force). Sets that differ only by which of several venues at "
        "exactly the k-th distance was kept are exact ties; BallTree measures on a sphere, "
        "so where two venues are within 1% of the same distance it may rank them the other "
        "way round from the grid: near ties.\n\n"
        f"{knn_correctness(results.knn)}\n"
    )
    if results.profile is not None:
        p = results.profile
        text += (
            f"\n### Where `VenueIndex.nearest` spends its time ({p.label}, k={p.k})\n\n"
            f"{profile_tables(p)}\n"
        )
    return text
