"""The findings: what the run's numbers say, in sentences, below the targets."""

from __future__ import annotations

from bench.knn import KnnResult
from bench.knn_report import knn_fewer
from bench.load import HttpResult, pooled_percentile
from bench.markdown import fmt_pct, fmt_ratio
from bench.methods import KDTREE, POSTGIS, VENUE_INDEX
from bench.profiling import WHOLE, Profile
from bench.results import Results
from bench.targets import KNN_TARGET_K, KNN_TARGET_SIZES, knn_case
from bench.timing import Timing, fmt_us, paired_ratio
from bench.workload import (
    CEILING,
    FIND,
    FIND_GZIP,
    GRANIAN_CEILING,
    GRANIAN_UNIQUE,
    HITS,
    PEER_UNIQUE,
    UNIQUE,
    UVLOOP_CEILING,
    UVLOOP_UNIQUE,
)


def findings(results: Results) -> list[str]:
    notes: list[str] = []
    for size in KNN_TARGET_SIZES:
        case = knn_case(results, size)
        if case is not None and KNN_TARGET_K in case.single:
            notes.append(_speed(case, size))
    if results.profile is not None:
        notes.append(_fixed_work(results.profile))
    notes.extend(knn_fewer(results.knn))
    if results.knn:
        notes.append(_agreement(results))
    if results.http is not None:
        notes += http_findings(results.http)
    if results.postgis and not results.postgis_ok:
        notes.append(f"PostGIS was not measured: {results.postgis}")
    return notes


def _speed(case: KnnResult, size: int) -> str:
    t = case.single[KNN_TARGET_K]
    line = (
        f"At {size:,} venues, `VenueIndex.nearest` (k={KNN_TARGET_K}) takes "
        f"{fmt_us(t[VENUE_INDEX].median)}, a bare `cKDTree.query` on grid points "
        f"{fmt_us(t[KDTREE].median)} ({fmt_ratio(paired_ratio(t[VENUE_INDEX], t[KDTREE]))})"
    )
    if POSTGIS in t:
        line += (
            f"; PostGIS KNN over loopback {fmt_us(t[POSTGIS].median)} "
            f"({paired_ratio(t[POSTGIS], t[VENUE_INDEX]):.0f}× the locator's time)"
        )
    return line + "."


def _fixed_work(p: Profile) -> str:
    whole = p.parts.get(WHOLE, 0.0)
    fixed = sum(s for name, s in p.parts.items() if name != WHOLE)
    return (
        "Work every answer needs, whichever index finds the venues: projecting the query "
        f"point, geodesic distances to the {p.k} results and building the `VenueMatch` "
        f"objects cost {fmt_us(fixed)} timed alone ({fmt_pct(fixed, whole)} of a "
        f"{fmt_us(whole)} call): the search itself is the rest."
    )


