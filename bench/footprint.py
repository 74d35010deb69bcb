"""The memory each k-nearest method's structure holds, each measured in a fresh process:
``python -m bench.footprint METHOD VENUES.npz`` prints one measurement."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bench.methods import (
    BALLTREE,
    BRUTE,
    KDTREE,
    SJOIN,
    VENUE_INDEX,
    build_balltree,
    build_brute,
    build_frame,
    build_kdtree,
    lonlat,
)
from locator.index import VenueIndex
from locator.venues import Category, Kind, LocationPrecision, Venue


def footprint(venues: Sequence[Venue], methods: Sequence[str]) -> dict[str, int]:
    """Bytes each method's structure holds: the growth of a fresh process's resident memory
    (VmRSS) while it builds the structure from the venues, which it already holds. A process
    of its own for each, so no method reuses memory another freed."""
    found: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        path = Path(tmp) / "venues.npz"
        lon, lat = lonlat(venues)
        np.savez(path, lon=lon, lat=lat)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        for method in methods:
            done = subprocess.run(
                [sys.executable, "-m", "bench.footprint", method, str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=600,
            )
            if done.returncode == 0:
                found[method] = int(json.loads(done.stdout.strip().splitlines()[-1])["bytes"])
            else:
                print(f"  memory of {method} not measured: {done.stderr[-300:]}", file=sys.stderr)
    return found


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _footprint_child(method: str, path: Path) -> None:
    """In a fresh process: make the venues, then build one method's structure over them."""
    import gc

    with np.load(path) as z:
        lon, lat = z["lon"], z["lat"]
    categories = list(Category)
    venues = [
        Venue(f"V{i}", f"Venue {i}", Kind.SAFE_PLACE, categories[i % len(categories)], "", None,
              la, lo, LocationPrecision.POSTCODE)
        for i, (lo, la) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True))
    ]  # fmt: skip
    build: dict[str, Callable[[], object]] = {
        VENUE_INDEX: lambda: VenueIndex(venues),
        KDTREE: lambda: build_kdtree(venues),
        BALLTREE: lambda: build_balltree(venues),
        SJOIN: lambda: build_frame(venues),
        BRUTE: lambda: build_brute(venues),
    }
    build[KDTREE]()  # load the libraries (and their caches) first: not part of any structure
    build[BRUTE]()
    gc.collect()
    before = _rss()
    held = build[method]()
    gc.collect()
    print(json.dumps({"method": method, "bytes": max(0, _rss() - before)}))
    del held


def main(argv: Sequence[str]) -> int:
    """`python -m bench.footprint METHOD VENUES.npz`: one memory measurement."""
    if len(argv) == 2:
        _footprint_child(argv[0], Path(argv[1]))
        return 0
    print("usage: python -m bench.footprint METHOD VENUES.npz", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
