"""Markdown for the results: tables for stdout and the whole of docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.coverage import CoverageResult
from bench.knn import BRUTE, KDTREE, METHODS, VENUE_INDEX, WHOLE, KnnResult, Profile
from bench.pages import PagesResult
from bench.postcodes import GazetteerResult, ParseResult
from bench.timing import Timing, fmt_s, fmt_us, paired_ratio

KNN_TARGET_RATIO = 2.0
KNN_TARGET_VENUES = 100_000
KNN_TARGET_K = 5
LOOKUP_TARGET_S = 5e-6
PAGE_BYTES_TARGET = 300_000
PAGE_RENDER_TARGET_S = 0.030
PAGE_PLACES = 10
COVERAGE_TARGET_S = 5.0


@dataclass(frozen=True, slots=True)
class Config:
    quick: bool
    synthetic_venues: int
    queries: int
    repeats: int
    build_repeats: int
    lookups: int
    lookup_repeats: int
    load_repeats: int
    ks: tuple[int, ...]
    jitter_m: float
    seed: int
    page_repeats: int


@dataclass
class Results:
    config: Config
    machine: dict[str, str]
    knn: list[KnnResult] = field(default_factory=list)
    profile: Profile | None = None
    gazetteers: list[GazetteerResult] = field(default_factory=list)
    parse: list[ParseResult] = field(default_factory=list)
    pages: PagesResult | None = None
    coverage: CoverageResult | None = None
    seconds: float = 0.0

    @property
    def mismatches(self) -> int:
        return sum(len(r.mismatches) for r in self.knn)

    @property
    def lookup_misses(self) -> int:
        return sum(g.misses for g in self.gazetteers)


@dataclass(frozen=True, slots=True)
class Target:
    what: str
    measured: str
    met: bool
    note: str = ""


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A Markdown table; the first `left` columns are left-aligned, the rest right-aligned."""
    align = ["---" if i < left else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ratio(x: float) -> str:
    return f"{x:.2f}×"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole > 0 else "–"


def _spread(t: Timing) -> str:
    return f"±{50 * t.spread:.0f}%"


# -- k-nearest ----------------------------------------------------------------------------------


def knn_datasets(results: Sequence[KnnResult]) -> str:
    rows = [[r.label, r.venue_source, r.query_source, f"{r.venues:,}"] for r in results]
    return table(["Venue set", "Venues from", "Query points", "Venues"], rows, left=3)


BUILT = {VENUE_INDEX: "VenueIndex(venues)", KDTREE: "cKDTree", BRUTE: "brute-force arrays"}


def knn_build(results: Sequence[KnnResult]) -> str:
    rows = [
        [r.label, f"{r.venues:,}", *(fmt_s(r.build[m].median) for m in METHODS)] for r in results
    ]
    return table(["Venue set", "Venues", *(BUILT[m] for m in METHODS)], rows)


def knn_queries(results: Sequence[KnnResult]) -> str:
    rows = []
    for r in results:
        for k, t in r.per_query.items():
            rows.append(
                [
                    r.label,
                    f"{r.venues:,}",
                    str(k),
                    *(fmt_us(t[m].median) for m in METHODS),
                    _ratio(paired_ratio(t[VENUE_INDEX], t[KDTREE])),
                    _ratio(paired_ratio(t[BRUTE], t[KDTREE])),
                    _spread(t[VENUE_INDEX]),
                ]
            )
    return table(
        [
            "Venue set",
            "Venues",
            "k",
            *METHODS,
            "VenueIndex ÷ cKDTree",
            "brute ÷ cKDTree",
            "VenueIndex noise",
        ],
        rows,
    )


def knn_correctness(results: Sequence[KnnResult]) -> str:
    rows = []
    for r in results:
        for k in r.per_query:
            bad = [m for m in r.mismatches if m.k == k]
            rows.append(
                [
                    r.label,
                    str(k),
                    f"{r.queries:,}",
                    "**" + str(len(bad)) + " MISMATCHES**" if bad else "0",
                ]
            )
    text = table(["Venue set", "k", "Queries", "Queries with a different answer"], rows)
    problems = [m for r in results for m in r.mismatches]
    if problems:
        text += "\n\nFirst mismatches (method vs brute force):\n\n" + "\n".join(
            f"- k={m.k}, {m.method}, query {m.query}: {m.detail}" for m in problems[:10]
        )
    return text


def profile_tables(p: Profile) -> str:
    whole = p.parts.get(WHOLE, 0.0)
    parts = table(
        ["Part (timed alone, no profiler)", "Per query", f"Share of {fmt_us(whole)}"],
        [[name, fmt_us(s), _pct(s, whole)] for name, s in p.parts.items()],
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
                _pct(r.cumulative_s, p.total_s),
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
                _pct(r.own_s, p.total_s),
            ]
            for r in own[:12]
        ],
    )
    return (
        f"{parts}\n\nUnder cProfile one call took {fmt_us(p.total_s)} (the profiler inflates "
        "every Python-level call, so read the shares, not the times).\n\n"
        f"{mine}\n\n{top}"
    )


