"""Markdown for the results: tables for stdout and the whole of docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.coverage import CoverageResult
from bench.knn import (
    BATCH_METHODS,
    BUILD_METHODS,
    BUILT,
    KDTREE,
    POSTGIS,
    SINGLE_METHODS,
    SJOIN,
    VENUE_INDEX,
    WHOLE,
    KnnResult,
    Profile,
)
from bench.load import CEILING, HttpResult
from bench.national import NationalResult
from bench.pages import PagesResult
from bench.postcodes import GazetteerResult, ParseResult
from bench.timing import Timing, fmt_s, fmt_us, paired_ratio

KNN_TARGET_RATIO = 1.5  # VenueIndex.nearest ÷ cKDTree.query, k = 5, at most
KNN_TARGET_SIZES = (10_000, 1_000_000)
KNN_TARGET_K = 5
POSTGIS_TARGET_FACTOR = 10.0  # PostGIS KNN ÷ VenueIndex.nearest, at least
HTTP_RATIO_TARGET = 0.60  # of the ceiling's requests/s, at least
HTTP_P99_TARGET_S = 0.025
NATIONAL_READY_TARGET_S = 5.0
NATIONAL_MEMORY_TARGET = 250_000_000
LOOKUP_TARGET_S = 5e-6
PAGE_BYTES_TARGET = 300_000
PAGE_RENDER_TARGET_S = 0.030
PAGE_PLACES = 10
STARTUP_TARGET_S = 2.0
COVERAGE_TARGET_S = 5.0


@dataclass(frozen=True, slots=True)
class Config:
    quick: bool
    synthetic_sizes: tuple[int, ...]
    queries: int
    batch_queries: int
    repeats: int
    big_repeats: int  # for the largest venue set
    build_repeats: int
    lookups: int
    lookup_repeats: int
    load_repeats: int
    ks: tuple[int, ...]
    jitter_m: float
    seed: int
    page_repeats: int
    http_workers: tuple[int, ...]
    http_connections: int
    http_seconds: float
    http_warmup: float
    http_rounds: int
    http_postcodes: int
    http_many: int
    startup_repeats: int
    national_places: int
    national_starts: int


@dataclass
class Results:
    config: Config
    machine: dict[str, str]
    knn: list[KnnResult] = field(default_factory=list)
    postgis: str = ""  # the server's version, or why PostGIS was not measured
    postgis_ok: bool = False
    profile: Profile | None = None
    gazetteers: list[GazetteerResult] = field(default_factory=list)
    parse: list[ParseResult] = field(default_factory=list)
    pages: PagesResult | None = None
    coverage: CoverageResult | None = None
    http: HttpResult | None = None
    national: NationalResult | None = None
    seconds: float = 0.0

    @property
    def mismatches(self) -> int:
        return sum(len(r.mismatches) for r in self.knn)

    @property
    def lookup_misses(self) -> int:
        return sum(g.misses for g in self.gazetteers)

    @property
    def failed_requests(self) -> int:
        return sum(r.failed for r in self.http.runs) if self.http else 0


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


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


# -- k-nearest ----------------------------------------------------------------------------------


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
                    f"{fmt_s(r.build[m].median)}, {_mb(r.memory[m])}"
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
                    cell += f" ({_ratio(paired_ratio(t[m], t[KDTREE]))})"
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


# -- pages and coverage -------------------------------------------------------------------------


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
        "## 6. Coverage of every postcode\n\n"
        "`reports.coverage.build_coverage` on the shared data, as `safeplaces report coverage` "
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
        "## 4. The results page\n\n"
        f"`/find?q=DE4 3AG&k=10` on the real data ({p.places} places listed, the police "
        "office included), fetched in-process with `Accept-Encoding: gzip`, with every "
        "script, stylesheet and icon it links to. Map tiles come from the tile server and "
        "are not counted.\n\n"
        + table(["URL", "Compressed", "Uncompressed"], rows, left=1)
        + f"\n\nServer time per page (request in, HTML out, in-process): median "
        f"{p.render.median * 1000:.1f} ms over {len(p.render.samples)} requests "
        f"(spread ±{p.render.spread * 50:.0f}%).\n"
    )


# -- HTTP ---------------------------------------------------------------------------------------


def http_table(h: HttpResult) -> str:
    rows = []
    workers = sorted({r.workers for r in h.runs})
    for n in workers:
        for e in h.endpoints:
            run = h.median(e.key, n)
            if run is None:
                continue
            rows.append(
                [
                    e.label,
                    str(n),
                    f"{run.per_s:,.0f}",
                    _ms(run.p50_s),
                    _ms(run.p99_s),
                    "1.00×" if e.key == CEILING else _ratio(h.ratio(e.key, n)),
                    str(sum(r.failed for r in h.runs if r.endpoint == e.key and r.workers == n)),
                    e.note,
                ]
            )
    return table(
        ["Endpoint", "Workers", "Requests/s", "p50", "p99", "÷ ceiling", "Failed", "Note"],
        rows,
    )


def http_section(results: Results) -> str:
    h = results.http
    if h is None:
        return ""
    startup = (
        f"\n\nStart-up of `safeplaces serve` on the Derbyshire data, 1 worker, from starting "
        f"the process to the first 200 from `/readyz`: {h.first_start_s:.2f} s the first "
        f"time (a new database, seeded from the open data; the postcode cache written), then "
        f"median {h.startup.median:.2f} s over {len(h.startup.samples)} starts on that "
        "database (the normal case)."
        if h.startup
        else ""
    )
    return (
        "## 2. HTTP load\n\n"
        f"`safeplaces serve --workers N` as its own process on 127.0.0.1, on a new SQLite "
        f"database seeded from the shared data; the load generator ({h.tool}) in another "
        f"process with {h.connections} keep-alive connections, each sending its next request "
        f"when the last answer is in, for {h.duration_s:g} s after {results.config.http_warmup:g} "
        f"s of warm-up, {h.rounds} round(s) taking turns over the endpoints (the median round "
        "is shown). Postcodes are drawn at random from the live Derbyshire and Derby postcodes "
        "in the shared data. Server and load generator share the machine's 2 cores. With 2 "
        "workers each has its own listening socket on the port (SO_REUSEPORT: the kernel "
        "shares the connections out between them; api/workers.py). "
        "\"÷ ceiling\" is the endpoint's requests/s over the constant-JSON endpoint's in the "
        "same round, same server, same worker count."
        + (f" {h.tool_note}" if h.tool_note else "")
        + f"\n\n{http_table(h)}{startup}\n"
    )


# -- national scale -----------------------------------------------------------------------------


def national_section(results: Results) -> str:
    n = results.national
    if n is None:
        return ""
    rows = [
        ["Process start to ready (median)", fmt_s(n.ready.median), _spread(n.ready)],
        *[[f"… of which {k} (child's clock)", fmt_s(v), ""] for k, v in n.parts.items()],
        ["Resident memory at ready", _mb(n.rss_bytes), ""],
        ["… the same process, app imported, no data", _mb(n.baseline_bytes), ""],
        ["… gazetteer and places (the difference)", _mb(n.rss_bytes - n.baseline_bytes), ""],
        ["Peak resident memory up to ready", _mb(n.peak_bytes), ""],
        ["`Gazetteer.find`, per lookup", fmt_us(n.lookup.median), _spread(n.lookup)],
        ["`resolver.postcode` (parse, find, origin)", fmt_us(n.resolve.median), _spread(n.resolve)],
        ["`VenueIndex.nearest`, k = 5", fmt_us(n.nearest_index.median), _spread(n.nearest_index)],
        [
            "`Locator.nearest` (5 Safe Places + the police office)",
            fmt_us(n.nearest.median),
            _spread(n.nearest),
        ],
    ]
    return (
        "## 3. National scale\n\n"
        f"The service's start-up (the app's lifespan: gazetteer, place names, area, place "
        f"database, locator, resolver) in a fresh process with every GB postcode "
        f"({n.postcodes:,}, `postcodes_uk.parquet`, read through its cache) as the gazetteer "
        f"and {n.places:,} synthetic places across Great Britain in its database; "
        f"{len(n.ready.samples)} starts. Lookups: random GB postcodes; nearest: random GB "
        "postcode centroids; medians over 7 repeats in each start.\n\n"
        + table(["", "Measured", "Noise"], rows)
        + "\n"
    )


# -- targets and findings -----------------------------------------------------------------------


def _case(results: Results, venues: int) -> KnnResult | None:
    found = [r for r in results.knn if r.venues == venues]
    return found[0] if found else None


def targets(results: Results) -> list[Target]:
    found: list[Target] = []
    quick = results.config.quick
    for size in KNN_TARGET_SIZES:
        case = _case(results, size)
        if case is None or KNN_TARGET_K not in case.single:
            found.append(
                Target(
                    f"Locator single query, k={KNN_TARGET_K}, at most {KNN_TARGET_RATIO:g}× "
                    f"cKDTree's time, {size:,} venues",
                    "not measured",
                    False,
                    "quick run" if quick else "",
                )
            )
            continue
        t = case.single[KNN_TARGET_K]
        ratio = paired_ratio(t[VENUE_INDEX], t[KDTREE])
        found.append(
            Target(
                f"Locator single query, k={KNN_TARGET_K}, at most {KNN_TARGET_RATIO:g}× "
                f"cKDTree's time, {size:,} venues",
                f"{_ratio(ratio)} ({fmt_us(t[VENUE_INDEX].median)} vs {fmt_us(t[KDTREE].median)})",
                ratio <= KNN_TARGET_RATIO,
            )
        )
        if POSTGIS in t:
            factor = paired_ratio(t[POSTGIS], t[VENUE_INDEX])
            found.append(
                Target(
                    f"Locator single query, k={KNN_TARGET_K}, at least "
                    f"{POSTGIS_TARGET_FACTOR:g}× faster than PostGIS KNN, {size:,} venues",
                    f"{factor:.1f}× ({fmt_us(t[VENUE_INDEX].median)} vs "
                    f"{fmt_us(t[POSTGIS].median)})",
                    factor >= POSTGIS_TARGET_FACTOR,
                    "" if factor >= POSTGIS_TARGET_FACTOR else _postgis_gap(results),
                )
            )
        else:
            found.append(
                Target(
                    f"Locator at least {POSTGIS_TARGET_FACTOR:g}× faster than PostGIS KNN, "
                    f"{size:,} venues",
                    "not measured",
                    False,
                    f"PostGIS not available: {results.postgis}",
                )
            )
    big = max(results.knn, key=lambda r: r.venues) if results.knn else None
    if big is not None and KNN_TARGET_K in big.batch:
        t = big.batch[KNN_TARGET_K]
        found.append(
            Target(
                "Batch queries vectorised (no Python loop per query)",
                f"`VenueIndex.nearest_batch`: {fmt_us(t[VENUE_INDEX].median)} a point in a "
                f"batch of {big.batch_queries:,} ({big.venues:,} venues, k={KNN_TARGET_K}), "
                f"vs {fmt_us(big.single[KNN_TARGET_K][VENUE_INDEX].median)} one at a time",
                True,
                "a few STRtree rounds for all points, one geodesic call",
            )
        )
    h = results.http
    if h is not None:
        for n in sorted({r.workers for r in h.runs}):
            run = h.median("nearest", n)
            if run is None:
                continue
            ratio = h.ratio("nearest", n)
            found.append(
                Target(
                    f"`/api/v1/places/nearest` by postcode at least "
                    f"{100 * HTTP_RATIO_TARGET:.0f}% of the ceiling's requests/s, {n} worker"
                    + ("s" if n > 1 else ""),
                    f"{100 * ratio:.0f}% ({run.per_s:,.0f} req/s)",
                    ratio >= HTTP_RATIO_TARGET,
                    "the ceiling is held down too: see the p99 below" if _nodelay(h, n) else "",
                )
            )
            found.append(
                Target(
                    f"`/api/v1/places/nearest` p99 under {HTTP_P99_TARGET_S * 1e3:g} ms at "
                    f"{h.connections} connections, {n} worker" + ("s" if n > 1 else ""),
                    _ms(run.p99_s),
                    run.p99_s < HTTP_P99_TARGET_S,
                    _nodelay(h, n),
                )
            )
    nat = results.national
    if nat is not None:
        found.append(
            Target(
                f"National gazetteer ({nat.postcodes:,} postcodes) and {nat.places:,} places: "
                f"ready in under {NATIONAL_READY_TARGET_S:g} s from the cached form",
                fmt_s(nat.ready.median),
                nat.ready.median < NATIONAL_READY_TARGET_S,
            )
        )
        held = nat.rss_bytes - nat.baseline_bytes
        found.append(
            Target(
                f"National: under {NATIONAL_MEMORY_TARGET / 1e6:g} MB resident for the gazetteer "
                f"plus {nat.places:,} places",
                f"{_mb(held)} (process {_mb(nat.rss_bytes)})",
                held < NATIONAL_MEMORY_TARGET,
                f"the process with the app imported and no data holds {_mb(nat.baseline_bytes)}",
            )
        )
        found.append(
            Target(
                f"National: postcode lookup under {fmt_us(LOOKUP_TARGET_S)}",
                fmt_us(nat.lookup.median),
                nat.lookup.median < LOOKUP_TARGET_S,
            )
        )
    for g in results.gazetteers:
        found.append(
            Target(
                f"Postcode lookup (`Gazetteer.find`) under {fmt_us(LOOKUP_TARGET_S)}, {g.label}",
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
                _ms(p.render.median),
                p.render.median < PAGE_RENDER_TARGET_S,
            )
        )
    if h is not None and h.startup is not None:
        found.append(
            Target(
                f"Start-up of the service on the Derbyshire data: ready in under "
                f"{STARTUP_TARGET_S:g} s",
                fmt_s(h.startup.median),
                h.startup.median < STARTUP_TARGET_S,
                f"first start on a new database: {fmt_s(h.first_start_s)}",
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


def _postgis_gap(results: Results) -> str:
    """Why PostGIS is not 10× slower: what a query costs it before any searching."""
    small = min(results.knn, key=lambda r: r.venues)
    t = small.single.get(KNN_TARGET_K, {})
    floor = f"{fmt_us(t[POSTGIS].median)} over {small.venues} venues; " if POSTGIS in t else ""
    fixed = ""
    p = results.profile
    if p is not None:
        whole = p.parts.get(WHOLE, 0.0)
        spent = sum(s for name, s in p.parts.items() if name != WHOLE)
        fixed = (
            f" Of the locator's time, {_pct(spent, whole)} is the projection, geodesic "
            "distances and result objects that PostGIS's answer (ids) leaves out."
        )
    return (
        "Cause: a PostGIS query from Python is a round trip (psycopg, loopback, the server) "
        f"that costs about as much with 60 venues as with a million ({floor}a prepared "
        "statement)." + fixed
    )


def _nodelay(h: HttpResult, workers: int) -> str:
    """The cause, when every endpoint of a multi-worker server waits out a delayed ACK."""
    ceiling, single = h.median(CEILING, workers), h.median(CEILING, 1)
    if workers == 1 or ceiling is None or single is None or ceiling.p50_s < 0.03:
        return ""
    return (
        f"Cause: with {workers} workers even the constant endpoint waits (p50 "
        f"{_ms(ceiling.p50_s)}, {_ms(single.p50_s)} with 1): `uvicorn --workers N` binds the "
        "socket without IPPROTO_TCP, so asyncio leaves TCP_NODELAY off and each keep-alive "
        "answer waits about 40 ms for the client's delayed ACK (Kludex/uvicorn#3149). The fix "
        "belongs in `safeplaces serve` (api/cli.py): pass uvicorn a socket made with "
        "IPPROTO_TCP. The share of the ceiling is then set by that wait, not by the app."
    )


def targets_table(results: Results) -> str:
    return table(
        ["Target", "Measured", "Met?", "Note"],
        [[t.what, t.measured, "met" if t.met else "**NOT MET**", t.note] for t in targets(results)],
        left=4,
    )


def findings(results: Results) -> list[str]:
    notes: list[str] = []
    for size in KNN_TARGET_SIZES:
        case = _case(results, size)
        if case is None or KNN_TARGET_K not in case.single:
            continue
        t = case.single[KNN_TARGET_K]
        line = (
            f"At {size:,} venues, `VenueIndex.nearest` (k={KNN_TARGET_K}) takes "
            f"{fmt_us(t[VENUE_INDEX].median)}, a bare `cKDTree.query` on grid points "
            f"{fmt_us(t[KDTREE].median)} ({_ratio(paired_ratio(t[VENUE_INDEX], t[KDTREE]))})"
        )
        if POSTGIS in t:
            line += (
                f"; PostGIS KNN over loopback {fmt_us(t[POSTGIS].median)} "
                f"({paired_ratio(t[POSTGIS], t[VENUE_INDEX]):.0f}× the locator's time)"
            )
        notes.append(line + ".")
    p = results.profile
    if p is not None:
        whole = p.parts.get(WHOLE, 0.0)
        fixed = sum(s for name, s in p.parts.items() if name != WHOLE)
        notes.append(
            "Work every answer needs, whichever index finds the venues: projecting the query "
            f"point, geodesic distances to the {p.k} results and building the `VenueMatch` "
            f"objects cost {fmt_us(fixed)} timed alone ({_pct(fixed, whole)} of a "
            f"{fmt_us(whole)} call): the search itself is the rest."
        )
    notes.extend(knn_fewer(results.knn))
    if results.knn:
        worst = max(r.max_scale_error for r in results.knn)
        wrong = results.mismatches
        near = sum(c.near_ties for r in results.knn for c in r.checks)
        ties = sum(c.ties for r in results.knn for c in r.checks)
        if wrong:
            notes.append(f"**{wrong} answers differ between methods**: see 'Same places?'.")
        else:
            notes.append(
                "Every method found the same places for every point"
                + (f" ({ties} differed only in breaking an exact distance tie" if ties else "")
                + (
                    f"{'; ' if ties else ' ('}{near} only where the sphere (BallTree's "
                    "haversine) and the grid rank a near tie differently)"
                    if near
                    else (")" if ties else "")
                )
                + f". Geodesic and grid distances of the results differ by at most "
                f"{100 * worst:.3f}% (the National Grid's scale error)."
            )
    h = results.http
    if h is not None:
        for n in sorted({r.workers for r in h.runs}):
            hit, many, ceiling = (
                h.median("nearest", n),
                h.median("nearest-many", n),
                h.median(CEILING, n),
            )
            if hit and many and ceiling:
                notes.append(
                    f"{n} worker{'s' if n > 1 else ''}: the ceiling answers "
                    f"{ceiling.per_s:,.0f} req/s; repeated postcode searches "
                    f"{hit.per_s:,.0f} ({_ratio(h.ratio('nearest', n))}), searches mostly new "
                    f"to the cache {many.per_s:,.0f} ({_ratio(h.ratio('nearest-many', n))})."
                )
    if results.postgis and not results.postgis_ok:
        notes.append(f"PostGIS was not measured: {results.postgis}")
    return notes


# -- the document -------------------------------------------------------------------------------


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


def postcode_section(results: Results) -> str:
    c = results.config
    return (
        "## 5. Postcode lookup\n\n"
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
    sizes = ", ".join(f"{n:,}" for n in c.synthetic_sizes)
    return "\n".join(
        [
            "- Every figure is a median over repeats, and every comparison a ratio measured in "
            "the same run, the methods taking turns (the machine is shared and noisy: absolute "
            "times vary from run to run, ratios less). The garbage collector is paused while "
            "timing; a first untimed pass (the correctness check) warms up.",
            "- **k-nearest.** The real venues, and synthetic venues "
            f"({sizes}) at distinct GB postcode centroids drawn at random (fixed seed), each "
            f"moved by up to {c.jitter_m:g} m in a random direction, so they cluster like "
            f"population does. Query points: {c.queries:,} random postcode centroids one at a "
            f"time, and a batch of {c.batch_queries:,}, from the same area (Derbyshire and "
            "Derby postcodes for the real venues, GB postcodes for the synthetic ones).",
            "  - `VenueIndex.nearest(lon, lat, k)`: the project's index (shapely STRtree on "
            "British National Grid). It takes WGS84 lon/lat as Python floats (as the API does) "
            "and returns `VenueMatch` objects with geodesic distances and walking times: more "
            "work per call than the others, which return indices. That is part of the "
            "comparison.",
            "  - `cKDTree`, brute force and PostGIS are handed the query already projected to "
            "the grid; BallTree radians of latitude and longitude.",
            f"  - PostGIS: {results.postgis or 'not measured'}; its own server on 127.0.0.1, "
            "queried from Python with psycopg (a prepared statement per query).",
            "- **HTTP load**, **national scale**, **the results page**, **postcode lookup** and "
            "**coverage**: see each section.",
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
        "file. How fast the service finds places, answers over HTTP, starts and holds the "
        "national data, compared with what one would pick instead, on the same machine in "
        "the same run.\n"
        f"{warning}\n"
        "## Targets\n\n"
        f"{targets_table(results)}\n\n"
        "## Findings\n\n"
        f"{finding_lines}\n\n"
        "## How it is measured\n\n"
        f"{method_notes(results)}\n\n"
        "Machine (shared with other work):\n\n"
        f"{machine}\n\n"
        f"{knn_section(results)}\n"
        f"{http_section(results)}\n"
        f"{national_section(results)}\n"
        f"{pages_section(results)}\n"
        f"{postcode_section(results)}\n"
        f"{coverage_section(results)}\n"
        "Data: Code-Point Open postcodes and library venues from `../shared/data` (see its "
        "README). Contains OS data © Crown copyright and database right 2025. Contains Royal "
        "Mail data © Royal Mail copyright and database right 2025. Contains National "
        "Statistics data © Crown copyright and database right 2025.\n"
    )
