"""Start-up: from exec to the first 200 from /readyz, in a fresh process each time, and what
importing the app costs on its own."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.service import startup_times
from bench.timing import Timing

# A fresh interpreter imports the app and says what that cost it: CPU (user + system) and
# wall-clock seconds, from just before the import to just after.
_IMPORT = """
import json, resource, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c, t = cpu(), time.perf_counter()
import api.app
print(json.dumps({"cpu": cpu() - c, "wall": time.perf_counter() - t}))
"""


@dataclass(frozen=True, slots=True)
class StartupResult:
    first_s: float  # a new database, seeded from the open data; the caches written
    ready: Timing  # later starts on that database: the normal case
    import_cpu: Timing
    import_wall: Timing


def import_cost(repeats: int) -> tuple[Timing, Timing]:
    """CPU and wall seconds of `import api.app` in a fresh interpreter, `repeats` times."""
    cpu, wall = [], []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT], capture_output=True, text=True, check=True
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        cpu.append(found["cpu"])
        wall.append(found["wall"])
    return Timing(tuple(cpu)), Timing(tuple(wall))


def run_startup(repeats: int) -> StartupResult:
    """The service on the Derbyshire data, 1 worker: the first start, then `repeats` more;
    then `import api.app` in `repeats` fresh interpreters."""
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        first, ready = startup_times(Path(tmp), repeats)
    cpu, wall = import_cost(repeats)
    return StartupResult(first, ready, cpu, wall)