# -- postcodes ----------------------------------------------------------------------------------


def gazetteer_loading(results: Sequence[GazetteerResult]) -> str:
    rows = [
        [
            g.label,
            g.source,
            f"{g.postcodes:,}",
            f"{g.districts:,}",
            fmt_s(g.load_source.median),
            fmt_s(g.load_cache.median),
            _ratio(g.load_source.median / g.load_cache.median),
        ]
        for g in results
    ]
    return table(
        [
            "Gazetteer",
            "Source",
            "Postcodes",
            "Districts",
            "Load from source (+ write cache)",
            "Load from cache",
            "Cache speed-up",
        ],
        rows,
        left=2,
    )


def gazetteer_lookups(results: Sequence[GazetteerResult]) -> str:
    rows = [
        [
            g.label,
            f"{g.sample:,}",
            fmt_us(g.find.median),
            fmt_us(g.parse_and_find.median),
            _spread(g.find),
            "**" + str(g.misses) + " WRONG**" if g.misses else "0",
        ]
        for g in results
    ]
    return table(
        [
            "Gazetteer",
            "Postcodes looked up",
            "`find` per lookup",
            "`parse_postcode` + `find`",
            "`find` noise",
            "Not found / wrong",
        ],
        rows,
    )


def parse_table(results: Sequence[ParseResult]) -> str:
    return table(
        ["`parse_postcode` input", "Example", "Per call"],
        [[p.label, f"`{p.example!r}`", fmt_us(p.timing.median)] for p in results],
        left=2,
    )


# -- targets and findings -----------------------------------------------------------------------


def _target_case(results: Results) -> KnnResult | None:
    synthetic = [r for r in results.knn if KNN_TARGET_K in r.per_query]
    return max(synthetic, key=lambda r: r.venues) if synthetic else None


