"""Start-up: from exec to the first 200 from /readyz, in a fresh process each time, and what
importing the app costs on its own.

An installed service starts from compiled bytecode: the Docker image compiles it at build
(`UV_COMPILE_BYTECODE=1`), pip compiles at install, and Python writes it at a first import
anywhere it may. Without it every module the service imports (SQLAlchemy, numpy, pydantic,
FastAPI: about 18 MB of source) is compiled again at every start, which costs more than
everything else the start does. Both are measured, taking turns: with the bytecode written by
the first start into the benchmark's own folder (never into the installed packages), and with
none written, as a shell with `PYTHONDONTWRITEBYTECODE` set over an install that compiled
nothing (`uv sync` does not compile by default) runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.service import Service
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


def compiled(folder: Path) -> dict[str, str]:
    """The environment for starts from bytecode: written to `folder` by the first start and
    read by the later ones (an empty PYTHONDONTWRITEBYTECODE is unset, for Python)."""
    return {"PYTHONPYCACHEPREFIX": str(folder / "bytecode"), "PYTHONDONTWRITEBYTECODE": ""}


# No bytecode written, none read but what the install has beside its sources.
UNCOMPILED = {"PYTHONDONTWRITEBYTECODE": "1"}


@dataclass(frozen=True, slots=True)
class StartupResult:
    first_s: float  # a new database, seeded from the open data; the caches and bytecode written
    ready: Timing  # later starts on that database, from bytecode: the normal case
    import_cpu: Timing  # from bytecode
    import_wall: Timing
    ready_uncompiled: Timing  # later starts, every module compiled from source again
    ready_cpu: Timing | None  # the server's CPU seconds up to ready, from bytecode (Linux)
    import_cpu_uncompiled: Timing


def import_cost(env: dict[str, str]) -> tuple[float, float]:
    """CPU and wall seconds of `import api.app` in a fresh interpreter with `env` added."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return float(found["cpu"]), float(found["wall"])


def run_startup(repeats: int) -> StartupResult:
    """The service on the Derbyshire data, 1 worker: the first start (which also writes the
    bytecode), then `repeats` rounds, each a start from bytecode and a start without, taking
    turns; then `import api.app` in fresh interpreters, the same way."""
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        folder = Path(tmp)
        bytecode = compiled(folder)
        with Service(folder, 1, extra_env=bytecode) as first:
            pass
        ready: list[float] = []
        uncompiled: list[float] = []
        cpu_to_ready: list[float | None] = []
        turns = [(bytecode, ready), (UNCOMPILED, uncompiled)]
        for _ in range(repeats):
            for env, times in turns:
                with Service(folder, 1, extra_env=env) as again:
                    times.append(again.ready_s)
                    if times is ready:
                        cpu_to_ready.append(again.ready_cpu_s)
            turns.reverse()  # each goes first in every other round
        cpu, wall, cpu_uncompiled = [], [], []
        for _ in range(repeats):
            c, w = import_cost(bytecode)
            cpu.append(c)
            wall.append(w)
            cpu_uncompiled.append(import_cost(UNCOMPILED)[0])
    cpus = [c for c in cpu_to_ready if c is not None]
    return StartupResult(
        first_s=first.ready_s,
        ready=Timing(tuple(ready)),
        import_cpu=Timing(tuple(cpu)),
        import_wall=Timing(tuple(wall)),
        ready_uncompiled=Timing(tuple(uncompiled)),
        ready_cpu=Timing(tuple(cpus)) if len(cpus) == len(ready) else None,
        import_cpu_uncompiled=Timing(tuple(cpu_uncompiled)),
    )
