"""The targets the service is held to, each against what this run measured: the report's
first table, with the cause beside a target that is not met when the run shows it."""

from __future__ import annotations

from dataclasses import dataclass

from bench.coverage import CoverageResult
from bench.knn import KnnResult
from bench.load import CEILING, HttpResult
from bench.markdown import fmt_mb, fmt_ms, fmt_pct, fmt_ratio, table
from bench.methods import KDTREE, POSTGIS, VENUE_INDEX
from bench.national import NationalResult
from bench.pages import PagesResult
from bench.profiling import WHOLE
from bench.results import Results
from bench.timing import fmt_s, fmt_us, paired_ratio

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
class Target:
    what: str
    measured: str
    met: bool
    note: str = ""


def knn_case(results: Results, venues: int) -> KnnResult | None:
    """The k-nearest case over exactly `venues` venues, if the run had one."""
    found = [r for r in results.knn if r.venues == venues]
    return found[0] if found else None


def targets(results: Results) -> list[Target]:
    found: list[Target] = []
    for size in KNN_TARGET_SIZES:
        found += _knn_targets(results, size)
    found += _batch_targets(results)
    if results.http is not None:
        found += _http_targets(results.http)
    if results.national is not None:
        found += _national_targets(results.national)
    for g in results.gazetteers:
        found.append(
            Target(
                f"Postcode lookup (`Gazetteer.find`) under {fmt_us(LOOKUP_TARGET_S)}, {g.label}",
                fmt_us(g.find.median),
                g.find.median < LOOKUP_TARGET_S,
            )
        )
    if results.pages is not None:
        found += _page_targets(results.pages)
    h = results.http
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
        found.append(_coverage_target(results.coverage))
    return found


def _knn_targets(results: Results, size: int) -> list[Target]:
    """One query at a time at `size` venues: against cKDTree, and against PostGIS."""
    what = (
        f"Locator single query, k={KNN_TARGET_K}, at most {KNN_TARGET_RATIO:g}× "
        f"cKDTree's time, {size:,} venues"
    )
    case = knn_case(results, size)
    if case is None or KNN_TARGET_K not in case.single:
        return [Target(what, "not measured", False, "quick run" if results.config.quick else "")]
    t = case.single[KNN_TARGET_K]
    ratio = paired_ratio(t[VENUE_INDEX], t[KDTREE])
    found = [
        Target(
            what,
            f"{fmt_ratio(ratio)} ({fmt_us(t[VENUE_INDEX].median)} vs {fmt_us(t[KDTREE].median)})",
            ratio <= KNN_TARGET_RATIO,
        )
    ]
    if POSTGIS not in t:
        found.append(
            Target(
                f"Locator at least {POSTGIS_TARGET_FACTOR:g}× faster than PostGIS KNN, "
                f"{size:,} venues",
                "not measured",
                False,
                f"PostGIS not available: {results.postgis}",
            )
        )
        return found
    factor = paired_ratio(t[POSTGIS], t[VENUE_INDEX])
    found.append(
        Target(
            f"Locator single query, k={KNN_TARGET_K}, at least "
            f"{POSTGIS_TARGET_FACTOR:g}× faster than PostGIS KNN, {size:,} venues",
            f"{factor:.1f}× ({fmt_us(t[VENUE_INDEX].median)} vs {fmt_us(t[POSTGIS].median)})",
            factor >= POSTGIS_TARGET_FACTOR,
            "" if factor >= POSTGIS_TARGET_FACTOR else _postgis_gap(results),
        )
    )
    return found


def _batch_targets(results: Results) -> list[Target]:
    big = max(results.knn, key=lambda r: r.venues) if results.knn else None
    if big is None or KNN_TARGET_K not in big.batch:
        return []
    t = big.batch[KNN_TARGET_K]
    return [
        Target(
            "Batch queries vectorised (no Python loop per query)",
            f"`VenueIndex.nearest_batch`: {fmt_us(t[VENUE_INDEX].median)} a point in a "
            f"batch of {big.batch_queries:,} ({big.venues:,} venues, k={KNN_TARGET_K}), "
            f"vs {fmt_us(big.single[KNN_TARGET_K][VENUE_INDEX].median)} one at a time",
            True,
            "a few STRtree rounds for all points, one geodesic call",
        )
    ]


def _http_targets(h: HttpResult) -> list[Target]:
    found: list[Target] = []
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
                fmt_ms(run.p99_s),
                run.p99_s < HTTP_P99_TARGET_S,
                _nodelay(h, n),
            )
        )
    return found


def _national_targets(nat: NationalResult) -> list[Target]:
    held = nat.rss_bytes - nat.baseline_bytes
    return [
        Target(
            f"National gazetteer ({nat.postcodes:,} postcodes) and {nat.places:,} places: "
            f"ready in under {NATIONAL_READY_TARGET_S:g} s from the cached form",
            fmt_s(nat.ready.median),
            nat.ready.median < NATIONAL_READY_TARGET_S,
        ),
        Target(
            f"National: under {NATIONAL_MEMORY_TARGET / 1e6:g} MB resident for the gazetteer "
            f"plus {nat.places:,} places",
            f"{fmt_mb(held)} (process {fmt_mb(nat.rss_bytes)})",
            held < NATIONAL_MEMORY_TARGET,
            f"the process with the app imported and no data holds {fmt_mb(nat.baseline_bytes)}",
        ),
        Target(
            f"National: postcode lookup under {fmt_us(LOOKUP_TARGET_S)}",
            fmt_us(nat.lookup.median),
            nat.lookup.median < LOOKUP_TARGET_S,
        ),
    ]


def _page_targets(p: PagesResult) -> list[Target]:
    return [
        Target(
            f"Results page with all assets except tiles, compressed, at most "
            f"{PAGE_BYTES_TARGET // 1000} KB",
            f"{p.total_compressed / 1000:.1f} KB",
            p.total_compressed <= PAGE_BYTES_TARGET,
        ),
        Target(
            f"Results page with {PAGE_PLACES} places rendered in under "
            f"{PAGE_RENDER_TARGET_S * 1000:g} ms median",
            fmt_ms(p.render.median),
            p.render.median < PAGE_RENDER_TARGET_S,
        ),
    ]


def _coverage_target(c: CoverageResult) -> Target:
    return Target(
        f"Coverage of every live postcode ({c.postcodes:,}) in under "
        f"{COVERAGE_TARGET_S:g} s median",
        fmt_s(c.whole.median),
        c.whole.median < COVERAGE_TARGET_S,
    )


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
            f" Of the locator's time, {fmt_pct(spent, whole)} is the projection, geodesic "
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
        f"{fmt_ms(ceiling.p50_s)}, {fmt_ms(single.p50_s)} with 1): `uvicorn --workers N` binds the "
        "socket without IPPROTO_TCP, so asyncio leaves TCP_NODELAY off and each keep-alive "
        "answer waits about 40 ms for the client's delayed ACK (Kludex/uvicorn#3149). The fix "
        "belongs in `safeplaces serve` (api/cli/lookup.py): pass uvicorn a socket made with "
        "IPPROTO_TCP. The share of the ceiling is then set by that wait, not by the app."
    )


def targets_table(results: Results) -> str:
    return table(
        ["Target", "Measured", "Met?", "Note"],
        [[t.what, t.measured, "met" if t.met else "**NOT MET**", t.note] for t in targets(results)],
        left=4,
    )