def targets(results: Results) -> list[Target]:
    found: list[Target] = []
    case = _target_case(results)
    if case is not None:
        t = case.per_query[KNN_TARGET_K]
        ratio = paired_ratio(t[VENUE_INDEX], t[KDTREE])
        note = (
            ""
            if case.venues >= KNN_TARGET_VENUES
            else f"measured at {case.venues:,} venues only (quick run)"
        )
        found.append(
            Target(
                f"`VenueIndex.nearest` (k={KNN_TARGET_K}) within {KNN_TARGET_RATIO:g}× of "
                f"`cKDTree.query` at {KNN_TARGET_VENUES:,} venues",
                f"{_ratio(ratio)} ({fmt_us(t[VENUE_INDEX].median)} vs {fmt_us(t[KDTREE].median)})",
                ratio <= KNN_TARGET_RATIO,
                note,
            )
        )
    for g in results.gazetteers:
        found.append(
            Target(
                f"Postcode lookup (`Gazetteer.find`) under {fmt_us(LOOKUP_TARGET_S)} median, "
                f"{g.label}",
                fmt_us(g.find.median),
                g.find.median < LOOKUP_TARGET_S,
            )
        )
    if results.pages is not None:
        p = results.pages
        found.append(
            Target(
                f"Results page with all assets except tiles, compressed, at most "
                f"{PAGE_BYTES_TARGET // 1000} KB",
                f"{p.total_compressed / 1000:.1f} KB",
                p.total_compressed <= PAGE_BYTES_TARGET,
            )
        )
        found.append(
            Target(
                f"Results page with {PAGE_PLACES} places rendered in under "
                f"{PAGE_RENDER_TARGET_S * 1000:g} ms median",
                f"{p.render.median * 1000:.1f} ms",
                p.render.median < PAGE_RENDER_TARGET_S,
            )
        )
    if results.coverage is not None:
        c = results.coverage
        found.append(
            Target(
                f"Coverage of every live postcode ({c.postcodes:,}) in under "
                f"{COVERAGE_TARGET_S:g} s median",
                fmt_s(c.whole.median),
                c.whole.median < COVERAGE_TARGET_S,
            )
        )
    return found


def coverage_section(results: Results) -> str:
    c = results.coverage
    if c is None:
        return ""
    whole = c.whole.median
    rows = [
        [name, fmt_s(t.median), _pct(t.median, whole) if t is not c.whole else "", _spread(t)]
        for name, t in c.timings.items()
    ]
    return (
        "## 4. Coverage of every postcode\n\n"
        "`geodata.reports.build_coverage` on the shared data, as `safeplaces report coverage` "
        f"runs it: {c.postcodes:,} live postcodes in the service area, the nearest Safe Place "
        f"and police enquiry office of every one among the {c.places} active places (one "
        "`VenueIndex.nearest_distances` batch query per kind, geodesic metres), the tables by "
        f"local authority and postcode district, and the greedy ranking of {c.candidates} "
        f"candidates ({c.picks} picks). Loading the data files and the place database "
        "(`load_datasets`, done once) is not included. The parts are timed alone; median of "
        f"{len(c.whole.samples)} repeats, taking turns.\n\n"
        + table(["Step", "Median", "Share of the whole", "Noise"], rows)
        + f"\n\n{c.within_800m_pct:.1f}% of the postcodes are within 800 m of a Safe Place. "
        "Candidates: NHS England ODS GP practices and pharmacies, licensed under the Open "
        "Government Licence v3.0.\n"
    )


def pages_section(results: Results) -> str:
    p = results.pages
    if p is None:
        return ""
    rows = [[url, f"{c / 1000:.1f} KB", f"{u / 1000:.1f} KB"] for url, c, u in p.transfer]
    rows.append(["**total**", f"**{p.total_compressed / 1000:.1f} KB**", ""])
    return (
        "## 3. The results page\n\n"
        "`/find?q=DE4 3AG&k=10` on the real data ({p.places} places listed, the police "
        "office included), fetched in-process with `Accept-Encoding: gzip`, with every "
        "script, stylesheet and icon it links to. Map tiles come from the tile server and "
        "are not counted.\n\n"
        + table(["URL", "Compressed", "Uncompressed"], rows, left=1)
        + f"\n\nServer time per page (request in, HTML out, in-process): median "
        f"{p.render.median * 1000:.1f} ms over {len(p.render.samples)} requests "
        f"(spread ±{p.render.spread * 50:.0f}%).\n"
    )


def targets_table(results: Results) -> str:
    return table(
        ["Target", "Measured", "Met?", "Note"],
        [[t.what, t.measured, "met" if t.met else "**NOT MET**", t.note] for t in targets(results)],
        left=4,
    )


