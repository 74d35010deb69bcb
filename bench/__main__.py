"""Run the benchmarks: ``python -m bench [--quick] [--output PATH]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import coverage, data, knn, machine, pages, postcodes, report
from bench.timing import fmt_s

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SEED = 20251124


def config(quick: bool, seed: int) -> report.Config:
    if quick:
        return report.Config(
            quick=True,
            synthetic_venues=10_000,
            queries=200,
            repeats=3,
            build_repeats=1,
            lookups=2_000,
            lookup_repeats=3,
            load_repeats=1,
            ks=(5, 1),
            jitter_m=200.0,
            seed=seed,
            page_repeats=10,
        )
    return report.Config(
        quick=False,
        synthetic_venues=100_000,
        queries=1_000,
        repeats=15,
        build_repeats=3,
        lookups=10_000,
        lookup_repeats=15,
        load_repeats=3,
        ks=(5, 1),
        jitter_m=200.0,
        seed=seed,
        page_repeats=100,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark k-nearest venue search and postcode lookup; write a Markdown "
        "report.",
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
    return parser.parse_args(argv)


def section(title: str, body: str) -> None:
    print(f"\n{title}\n\n{body}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = config(args.quick, args.seed)
    started = time.perf_counter()
    results = report.Results(cfg, machine.describe())
    print(
        f"Benchmarks ({'quick' if cfg.quick else 'full'} run): "
        f"{results.machine['CPU']}, {results.machine['Cores']}, data in {data.data_dir()}",
        flush=True,
    )

    # -- 1. k-nearest ---------------------------------------------------------------------------
    venues, skipped = data.load_real_venues()
    print(f"{len(venues)} real venues ({skipped} rows could not be placed)", flush=True)
    gb = data.gb_postcode_frame()
    cases = [
        data.KnnCase(
            "Real venues (Derbyshire)",
            venues,
            data.VENUES,
            data.derbyshire_queries(cfg.queries, cfg.seed + 1),
        ),
        data.KnnCase(
            "Synthetic venues (GB)",
            data.synthetic_venues(gb, cfg.synthetic_venues, cfg.seed, cfg.jitter_m),
            f"GB postcode centroids ± {cfg.jitter_m:g} m",
            data.gb_queries(gb, cfg.queries, cfg.seed + 2),
        ),
    ]
    del gb
    for case in cases:
        t = time.perf_counter()
        result = knn.run_case(case, cfg.ks, cfg.repeats, cfg.build_repeats)
        results.knn.append(result)
        print(f"  {case.label}: {fmt_s(time.perf_counter() - t)}", flush=True)
        for m in result.mismatches[:10]:
            print(f"  MISMATCH k={m.k} {m.method} query {m.query}: {m.detail}", file=sys.stderr)
    section("Index build", report.knn_build(results.knn))
    section("k-nearest, time per query", report.knn_queries(results.knn))
    section("Same answers?", report.knn_correctness(results.knn))
    results.profile = knn.profile_nearest(cases[-1], report.KNN_TARGET_K)
    section("Where VenueIndex.nearest spends its time", report.profile_tables(results.profile))
    del cases

    # -- 2. postcode lookup ---------------------------------------------------------------------
    sources = [
        ("Derbyshire", data.DERBYSHIRE_POSTCODES),
        ("Great Britain", data.GB_POSTCODES),
    ]
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
    section("Gazetteer loading", report.gazetteer_loading(results.gazetteers))
    section("Postcode lookup", report.gazetteer_lookups(results.gazetteers))
    section("parse_postcode", report.parse_table(results.parse))

    # -- 3. the results page ---------------------------------------------------------------------
    results.pages = pages.run_pages(cfg.page_repeats)
    section("Results page", report.pages_section(results))

    # -- 4. coverage of every postcode -----------------------------------------------------------
    results.coverage = coverage.run_coverage(cfg.repeats)
    section("Coverage", report.coverage_section(results))

    # -- report ---------------------------------------------------------------------------------
    results.seconds = time.perf_counter() - started
    section("Targets", report.targets_table(results))
    section("Findings", "\n".join(f"- {n}" for n in report.findings(results)))
    output: Path | None = args.output or (None if cfg.quick else DEFAULT_OUTPUT)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report.document(results), encoding="utf-8")
        print(f"\nWrote {output}")
    else:
        print("\nQuick run: report not written (give --output PATH to write it).")
    print(f"Done in {fmt_s(results.seconds)}.")

    failed = False
    if results.mismatches:
        print(
            f"\nFAILED: {results.mismatches} k-nearest answers differ between methods "
            "(see 'Same answers?').",
            file=sys.stderr,
        )
        failed = True
    if results.lookup_misses:
        print(
            f"\nFAILED: {results.lookup_misses} sampled postcodes were not found by "
            "Gazetteer.find.",
            file=sys.stderr,
        )
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
