"""HTTP load on the running service and on the minimal peer: a load generator in a second
process, on loopback.

`safeplaces serve` runs as its own process (bench/service.py) with 1 and then 2 worker
processes, on a fresh temporary database seeded from the shared data; beside the one-worker
service, the minimal peer (bench/peer.py) on the same database. The load generator is wrk
(Debian's package, installed with apt-get when missing and possible), else the small Python
one in bench/loadgen.py: `connections` keep-alive connections, each sending its next request as
soon as the last answer is in. The endpoints take turns in every round (the order rotates from
round to round), so drift on the shared machine falls on them alike; every ratio is taken
within a round and the median over rounds reported, with its spread. Every run checks that all
answers were 2xx (bench/workload.py says which postcodes are sent).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.agreement_http import Agreement, agree
from bench.service import Service, granian_command, peer_command
from bench.timing import Timing
from bench.workload import (
    GRANIAN,
    GRANIAN_UNIQUE,
    LUA,
    PEER,
    PRODUCT,
    TAIL_PERCENTILES,
    UVLOOP,
    UVLOOP_UNIQUE,
    Endpoint,
    Postcodes,
    endpoints,
)


@dataclass
class LoadRun:
    endpoint: str
    workers: int
    round: int
    requests: int
    seconds: float
    p50_s: float
    p99_s: float
    failed: int  # socket errors and non-2xx answers
    repeated: bool = False  # a walk that ran past the end of its postcodes within the run
    # (percentile, seconds) from the 50th to the maximum (100): bench.workload.TAIL_PERCENTILES
    tail: tuple[tuple[float, float], ...] = ()

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
    pool: int  # postcodes in the walk
    endpoints: list[Endpoint] = field(default_factory=list)
    runs: list[LoadRun] = field(default_factory=list)
    agreement: Agreement | None = None

    def runs_of(self, endpoint: str, workers: int) -> list[LoadRun]:
        return [r for r in self.runs if r.endpoint == endpoint and r.workers == workers]

    def median(self, endpoint: str, workers: int) -> LoadRun | None:
        """The run with the median requests/s of an endpoint's rounds."""
        runs = sorted(self.runs_of(endpoint, workers), key=lambda r: r.per_s)
        return runs[(len(runs) - 1) // 2] if runs else None

    def rate(self, endpoint: str, workers: int) -> Timing | None:
        """Requests/s of each round (median and spread over rounds)."""
        runs = self.runs_of(endpoint, workers)
        return Timing(tuple(r.per_s for r in runs)) if runs else None

    def p99(self, endpoint: str, workers: int) -> Timing | None:
        """The p99 of each round (median and spread over rounds)."""
        runs = self.runs_of(endpoint, workers)
        return Timing(tuple(r.p99_s for r in runs)) if runs else None

    def pooled_p99(self, endpoint: str, workers: int) -> float | None:
        """The p99 of every round's requests taken together, or None without the tails."""
        return pooled_percentile(self.runs_of(endpoint, workers), 99)

    def ratio(self, endpoint: str, other: str, workers: int) -> Timing | None:
        """Requests/s of `endpoint` ÷ `other`'s, in each round that measured both."""
        theirs = {r.round: r.per_s for r in self.runs_of(other, workers)}
        mine = self.runs_of(endpoint, workers)
        found = tuple(r.per_s / theirs[r.round] for r in mine if theirs.get(r.round))
        return Timing(found) if found else None


def pooled_percentile(runs: Sequence[LoadRun], percent: float) -> float | None:
    """The `percent` percentile of all the runs' latencies together, in seconds.

    Each run gives its latencies' distribution at a few percentiles (`LoadRun.tail`), read
    as straight lines between them; the runs' requests together are their mixture, weighted
    by how many requests each run had. One round's p99 is a hundredth of a few thousand
    requests, so a single stall decides it; all rounds' is a hundredth of all of them. None
    when a run has no tail to read (an empty run, or a load generator without one).
    """
    if not runs or any(len(r.tail) < 2 or r.requests <= 0 for r in runs):
        return None
    total = sum(r.requests for r in runs)
    want = percent / 100

    def share_below(seconds: float) -> float:
        return sum(r.requests * _fraction_below(r.tail, seconds) for r in runs) / total

    points = sorted({s for r in runs for _, s in r.tail})
    below = 0.0
    for lower, upper in zip([points[0], *points], points, strict=False):
        at = share_below(upper)
        if at >= want:
            if upper == lower or at == below:
                return upper
            return lower + (upper - lower) * (want - below) / (at - below)
        below = at
    return points[-1]


def _fraction_below(tail: Sequence[tuple[float, float]], seconds: float) -> float:
    """The fraction of a run's latencies at or under `seconds`, from its percentiles."""
    (p0, s0), *rest = tail
    if seconds < s0:
        return p0 / 100 * seconds / s0 if s0 > 0 else 0.0
    for p1, s1 in rest:
        if seconds < s1:
            return (p0 + (p1 - p0) * (seconds - s0) / (s1 - s0)) / 100
        p0, s0 = p1, s1
    return 1.0


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


@dataclass(frozen=True, slots=True)
class Generator:
    """The load generator and how each run is shaped."""

    wrk: str | None
    connections: int
    folder: Path

    def run(self, url: str, endpoint: Endpoint, seconds: float, start: int) -> dict[str, Any]:
        """One run of `seconds`; a walk starts at path `start`."""
        if self.wrk is not None:
            script = self.folder / f"{endpoint.key}.lua"
            paths = ",".join(json.dumps(p) for p in endpoint.paths)
            walk = "true" if endpoint.walk else "false"
            tail = ", ".join(f"{p:g}" for p in TAIL_PERCENTILES)
            headers = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in endpoint.headers)
            script.write_text(LUA % (paths, headers, walk, start, start + 1, tail))
            # wrk counts whole seconds.
            whole = max(1, round(seconds))
            command = [self.wrk, "-t1", f"-c{self.connections}", f"-d{whole}s", "--latency"]
            command += ["-s", str(script), url]
        else:
            listed = self.folder / f"{endpoint.key}.txt"
            listed.write_text("\n".join(endpoint.paths))
            command = [sys.executable, "-m", "bench.loadgen", url, str(listed)]
            command += ["--connections", str(self.connections), "--duration", str(seconds)]
            command += ["--walk", str(start)] if endpoint.walk else []
            for name, value in endpoint.headers:
                command += ["--header", f"{name}: {value}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        for line in done.stdout.splitlines():
            if line.startswith("RESULT "):
                found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
                return found
        raise RuntimeError(f"no result from the load generator: {done.stdout[-500:]}{done.stderr}")


def _tool(log: list[str]) -> tuple[str | None, str, str]:
    wrk = find_wrk(log)
    tool = "wrk" if wrk else "bench/loadgen.py (Python)"
    if wrk:
        version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
        tool = f"{version.split()[0]} {version.split()[1]}" if version.strip() else "wrk"
    note = " ".join(log) or ("" if wrk else "wrk could not be had; the Python fallback ran.")
    return wrk, tool, note


def run_http(
    postcodes: Postcodes,
    workers: Sequence[int],
    connections: int,
    duration: float,
    warmup: float,
    rounds: int,
    keys: frozenset[str] | None = None,
) -> HttpResult:
    """Load on the service with each worker count; `keys`: only those endpoints."""
    wrk, tool, note = _tool([])
    result = HttpResult(tool, note, connections, duration, rounds, len(postcodes.pool))
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        folder = Path(tmp)
        load = Generator(wrk, connections, folder)
        for n in workers:
            with ExitStack() as stack:
                servers = {PRODUCT: stack.enter_context(Service(folder, n))}
                if n == 1:
                    peer = Service(folder, 1, command=peer_command())
                    servers[PEER] = stack.enter_context(peer)
                    result.agreement = agree(servers[PRODUCT], servers[PEER], postcodes.sample)
                    print(f"  peer agreement: {result.agreement.summary()}", flush=True)
                granian = granian_command()
                if n == 1 and granian is not None and _wanted(keys, GRANIAN_UNIQUE):
                    servers[GRANIAN] = stack.enter_context(Service(folder, 1, command=granian))
                if n == 1 and _wanted(keys, UVLOOP_UNIQUE):
                    # The same command on the other event loop, whose tail is compared.
                    uvloop = Service(folder, 1, extra_env={"SAFEPLACES_SERVER__LOOP": "uvloop"})
                    servers[UVLOOP] = stack.enter_context(uvloop)
                targets = endpoints(
                    postcodes, PEER in servers, GRANIAN in servers, UVLOOP in servers
                )
                targets = [e for e in targets if keys is None or e.key in keys]
                result.endpoints += [e for e in targets if e not in result.endpoints]
                _rounds(result, load, servers, targets, n, warmup)
    return result


def _wanted(keys: frozenset[str] | None, key: str) -> bool:
    return keys is None or key in keys


def _rounds(
    result: HttpResult,
    load: Generator,
    servers: dict[str, Service],
    targets: list[Endpoint],
    workers: int,
    warmup: float,
) -> None:
    """Every endpoint in turn, `result.rounds` times, each after a warm-up run of its own."""
    for endpoint in targets:  # every path answers 200 before any timing (none of the walk's)
        if not endpoint.walk:
            servers[endpoint.server].get(endpoint.paths[0])
    cursor = dict.fromkeys(servers, 0)  # where each server's walk has got to
    for r in range(result.rounds):
        shift = r % len(targets)
        for endpoint in targets[shift:] + targets[:shift]:
            server = servers[endpoint.server]
            for seconds in (warmup, result.duration_s):
                start = cursor[endpoint.server] % len(endpoint.paths)
                got = load.run(server.url, endpoint, seconds, start)
                if endpoint.walk:  # and the requests still under way when the run ended
                    cursor[endpoint.server] += int(got["requests"]) + load.connections
            run = LoadRun(
                endpoint.key,
                workers,
                r,
                int(got["requests"]),
                got["duration_us"] / 1e6,
                got["p50_us"] / 1e6,
                got["p99_us"] / 1e6,
                int(got["errors"] + got["non2xx"]),
                endpoint.walk and got["requests"] + load.connections > len(endpoint.paths),
                tuple((float(p), us / 1e6) for p, us in got.get("tail_us", ())),
            )
            result.runs.append(run)
            print(
                f"  {workers} worker{'s' if workers > 1 else ''}, round {r + 1}, "
                f"{endpoint.key}: {run.per_s:,.0f} req/s, p50 {run.p50_s * 1e3:.1f} ms, "
                f"p99 {run.p99_s * 1e3:.1f} ms"
                + (f", {run.failed} FAILED" if run.failed else "")
                + (", SOME POSTCODES TWICE" if run.repeated else ""),
                flush=True,
            )
