"""National scale: every GB postcode as the gazetteer, and 100,000 places.

The service's own start-up (the app's lifespan: gazetteer, place names, area, the place
database, the locator and the resolver) runs in a fresh process, `python -m bench.national
--child`, with `postcodes_uk.parquet` (1.75 million postcodes) as its postcode file, read
from the numpy cache, and a place database holding 100,000 synthetic venues across Great
Britain. The parent builds the cache and the database first (not timed), then times each
child from starting the process to ready, and reads its resident memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.startup import compiled
from bench.timing import Timing

CHILD = [sys.executable, "-m", "bench.national", "--child"]


@dataclass
class NationalResult:
    postcodes: int
    places: int
    ready: Timing  # process start to ready, seconds
    rss_bytes: int  # resident at ready (median over starts)
    peak_bytes: int  # the most resident at any moment up to ready
    baseline_bytes: int  # the same process with the app imported and no data loaded
    lookup: Timing  # Gazetteer.find, per lookup
    resolve: Timing  # resolver.postcode (parse, look up, make the origin), per call
    nearest: Timing  # Locator.nearest (k = 5 Safe Places and the nearest police office)
    nearest_index: Timing  # VenueIndex.nearest, k = 5
    parts: dict[str, float]  # seconds of each start-up step, from the child's own clock


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "SAFEPLACES_DATA__POSTCODES_FILE": "postcodes_uk.parquet",
        # The gazetteer holds every GB postcode here: no national table beside it (that is
        # measured on its own, in bench.national_table).
        "SAFEPLACES_DATA__NATIONAL_POSTCODES_FILE": "",
        "SAFEPLACES_DATA__CACHE_DIR": str(folder / "cache"),
        "SAFEPLACES_DATABASE_URL": f"sqlite:///{folder / 'places.db'}",
        # From bytecode, as an installed service starts (bench.startup): written by a first,
        # untimed start into this folder.
        **compiled(folder),
    }


def _prepare(folder: Path, places: int, seed: int) -> int:
    """The gazetteer cache and a database of `places` synthetic venues; the postcode count."""
    from api.settings import Settings
    from bench import data
    from geodata.gazetteer import Gazetteer
    from geodata.store import PlaceStore
    from geodata.venues import VenueDataset

    gb = data.gb_postcode_frame()
    venues = data.synthetic_venues(gb, places, seed, 200.0)
    del gb
    store = PlaceStore.open(f"sqlite:///{folder / 'places.db'}")
    store.seed(VenueDataset(venues))
    store.engine.dispose()
    store.writer.dispose()
    gazetteer = Gazetteer.load(Settings().data.path(data.GB_POSTCODES), folder / "cache")
    return len(gazetteer)


def run_national(places: int, starts: int, lookups: int, queries: int, seed: int) -> NationalResult:
    with tempfile.TemporaryDirectory(prefix="bench-national-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        postcodes = _prepare(folder, places, seed)
        print(f"  prepared {places:,} places and the cache in {time.perf_counter() - t:.0f} s")
        env = _env(folder)
        runs = []
        for i in range(-1, starts):  # the first writes the bytecode: not timed
            command = [*CHILD, str(lookups), str(queries), str(seed + i)]
            started = time.perf_counter()
            child = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            assert child.stdout is not None
            line = child.stdout.readline()  # "READY", written the moment the app is ready
            ready = time.perf_counter() - started
            out, err = child.communicate(timeout=600)
            if child.returncode != 0 or not line.startswith("READY"):
                raise RuntimeError(f"the national-scale child failed:\n{err[-2000:]}")
            found = json.loads(out.strip().splitlines()[-1])
            found["ready"] = ready
            if i >= 0:
                runs.append(found)
        baseline = subprocess.run(
            [*CHILD, "--baseline"], env=env, capture_output=True, text=True, check=True
        )
    base = json.loads(baseline.stdout.strip().splitlines()[-1])

    def timing(name: str) -> Timing:
        return Timing(tuple(float(r[name]) for r in runs))

    def median(name: str) -> int:
        return int(np.median([r[name] for r in runs]))

    parts = {k: float(np.median([r["parts"][k] for r in runs])) for k in runs[0]["parts"]}
    return NationalResult(
        postcodes=postcodes,
        places=int(runs[0]["places"]),
        ready=timing("ready"),
        rss_bytes=median("rss"),
        peak_bytes=median("peak"),
        baseline_bytes=int(base["rss"]),
        lookup=Timing(tuple(s for r in runs for s in r["lookup"])),
        resolve=Timing(tuple(s for r in runs for s in r["resolve"])),
        nearest=Timing(tuple(s for r in runs for s in r["nearest"])),
        nearest_index=Timing(tuple(s for r in runs for s in r["nearest_index"])),
        parts=parts,
    )


# -- the child --------------------------------------------------------------------------------


def process_memory() -> dict[str, int]:
    """This process's resident memory now and at its peak, in bytes (Linux)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) * 1024
    return {"rss": found.get("VmRSS", 0), "peak": found.get("VmHWM", 0)}