def _agreement(results: Results) -> str:
    worst = max(r.max_scale_error for r in results.knn)
    wrong = results.mismatches
    near = sum(c.near_ties for r in results.knn for c in r.checks)
    ties = sum(c.ties for r in results.knn for c in r.checks)
    if wrong:
        return f"**{wrong} answers differ between methods**: see 'Same places?'."
    return (
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


def http_findings(h: HttpResult) -> list[str]:
    unique, ceiling, peer, hits = (h.rate(k, 1) for k in (UNIQUE, CEILING, PEER_UNIQUE, HITS))
    if unique is None or ceiling is None:
        return []
    line = (
        f"Every request a new postcode, 1 worker: {unique.median:,.0f} req/s, "
        f"{fmt_ratio(_median(h.ratio(UNIQUE, CEILING, 1)))} of `/api/v1/ping` "
        f"({ceiling.median:,.0f} req/s)"
    )
    if peer is not None:
        line += (
            f" and {fmt_ratio(_median(h.ratio(UNIQUE, PEER_UNIQUE, 1)))} of the minimal peer "
            f"({peer.median:,.0f} req/s)"
        )
    p99 = _p99(h, UNIQUE)
    line += f"; p99 {p99 * 1e3:.1f} ms at {h.connections} connections." if p99 else "."
    if hits is not None:
        line += (
            f" Cache hits (one postcode again and again): {hits.median:,.0f} req/s "
            f"({fmt_ratio(_median(h.ratio(HITS, CEILING, 1)))} of ping)."
        )
    return [line, *_find_findings(h), *_granian_findings(h), *_uvloop_findings(h)]


def _find_findings(h: HttpResult) -> list[str]:
    """The results page as a browser asks for it (compressed), against the same page sent
    as it is (the target's row: a load generator asks for no encoding)."""
    gzip, plain = h.rate(FIND_GZIP, 1), h.rate(FIND, 1)
    if gzip is None or plain is None:
        return []
    return [
        f"`/find` as a browser asks for it (`Accept-Encoding: gzip`), every request a new "
        f"postcode: {gzip.median:,.0f} req/s, {fmt_ratio(_median(h.ratio(FIND_GZIP, FIND, 1)))} "
        f"of the page sent uncompressed ({plain.median:,.0f} req/s) and "
        f"{fmt_ratio(_median(h.ratio(FIND_GZIP, UNIQUE, 1)))} of the JSON searches."
    ]


def _granian_findings(h: HttpResult) -> list[str]:
    """The same app under granian, against uvicorn in the same rounds."""
    unique, p99 = h.rate(GRANIAN_UNIQUE, 1), _p99(h, GRANIAN_UNIQUE)
    ours = _p99(h, UNIQUE)
    if unique is None or p99 is None or ours is None:
        return []
    return [
        f"The same app under granian instead of uvicorn, 1 worker: every request a new postcode "
        f"{unique.median:,.0f} req/s ({fmt_ratio(_median(h.ratio(GRANIAN_UNIQUE, UNIQUE, 1)))} "
        f"of uvicorn's), p99 {p99 * 1e3:.1f} ms (uvicorn's {ours * 1e3:.1f} ms); "
        f"`/api/v1/ping` {fmt_ratio(_median(h.ratio(GRANIAN_CEILING, CEILING, 1)))} of "
        "uvicorn's."
    ]


def _uvloop_findings(h: HttpResult) -> list[str]:
    """The service on uvloop, against asyncio's loop (what `safeplaces serve` runs) in the
    same rounds: the requests answered and how long the slowest waited."""
    unique = h.rate(UVLOOP_UNIQUE, 1)
    ratio = _median(h.ratio(UVLOOP_UNIQUE, UNIQUE, 1))
    theirs, ours = h.runs_of(UVLOOP_UNIQUE, 1), h.runs_of(UNIQUE, 1)
    if unique is None or not theirs:
        return []
    tails = []
    for percent, name in ((99, "p99"), (99.75, "p99.75"), (99.9, "p99.9")):
        a, b = pooled_percentile(theirs, percent), pooled_percentile(ours, percent)
        if a is not None and b is not None:
            tails.append(f"{name} {a * 1e3:.1f} ms (asyncio's {b * 1e3:.1f} ms)")
    slowest = max((r.tail[-1][1] for r in theirs if r.tail), default=None)
    own = max((r.tail[-1][1] for r in ours if r.tail), default=None)
    if slowest is not None and own is not None:
        tails.append(f"slowest {slowest * 1e3:.0f} ms (asyncio's {own * 1e3:.0f} ms)")
    ping = _median(h.ratio(UVLOOP_CEILING, CEILING, 1))
    return [
        f"The same service on uvloop instead of asyncio's event loop, 1 worker, every request "
        f"a new postcode: {unique.median:,.0f} req/s ({fmt_ratio(ratio)} of asyncio's)"
        + (f"; {', '.join(tails)}" if tails else "")
        + (f"; `/api/v1/ping` {fmt_ratio(ping)} of asyncio's." if ping is not None else ".")
    ]


def _p99(h: HttpResult, key: str) -> float | None:
    """One worker's p99 over every round's requests together (else the rounds' median)."""
    pooled = h.pooled_p99(key, 1)
    if pooled is not None:
        return pooled
    rounds = h.p99(key, 1)
    return rounds.median if rounds is not None else None


def _median(t: Timing | None) -> float:
    return t.median if t is not None else 0.0
