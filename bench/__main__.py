"""Run the benchmarks: ``python -m bench [--quick] [--only PART,…] [--rounds N] [--output P]``."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    coverage,
    data,
    http_report,
    knn,
    knn_report,
    load,
    machine,
    national,
    national_table,
    pages,
    postcodes,
    profiling,
    report,
    stall,
    startup,
)
from bench.findings import findings
from bench.postgis import PostgisServer, PostgisUnavailable
from bench.results import Config, Results
from bench.targets import KNN_TARGET_K, targets_table
from bench.timing import fmt_s
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
    Postcodes,
)

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SEED = 20251124


def config(quick: bool, seed: int) -> Config:
    if quick:
        return Config(
            quick=True,
            synthetic_sizes=(10_000,),
            queries=200,
            batch_queries=1_000,
            repeats=3,
            big_repeats=3,
            build_repeats=1,
            lookups=2_000,
            lookup_repeats=3,
            load_repeats=1,
            ks=(5, 1),
            jitter_m=200.0,
            seed=seed,
            page_repeats=10,
            http_workers=(1,),
            http_connections=32,
            http_seconds=2.0,
            http_warmup=1.0,
            http_rounds=1,
            http_sample=50,
            startup_repeats=1,
            stall_import_s=5.0,
            national_places=20_000,
            national_starts=1,
        )
    return Config(
        quick=False,
        synthetic_sizes=(10_000, 1_000_000),
        queries=1_000,
        batch_queries=10_000,
        repeats=15,
        big_repeats=7,
        build_repeats=3,
        lookups=10_000,
        lookup_repeats=15,
        load_repeats=3,
        ks=(5, 1),
        jitter_m=200.0,
        seed=seed,
        page_repeats=100,
        http_workers=(1, 2),
        http_connections=32,
        http_seconds=5.0,
        http_warmup=2.0,
        http_rounds=3,
        http_sample=200,
        startup_repeats=3,
        stall_import_s=15.0,
        national_places=100_000,
        national_starts=3,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the locator against its peers, the service under HTTP load, "
        "national scale, the results page and postcode lookup; write a Markdown report.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats and smaller sizes, for a smoke run; the report is not written "
        "unless --output is given",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the Markdown report (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed for every random sample")
    parser.add_argument(
        "--only",
        type=lambda text: [p.strip() for p in text.split(",") if p.strip()],
        default=None,
        help=f"run only these parts, comma-separated ({', '.join(PARTS)}); the report is "
        "not written unless --output is given",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds of HTTP load (3 by default)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only or ()) - set(PARTS))
    if unknown:
        parser.error(f"no such part: {', '.join(unknown)} (the parts: {', '.join(PARTS)})")
    return args


def section(title: str, body: str) -> None:
    print(f"\n{title}\n\n{body}", flush=True)


def step(started: float, what: str) -> None:
    print(f"[{time.perf_counter() - started:5.0f} s] {what}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = config(args.quick, args.seed)
    if args.rounds is not None:
        cfg = dataclasses.replace(cfg, http_rounds=max(1, args.rounds))
    # A whole run has "nearest-unique" and "find" in "http".
    parts = args.only or [p for p in PARTS if p not in ("nearest-unique", "find")]
    started = time.perf_counter()
    results = Results(cfg, machine.describe())
    print(
        f"Benchmarks ({'quick' if cfg.quick else 'full'} run): "
        f"{results.machine['CPU']}, {results.machine['Cores']}, data in {data.data_dir()}",
        flush=True,
    )
    for part in PARTS:
        if part in parts:
            PARTS[part](cfg, results, started)

    results.seconds = time.perf_counter() - started
    section("Targets", targets_table(results))
    section("Findings", "\n".join(f"- {n}" for n in findings(results)))
    whole = not cfg.quick and args.only is None
    output: Path | None = args.output or (DEFAULT_OUTPUT if whole else None)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report.document(results), encoding="utf-8")
        print(f"\nWrote {output}")
    else:
        print("\nQuick or partial run: report not written (give --output PATH to write it).")
    print(f"Done in {fmt_s(results.seconds)}.")
    return 1 if _failed(results) else 0


def _failed(results: Results) -> bool:
    """Say on stderr what makes the run a failure, if anything does."""
    failures = []
    if results.mismatches:
        failures.append(
            f"{results.mismatches} k-nearest answers differ between methods (see 'Same places?')."
        )
    if results.lookup_misses:
        failures.append(
            f"{results.lookup_misses} sampled postcodes were not found by Gazetteer.find."
        )
    if results.failed_requests:
        failures.append(f"{results.failed_requests} requests under load failed or were not 2xx.")
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return bool(failures)


# -- the sections, in the order they run ----------------------------------------------------


def _knn_and_postgis(cfg: Config, results: Results, started: float) -> None:
    """1. k-nearest against the peers, PostGIS among them when a server can be started."""
    log: list[str] = []
    server: PostgisServer | None = None
    try:
        server = PostgisServer.start(log)
        results.postgis, results.postgis_ok = server.version(), True
    except (PostgisUnavailable, OSError) as exc:
        results.postgis = f"not available ({exc})"
    print(f"PostGIS: {results.postgis}" + (f" ({' '.join(log)})" if log else ""), flush=True)
    try:
        _knn(cfg, results, server, started)
    finally:
        if server is not None:
            server.stop()


def _http(
    cfg: Config, results: Results, started: float, keys: frozenset[str] | None = None
) -> None:
    step(started, "HTTP load")
    results.http = load.run_http(
        Postcodes.deal(data.walk_postcodes(), cfg.http_sample, cfg.seed + 10),
        (1,) if keys else cfg.http_workers,
        cfg.http_connections,
        cfg.http_seconds,
        cfg.http_warmup,
        cfg.http_rounds,
        keys,
    )
    section("HTTP load", http_report.http_table(results.http))


def _nearest_unique(cfg: Config, results: Results, started: float) -> None:
    """Only the headline: unique postcodes, ping and the peer (and cache hits), 1 worker."""
    keys = {
        UNIQUE,
        CEILING,
        PEER_UNIQUE,
        HITS,
        GRANIAN_UNIQUE,
        GRANIAN_CEILING,
        UVLOOP_UNIQUE,
        UVLOOP_CEILING,
    }
    _http(cfg, results, started, frozenset(keys))


def _find(cfg: Config, results: Results, started: float) -> None:
    """The results page against the unique-postcode JSON searches, 1 worker (its target)."""
    _http(cfg, results, started, frozenset({UNIQUE, FIND, FIND_GZIP}))


def _startup(cfg: Config, results: Results, started: float) -> None:
    step(started, "Start-up")
    results.startup = startup.run_startup(cfg.startup_repeats)
    section("Start-up", http_report.startup_section(results))


def _national(cfg: Config, results: Results, started: float) -> None:
    step(started, "National scale")
    results.national = national.run_national(
        cfg.national_places, cfg.national_starts, cfg.lookups, cfg.queries, cfg.seed + 20
    )
    section("National scale", report.national_section(results))
    step(started, "National postcode table")
    found = national_table.run_national_table(cfg.national_starts, cfg.lookups, cfg.seed + 30)
    results.national_table = found
    section("National postcode table", national_table.national_table_section(found))


def _pages(cfg: Config, results: Results, started: float) -> None:
    step(started, "Results page")
    results.pages = pages.run_pages(cfg.page_repeats)
    section("Results page", report.pages_section(results))


def _postcodes(cfg: Config, results: Results, started: float) -> None:
    step(started, "Postcode lookup")
    sources = [("Derbyshire", data.DERBYSHIRE_POSTCODES), ("Great Britain", data.GB_POSTCODES)]
    texts: list[str] = []
    for i, (label, name) in enumerate(sources):
        lookup, sample = postcodes.run_gazetteer(
            label,
            data.data_dir() / name,
            cfg.lookups,
            cfg.seed + 3 + i,
            cfg.lookup_repeats,
            cfg.load_repeats,
        )
        results.gazetteers.append(lookup)
        if lookup.misses:
            print(f"  MISSED {lookup.misses} postcodes in {label}", file=sys.stderr)
        texts = texts or sample
    results.parse = postcodes.run_parse(texts, cfg.lookup_repeats)
    section("Postcode lookup", report.gazetteer_lookups(results.gazetteers))


def _coverage(cfg: Config, results: Results, started: float) -> None:
    step(started, "Coverage")
    results.coverage = coverage.run_coverage(cfg.repeats)
    section("Coverage", report.coverage_section(results))


def _knn(cfg: Config, results: Results, server: PostgisServer | None, started: float) -> None:
    venues, skipped = data.load_real_venues()
    print(f"{len(venues)} real venues ({skipped} rows could not be placed)", flush=True)
    gb = data.gb_postcode_frame()
    cases = [
        (
            data.KnnCase(
                "Real venues (Derbyshire)",
                venues,
                data.VENUES,
                data.derbyshire_queries(cfg.queries, cfg.seed + 1),
                data.derbyshire_queries(cfg.batch_queries, cfg.seed + 4),
                cfg.repeats,
            ),
            cfg.build_repeats,
        )
    ]
    for n in cfg.synthetic_sizes:
        big = n >= 1_000_000
        cases.append(
            (
                data.KnnCase(
                    f"Synthetic venues (GB), {n:,}",
                    data.synthetic_venues(gb, n, cfg.seed + n, cfg.jitter_m),
                    f"GB postcode centroids ± {cfg.jitter_m:g} m",
                    data.gb_queries(gb, cfg.queries, cfg.seed + 2),
                    data.gb_queries(gb, cfg.batch_queries, cfg.seed + 5),
                    cfg.big_repeats if big else cfg.repeats,
                ),
                1 if big else cfg.build_repeats,
            )
        )
    del gb
    for i, (case, build_repeats) in enumerate(cases):
        step(started, f"k-nearest: {case.label}")

        def progress(what: str, label: str = case.label) -> None:
            step(started, f"  {label}: {what}")

        result = knn.run_case(case, cfg.ks, build_repeats, server, progress)
        results.knn.append(result)
        for m in result.mismatches[:10]:
            print(f"  DIFFERENT k={m.k} {m.method} point {m.query}: {m.detail}", file=sys.stderr)
        if i == 1:  # the 10,000 synthetic venues
            results.profile = profiling.profile_nearest(case, KNN_TARGET_K)
        gc.collect()
    section("Index build and memory", knn_report.knn_build(results.knn))
    section("k-nearest, one query at a time", knn_report.knn_single(results.knn))
    section("k-nearest, a batch", knn_report.knn_batch(results.knn))
    section("Same places?", knn_report.knn_correctness(results.knn))
    if results.profile is not None:
        section(
            "Where VenueIndex.nearest spends its time", knn_report.profile_tables(results.profile)
        )


def _stall(cfg: Config, results: Results, started: float) -> None:
    step(started, "Public requests while staff work runs")
    results.stalls = stall.run_stalls(data.walk_postcodes(), 3.0, cfg.stall_import_s)
    section("Public requests while staff work runs", http_report.stall_section(results))


# The parts, in the order they run; `--only` picks some.
PARTS: dict[str, Callable[[Config, Results, float], None]] = {
    "knn": _knn_and_postgis,
    "startup": _startup,
    "http": _http,
    "nearest-unique": _nearest_unique,
    "find": _find,
    "stall": _stall,
    "national": _national,
    "pages": _pages,
    "postcodes": _postcodes,
    "coverage": _coverage,
}

if __name__ == "__main__":
    sys.exit(main())