def findings(results: Results) -> list[str]:
    notes: list[str] = []
    case = _target_case(results)
    if case is not None:
        t = case.per_query[KNN_TARGET_K]
        kd, vi = t[KDTREE].median, t[VENUE_INDEX].median
        ratio = paired_ratio(t[VENUE_INDEX], t[KDTREE])
        notes.append(
            f"At {case.venues:,} venues, `VenueIndex.nearest` takes {fmt_us(vi)} per query for "
            f"k={KNN_TARGET_K}, against {fmt_us(kd)} for a bare `cKDTree.query` on the same "
            f"grid points: {_ratio(ratio)}, so the {KNN_TARGET_RATIO:g}× target is "
            + ("met." if ratio <= KNN_TARGET_RATIO else "**not met**.")
        )
        if 1 in case.per_query:
            t1 = case.per_query[1]
            notes.append(
                f"For k=1 the ratio is {_ratio(paired_ratio(t1[VENUE_INDEX], t1[KDTREE]))} "
                f"({fmt_us(t1[VENUE_INDEX].median)} vs {fmt_us(t1[KDTREE].median)})."
            )
    p = results.profile
    if p is not None and case is not None:
        kd = case.per_query[KNN_TARGET_K][KDTREE].median
        whole = p.parts.get(WHOLE, 0.0)
        fixed = sum(s for name, s in p.parts.items() if name != WHOLE)
        notes.append(
            "Work every answer needs, whichever index finds the venues: projecting the query "
            f"point, geodesic distances to the {p.k} results and building the `VenueMatch` objects "
            f"cost {fmt_us(fixed)} timed alone ({_pct(fixed, whole)} of the call, "
            f"{_ratio(fixed / kd)} a whole cKDTree query). That leaves "
            f"{fmt_us(max(0.0, KNN_TARGET_RATIO * kd - fixed))} for the search itself if "
            f"the {KNN_TARGET_RATIO:g}× target is to be met; the search and ranking now take "
            f"about {fmt_us(max(0.0, whole - fixed))}."
        )
        ours = sorted(
            (r for r in p.rows if "locator/" in r.function and "nearest" not in r.function),
            key=lambda r: r.cumulative_s,
            reverse=True,
        )
        if ours:
            shares = ", ".join(
                f"`{r.function.split(' ')[0]}` {_pct(r.cumulative_s, p.total_s)}" for r in ours[:4]
            )
            notes.append(
                f"cProfile's cumulative shares of a `nearest` call inside the project: {shares} "
                "(nested: `geodesic_m` runs inside `_matches`)."
            )
        own = sorted(p.rows, key=lambda r: r.own_s, reverse=True)[:3]
        notes.append(
            "The largest own-time entries are "
            + ", ".join(f"`{r.function}` ({_pct(r.own_s, p.total_s)})" for r in own)
            + ": mostly the fixed per-call overhead of small numpy, shapely and pyproj calls "
            "rather than arithmetic."
        )
    small = min(results.knn, key=lambda r: r.venues) if results.knn else None
    if small is not None and KNN_TARGET_K in small.per_query and case is not None:
        ts, tl = small.per_query[KNN_TARGET_K], case.per_query[KNN_TARGET_K]
        notes.append(
            f"With the {small.venues} real venues, numpy brute force is the fastest "
            f"({fmt_us(ts[BRUTE].median)} vs {fmt_us(ts[KDTREE].median)} for cKDTree and "
            f"{fmt_us(ts[VENUE_INDEX].median)} for VenueIndex); at {case.venues:,} venues it "
            f"takes {fmt_us(tl[BRUTE].median)}, "
            f"{_ratio(paired_ratio(tl[BRUTE], tl[KDTREE]))} cKDTree."
        )
    if case is not None:
        b = case.build
        notes.append(
            f"Building the index for {case.venues:,} venues from `Venue` objects takes "
            f"{fmt_s(b[VENUE_INDEX].median)} for VenueIndex, {fmt_s(b[KDTREE].median)} for "
            f"cKDTree and {fmt_s(b[BRUTE].median)} for the brute-force arrays (all three "
            "include reading the coordinates off the objects and projecting them)."
        )
    if results.knn:
        worst = max(r.max_scale_error for r in results.knn)
        ties = sum(r.ties for r in results.knn)
        if results.mismatches:
            notes.append(
                f"**{results.mismatches} queries got a different set of nearest venues from "
                "different methods**: see the correctness table."
            )
        else:
            notes.append(
                "All three methods found the same nearest venues for every query"
                + (f" ({ties} differed only in breaking an exact distance tie)" if ties else "")
                + f". Geodesic and grid distances of the results differ by at most "
                f"{100 * worst:.3f}% (the National Grid's scale error)."
            )
    if len(results.gazetteers) >= 2:
        small_g = min(results.gazetteers, key=lambda g: g.postcodes)
        big_g = max(results.gazetteers, key=lambda g: g.postcodes)
        notes.append(
            f"`Gazetteer.find` takes {fmt_us(small_g.find.median)} on {small_g.postcodes:,} "
            f"postcodes and {fmt_us(big_g.find.median)} on {big_g.postcodes:,}: a binary search, "
            f"so {big_g.postcodes / small_g.postcodes:.0f}× the data costs only a few more "
            "comparisons."
        )
    if results.parse and results.gazetteers:
        g = results.gazetteers[0]
        parse = results.parse[0].timing.median
        notes.append(
            f"`parse_postcode` costs {fmt_us(parse)} per call ({_ratio(parse / g.find.median)} "
            f"a {g.label} lookup); parsing plus lookup takes {fmt_us(g.parse_and_find.median)}, "
            "still well within a web request's budget."
        )
    for g in results.gazetteers:
        if g.postcodes == max(x.postcodes for x in results.gazetteers):
            notes.append(
                f"Loading {g.postcodes:,} postcodes: {fmt_s(g.load_source.median)} from "
                f"{g.source}, {fmt_s(g.load_cache.median)} from the numpy cache "
                f"({_ratio(g.load_source.median / g.load_cache.median)} faster)."
            )
    return notes