def _child(lookups: int, queries: int, seed: int) -> None:
    """Start the app as the service does, say READY, then measure it."""
    from api import heap

    with heap.importing():  # as `safeplaces serve` imports the app
        from api.app import create_app

    imported = time.perf_counter()
    app = create_app()

    async def start() -> None:
        async with app.router.lifespan_context(app):
            print("READY", flush=True)
            _measure(app, lookups, queries, seed, imported, time.perf_counter() - imported)

    asyncio.run(start())


def _measure(
    app: object, lookups: int, queries: int, seed: int, imported: float, ready: float
) -> None:
    """Time lookups and searches on the started app; print them with its memory as JSON."""
    # Already loaded with the app (and bench.timing with this module): no import time moves.
    from bench.timing import interleaved
    from geodata.postcodes import parse_postcode
    from locator.filter import VenueFilter
    from locator.origin import Origin, OriginSource
    from locator.venues import Kind

    memory = process_memory()
    state = app.state  # type: ignore[attr-defined]
    gazetteer = state.datasets.gazetteer
    locator = state.registry.current
    resolver = state.resolver
    rng = np.random.default_rng(seed)
    codes = gazetteer.postcodes()
    picked = [str(c) for c in codes[rng.choice(len(codes), size=lookups, replace=False)]]
    parsed = [parse_postcode(c) for c in picked]
    lon, lat = gazetteer.coordinates()
    rows = rng.choice(len(lon), size=queries, replace=False)
    points = list(zip(lon[rows].tolist(), lat[rows].tolist(), strict=True))
    origins = [Origin(y, x, "point", OriginSource.COORDINATES) for x, y in points]
    safe = VenueFilter.of(kinds=[Kind.SAFE_PLACE])
    index, find = locator.index, gazetteer.find
    timings = interleaved(
        {
            "lookup": lambda: [find(p) for p in parsed],
            "resolve": lambda: [resolver.postcode(c) for c in picked],
            "nearest": lambda: [locator.nearest(o, 5, safe) for o in origins],
            "nearest_index": lambda: [index.nearest(x, y, 5) for x, y in points],
        },
        repeats=7,
        ops={"lookup": lookups, "resolve": lookups, "nearest": queries, "nearest_index": queries},
    )
    print(
        json.dumps(
            {
                "places": len(index),
                "ready_in_process": ready,
                "parts": {"imports": imported - _STARTED, "app start-up": ready},
                **memory,
                **{name: list(t.samples) for name, t in timings.items()},
            }
        )
    )


def _baseline() -> None:
    """The app imported and made, no data: what any start of the service holds anyway."""
    from api.app import create_app

    create_app()
    print(json.dumps(process_memory()))


_STARTED = time.perf_counter()


def main(argv: Sequence[str]) -> int:
    if argv[:2] == ["--child", "--baseline"]:
        _baseline()
        return 0
    if argv[:1] == ["--child"] and len(argv) == 4:
        _child(int(argv[1]), int(argv[2]), int(argv[3]))
        return 0
    print("usage: python -m bench.national --child LOOKUPS QUERIES SEED", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
