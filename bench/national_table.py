"""The national postcode table: building it, loading it, what it holds, and its lookups.

The table (`geodata.national.NationalPostcodes`, every GB postcode from
`postcodes_uk.parquet`) is what the service asks when its own postcodes don't know one. Each
step runs in a fresh process, `python -m bench.national_table --child ...`, as the service
would do it: one builds the table into an empty cache dir (the service's first start), the
others map it from that cache (every later start) and look postcodes up. Each child reports
its own clock and its resident memory before and after, so the figures are the table's own.

``python -m bench.national_table`` runs this part alone and prints its table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.markdown import fmt_mb, fmt_ms, fmt_spread, table
from bench.national import process_memory
from bench.timing import Timing, fmt_s, fmt_us

CHILD = [sys.executable, "-m", "bench.national_table", "--child"]


@dataclass
class NationalTableResult:
    postcodes: int
    cache_bytes: int  # the cached .npz on disk
    build: Timing  # the first start: Parquet to the cached table, seconds
    build_peak_bytes: int  # the most the building process held above its baseline
    load: Timing  # later starts: mapping the cached table, seconds
    loaded_bytes: int  # resident above the baseline just after loading (median over starts)
    held_bytes: int  # ... and after the sampled lookups
    lookup: Timing  # NationalPostcodes.find, per lookup
    resolve: Timing  # resolver.postcode for a postcode beyond the area, per call
    local: Timing  # Gazetteer.find on the Derbyshire postcodes, same process: for comparison
    sample: int


def _run_child(args: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([*CHILD, *args], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"the national-table child failed:\n{done.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _sample(path: Path, n: int, seed: int) -> list[str]:
    """`n` random GB postcodes with coordinates outside the DE, S, SK, NG, LE and ST areas
    (so beyond the local data: each lookup is the national table's)."""
    frame = pd.read_parquet(path, columns=["postcode", "latitude"]).dropna()
    codes = frame["postcode"].astype(str)
    local = codes.str.match(r"^(DE|S|SK|NG|LE|ST)[0-9]")
    beyond = codes[~local].to_numpy()
    rows = np.random.default_rng(seed).choice(len(beyond), size=min(n, len(beyond)), replace=False)
    return [str(c) for c in beyond[rows]]


def run_national_table(starts: int, lookups: int, seed: int) -> NationalTableResult:
    from api.settings import Settings

    source = Settings().data.path("postcodes_uk.parquet")
    with tempfile.TemporaryDirectory(prefix="bench-national-table-") as tmp:
        folder = Path(tmp)
        sample = folder / "sample.txt"
        sample.write_text("\n".join(_sample(source, lookups, seed)))
        cache = folder / "cache"
        built = _run_child(["build", str(source), str(cache)])
        [npz] = cache.glob("national-*.npz")
        loads = [_run_child(["load", str(source), str(cache), str(sample)]) for _ in range(starts)]
        cache_bytes = npz.stat().st_size

    def median(name: str) -> int:
        return int(np.median([float(r[name]) for r in loads]))

    def samples(name: str) -> tuple[float, ...]:
        return tuple(float(s) for r in loads for s in r[name])

    return NationalTableResult(
        postcodes=int(built["postcodes"]),
        cache_bytes=cache_bytes,
        build=Timing((float(built["seconds"]),)),
        build_peak_bytes=int(built["peak"]) - int(built["baseline"]),
        load=Timing(tuple(float(r["seconds"]) for r in loads)),
        loaded_bytes=median("loaded"),
        held_bytes=median("held"),
        lookup=Timing(samples("lookup")),
        resolve=Timing(samples("resolve")),
        local=Timing(samples("local")),
        sample=lookups,
    )


def national_table_section(n: NationalTableResult) -> str:
    rows = [
        ["Build from the Parquet file (the first start)", fmt_s(n.build.median), ""],
        ["… most memory held while building", fmt_mb(n.build_peak_bytes), ""],
        ["Cached table on disk", fmt_mb(n.cache_bytes), ""],
        ["Load from the cache (every later start)", fmt_ms(n.load.median), fmt_spread(n.load)],
        ["Resident after loading", fmt_mb(n.loaded_bytes), ""],
        [f"… after {n.sample:,} lookups", fmt_mb(n.held_bytes), ""],
        ["`NationalPostcodes.find`, per lookup", fmt_us(n.lookup.median), fmt_spread(n.lookup)],
        ["… `Gazetteer.find` (Derbyshire), same process", fmt_us(n.local.median), ""],
        [
            "`resolver.postcode` beyond the area (local miss, national find, distance)",
            fmt_us(n.resolve.median),
            fmt_spread(n.resolve),
        ],
    ]
    return (
        "### The national postcode table\n\n"
        f"`geodata.national.NationalPostcodes`: {n.postcodes:,} GB postcodes "
        "(`postcodes_uk.parquet`), asked when the service's own postcodes don't know one. "
        "Each step in a fresh process; memory is resident memory above the same process "
        f"before the step; {len(n.load.samples)} loads; lookups: {n.sample:,} random GB "
        "postcodes beyond the local data, medians over 7 repeats in each load.\n\n"
        + table(["", "Measured", "Noise"], rows)
        + "\n"
    )


# -- the children -------------------------------------------------------------------------------


def _build(source: Path, cache: Path) -> None:
    from geodata.national import NationalPostcodes

    baseline = process_memory()["rss"]
    started = time.perf_counter()
    built = NationalPostcodes.load(source, cache)
    seconds = time.perf_counter() - started
    out = {"postcodes": len(built), "seconds": seconds, "baseline": baseline, **process_memory()}
    print(json.dumps(out))


def _load(source: Path, cache: Path, sample: Path) -> None:
    from api.settings import Settings
    from bench.timing import interleaved
    from geodata.boundaries import load_service_area
    from geodata.gazetteer import Gazetteer
    from geodata.national import NationalPostcodes
    from geodata.placenames import PlaceNames
    from geodata.postcodes import parse_postcode
    from geodata.resolver import LocationResolver

    data = Settings().data
    # What the service holds anyway (not the table's): its own postcodes and the area.
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), cache)
    area = load_service_area(data.path(data.boundaries_file))
    texts = sample.read_text().split("\n")
    parsed = [parse_postcode(t) for t in texts]
    ours = gazetteer.postcodes()
    rows = np.random.default_rng(len(texts)).choice(len(ours), size=len(texts))
    local = [parse_postcode(str(c)) for c in ours[rows]]
    baseline = process_memory()["rss"]
    started = time.perf_counter()
    national = NationalPostcodes.load(source, cache)
    seconds = time.perf_counter() - started
    loaded = process_memory()["rss"] - baseline
    resolver = LocationResolver(gazetteer, PlaceNames([]), national=national, area=area)
    find, local_find = national.find, gazetteer.find
    if any(find(p) is None for p in parsed):
        raise AssertionError("a sampled postcode is not in the national table")
    timings = interleaved(
        {
            "lookup": lambda: [find(p) for p in parsed],
            "resolve": lambda: [resolver.postcode(t) for t in texts],
            "local": lambda: [local_find(p) for p in local],
        },
        repeats=7,
        ops=len(texts),
    )
    out = {
        "seconds": seconds,
        "loaded": loaded,
        "held": process_memory()["rss"] - baseline,
        **{name: list(t.samples) for name, t in timings.items()},
    }
    print(json.dumps(out))


def main(argv: Sequence[str]) -> int:
    if argv[:2] == ["--child", "build"] and len(argv) == 4:
        _build(Path(argv[2]), Path(argv[3]))
        return 0
    if argv[:2] == ["--child", "load"] and len(argv) == 5:
        _load(Path(argv[2]), Path(argv[3]), Path(argv[4]))
        return 0
    if not argv:
        result = run_national_table(starts=3, lookups=10_000, seed=20251124 + 30)
        print(national_table_section(result))
        return 0
    print("usage: python -m bench.national_table", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