# -- the document -------------------------------------------------------------------------------


def knn_section(results: Results) -> str:
    c = results.config
    text = (
        "## 1. k-nearest venues\n\n"
        f"{knn_datasets(results.knn)}\n\n"
        f"### Index build (median of {c.build_repeats}, from a list of `Venue` objects)\n\n"
        f"{knn_build(results.knn)}\n\n"
        f"### Time per query (median of {c.repeats} repeats of every query point)\n\n"
        f"{knn_queries(results.knn)}\n\n"
        "Ratios are medians of the per-repeat ratios (the methods take turns within each "
        "repeat). Noise is half the spread (max − min) of the repeats, relative to the median.\n\n"
        "### Same answers?\n\n"
        "Each method's k venues are compared, as a set, with brute force's for every query; "
        "sets that differ only by which of several venues at exactly the k-th distance was "
        "kept count as the same.\n\n"
        f"{knn_correctness(results.knn)}\n"
    )
    if results.profile is not None:
        p = results.profile
        text += (
            f"\n### Where `VenueIndex.nearest` spends its time ({p.label}, k={p.k})\n\n"
            f"{profile_tables(p)}\n"
        )
    return text


def postcode_section(results: Results) -> str:
    c = results.config
    return (
        "## 2. Postcode lookup\n\n"
        f"Loading: each load from source goes into a new, empty temporary cache directory "
        f"(median of {c.load_repeats}); loads from the cache reuse the last one "
        f"(median of {max(3, c.load_repeats)}).\n\n"
        f"{gazetteer_loading(results.gazetteers)}\n\n"
        f"Lookups: {c.lookups:,} distinct real postcodes drawn at random from each gazetteer, "
        f"parsed beforehand; median of {c.lookup_repeats} repeats.\n\n"
        f"{gazetteer_lookups(results.gazetteers)}\n\n"
        f"{parse_table(results.parse)}\n"
    )


