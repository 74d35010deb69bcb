"""HTTP load on the running service: a load generator in a second process, on loopback.

`safeplaces serve` runs as its own process (bench/service.py) with 1 and then 2 worker
processes, on a fresh temporary database seeded from the shared data. The load generator is
wrk (Debian's package, installed with apt-get when missing and possible), else the small
Python one in bench/loadgen.py: `connections` keep-alive connections, each sending its next
request as soon as the last answer is in. Every run checks that all answers were 2xx.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.service import Service, startup_times
from bench.timing import Timing

CEILING = "ceiling"


@dataclass(frozen=True, slots=True)
class Endpoint:
    key: str
    label: str  # for the tables
    paths: tuple[str, ...]
    note: str = ""


@dataclass
class LoadRun:
    endpoint: str
    workers: int
    requests: int
    seconds: float
    p50_s: float
    p99_s: float
    failed: int  # socket errors and non-2xx answers

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class HttpResult:
    tool: str
    tool_note: str
    connections: int
    duration_s: float
    rounds: int
    endpoints: list[Endpoint]
    runs: list[LoadRun] = field(default_factory=list)
    first_start_s: float = 0.0
    startup: Timing | None = None

    def median(self, endpoint: str, workers: int) -> LoadRun | None:
        """The run with the median requests/s of an endpoint's rounds."""
        runs = sorted(
            (r for r in self.runs if r.endpoint == endpoint and r.workers == workers),
            key=lambda r: r.per_s,
        )
        return runs[(len(runs) - 1) // 2] if runs else None

    def ratio(self, endpoint: str, workers: int) -> float:
        """Median over rounds of the endpoint's requests/s ÷ the ceiling's in the same round."""
        mine = [r for r in self.runs if r.endpoint == endpoint and r.workers == workers]
        ceiling = [r for r in self.runs if r.endpoint == CEILING and r.workers == workers]
        ratios = sorted(a.per_s / b.per_s for a, b in zip(mine, ceiling, strict=False) if b.per_s)
        if not ratios:
            return 0.0
        mid = len(ratios) // 2
        return ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2


def endpoints(postcodes: Sequence[str], many: Sequence[str]) -> list[Endpoint]:
    def quoted(codes: Sequence[str], path: str) -> tuple[str, ...]:
        return tuple(f"{path}{urllib.parse.quote(c)}" for c in codes)

    return [
        Endpoint(CEILING, "`/api/v1/ping` (constant JSON: the ceiling)", ("/api/v1/ping",)),
        Endpoint(
            "nearest",
            "`/api/v1/places/nearest?postcode=…`",
            quoted(postcodes, "/api/v1/places/nearest?postcode="),
            f"{len(postcodes):,} postcodes, repeats served from the cache",
        ),
        Endpoint(
            "nearest-many",
            "`/api/v1/places/nearest?postcode=…`, mostly not cached",
            quoted(many, "/api/v1/places/nearest?postcode="),
            f"{len(many):,} postcodes: most searches are new to the cache",
        ),
        Endpoint("places", "`/api/v1/places` (GeoJSON, every place)", ("/api/v1/places",)),
        Endpoint(
            "find",
            "`/find?postcode=…` (the results page)",
            quoted(postcodes, "/find?postcode="),
            f"{len(postcodes):,} postcodes",
        ),
    ]


def find_wrk(log: list[str]) -> str | None:
    """wrk on PATH, installed with apt-get first when missing and possible."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("  wrk not found: installing it with apt-get install -y wrk.", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True)
        found = shutil.which("wrk")
        log.append("wrk was installed with apt-get." if found else "apt-get could not install wrk.")
    else:
        log.append("wrk is not installed and apt-get is not available to install it.")
    return found


_LUA = """
local paths = {%s}
local n = #paths
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(n)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _load(
    wrk: str | None,
    url: str,
    endpoint: Endpoint,
    connections: int,
    duration: float,
    folder: Path,
    seed: int,
) -> dict[str, float]:
    if wrk is not None:
        script = folder / f"{endpoint.key}.lua"
        script.write_text(_LUA % (",".join(json.dumps(p) for p in endpoint.paths), seed))
        command = [wrk, "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency"]
        command += ["-s", str(script), url]
    else:
        paths = folder / f"{endpoint.key}.txt"
        paths.write_text("\n".join(endpoint.paths))
        command = [sys.executable, "-m", "bench.loadgen", url, str(paths)]
        command += ["--connections", str(connections), "--duration", str(duration)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            found: dict[str, float] = json.loads(line.removeprefix("RESULT "))
            return found
    raise RuntimeError(f"no result from the load generator: {done.stdout[-500:]}{done.stderr}")


def run_http(
    postcodes: Sequence[str],
    many: Sequence[str],
    workers: Sequence[int],
    connections: int,
    duration: float,
    warmup: float,
    rounds: int,
    startup_repeats: int,
    seed: int,
) -> HttpResult:
    log: list[str] = []
    wrk = find_wrk(log)
    tool = "wrk" if wrk else "bench/loadgen.py (Python)"
    if wrk:
        version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
        tool = f"{version.split()[0]} {version.split()[1]}" if version.strip() else "wrk"
    note = " ".join(log) or ("" if wrk else "wrk could not be had; the Python fallback ran.")
    targets = endpoints(postcodes, many)
    result = HttpResult(tool, note, connections, duration, rounds, targets)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        folder = Path(tmp)
        result.first_start_s, result.startup = startup_times(folder, startup_repeats)
        print(
            f"  start-up: first {result.first_start_s:.2f} s, then median "
            f"{result.startup.median:.2f} s",
            flush=True,
        )
        for n in workers:
            with Service(folder, n) as service:
                for endpoint in targets:  # every path answers 200 before any timing
                    for path in dict.fromkeys(endpoint.paths[:3]):
                        service.get(path)
                for r in range(rounds):
                    for i, endpoint in enumerate(targets):
                        _load(wrk, service.url, endpoint, connections, warmup, folder, seed + i)
                        got = _load(
                            wrk, service.url, endpoint, connections, duration, folder, seed + i
                        )
                        run = LoadRun(
                            endpoint.key,
                            n,
                            int(got["requests"]),
                            got["duration_us"] / 1e6,
                            got["p50_us"] / 1e6,
                            got["p99_us"] / 1e6,
                            int(got["errors"] + got["non2xx"]),
                        )
                        result.runs.append(run)
                        print(
                            f"  {n} worker{'s' if n > 1 else ''}, round {r + 1}, "
                            f"{endpoint.key}: {run.per_s:,.0f} req/s, p50 "
                            f"{run.p50_s * 1e3:.1f} ms, p99 {run.p99_s * 1e3:.1f} ms"
                            + (f", {run.failed} FAILED" if run.failed else ""),
                            flush=True,
                        )
    return result