def method_notes(results: Results) -> str:
    c = results.config
    return "\n".join(
        [
            "- **k-nearest.** Three ways to find the k venues nearest a point, on the same "
            "points: the active venues projected to British National Grid (EPSG:27700) with "
            "`locator.geo.wgs84_to_bng`, as `VenueIndex` does itself.",
            "  - `VenueIndex.nearest(lon, lat, k)`: the project's index (shapely STRtree). It "
            "takes WGS84 lon/lat as Python floats (as the API does), projects the point, "
            "searches, ranks by grid distance and returns `VenueMatch` objects with geodesic "
            "distances and walking times. It does more per call than the other two: "
            "that is the point of the comparison.",
            "  - `scipy.spatial.cKDTree.query(point, k)`: handed the query already projected.",
            "  - numpy brute force: squared grid distance to every venue, `argpartition` for the "
            "k smallest, then those k sorted.",
            f"  - Venue sets: the real venues, and {c.synthetic_venues:,} synthetic venues at "
            "distinct GB postcode centroids drawn at random (fixed seed), each moved by up to "
            f"{c.jitter_m:g} m in a random direction, so they cluster like population does.",
            f"  - Query points: {c.queries:,} random postcode centroids (fixed seed) from the "
            "same area: Derbyshire and Derby postcodes for the real venues, GB postcodes for "
            "the synthetic ones.",
            "  - Time per query = total time of a loop over every query point ÷ the number of "
            f"points; the median of {c.repeats} repeats is reported. The three methods take "
            "turns in each repeat (the machine is shared and noisy), the garbage collector is "
            "paused while timing, and a first untimed pass (the correctness check) warms up.",
            "  - Build time: from a list of `Venue` objects to something that can be queried, "
            "including reading and projecting the coordinates.",
            "- **Postcode lookup.** `Gazetteer.find(parse_postcode(text))`, with parsing timed "
            "separately, on the Derbyshire gazetteer (CSV) and all of Great Britain (Parquet).",
            f"- Seed {c.seed}. Run time of this report: {results.seconds:.0f} s.",
        ]
    )


def document(results: Results) -> str:
    c = results.config
    machine = table(["", ""], [[k, v] for k, v in results.machine.items()], left=2)
    warning = (
        "\n> **Quick run** (`--quick`): fewer repeats and smaller sizes. Not for comparison.\n"
        if c.quick
        else ""
    )
    finding_lines = "\n".join(f"- {n}" for n in findings(results))
    return (
        "# Benchmarks\n\n"
        "Generated by `python -m bench` (`make bench`); rerun it rather than editing this "
        "file. How fast the locator finds the nearest venues and looks up postcodes, "
        "compared with standard alternatives on the same machine in the same run.\n"
        f"{warning}\n"
        "## How it is measured\n\n"
        f"{method_notes(results)}\n\n"
        "Machine (shared with other work: absolute times vary from run to run; ratios "
        "measured in the same run are steadier):\n\n"
        f"{machine}\n\n"
        "## Targets\n\n"
        f"{targets_table(results)}\n\n"
        f"{knn_section(results)}\n"
        f"{postcode_section(results)}\n"
        f"{pages_section(results)}\n"
        f"{coverage_section(results)}\n"
        "## Findings\n\n"
        f"{finding_lines}\n\n"
        "Data: Code-Point Open postcodes and library venues from `../shared/data` (see its "
        "README). Contains OS data © Crown copyright and database right 2025. Contains Royal "
        "Mail data © Royal Mail copyright and database right 2025. Contains National "
        "Statistics data © Crown copyright and database right 2025.\n"
    )
