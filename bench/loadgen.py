"""A small HTTP/1.1 load generator, for when wrk can't be had: `python -m bench.loadgen`.

It runs in a process of its own (like wrk), keeps `connections` keep-alive connections busy
for `duration` seconds, each sending the next path as soon as its previous answer is read,
and prints one JSON line: requests, seconds, latency p50/p99 (µs) and errors. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.workload import TAIL_PERCENTILES


async def _connection(
    host: str,
    port: int,
    pick: Callable[[], str],
    until: float,
    latencies: list[float],
    counts: dict[str, int],
    headers: str = "",
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            path = pick()
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n".encode())
            status_line = await reader.readline()
            length = 0
            chunked = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip() or b"0", 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            counts["requests"] += 1
            if not status_line.split(b" ", 2)[1:2] or not status_line.split()[1].startswith(b"2"):
                counts["non2xx"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        counts["errors"] += 1
    finally:
        writer.close()


def _picker(paths: Sequence[str], walk: int | None) -> Callable[[], str]:
    """Paths at random, or (`walk` = where to start) one after another, each once a lap."""
    if walk is None:
        rng = random.Random(0)
        return lambda: paths[rng.randrange(len(paths))]
    at = [walk]

    def following() -> str:
        at[0] = (at[0] + 1) % len(paths)
        return paths[at[0] - 1]

    return following


async def _run(
    url: str,
    paths: Sequence[str],
    connections: int,
    duration: float,
    walk: int | None = None,
    headers: Sequence[str] = (),
) -> dict[str, Any]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    counts = {"requests": 0, "non2xx": 0, "errors": 0}
    started = time.perf_counter()
    until = started + duration
    pick = _picker(paths, walk)
    lines = "".join(f"{h}\r\n" for h in headers)
    await asyncio.gather(
        *(
            _connection(host, int(port), pick, until, latencies, counts, lines)
            for _ in range(connections)
        )
    )
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6
            if latencies
            else 0.0
        )

    return {
        "requests": counts["requests"],
        "duration_us": seconds * 1e6,
        "p50_us": pct(50),
        "p99_us": pct(99),
        "errors": counts["errors"],
        "non2xx": counts["non2xx"],
        "tail_us": [[p, pct(p)] for p in TAIL_PERCENTILES] + [[100, pct(100)]],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("url", help="http://127.0.0.1:PORT")
    parser.add_argument("paths", type=Path, help="a file of paths, one a line")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--walk", type=int, default=None, help="send the paths in order, from this one"
    )
    parser.add_argument(
        "--header", action="append", default=[], help='a request header, "Name: value"'
    )
    args = parser.parse_args(argv)
    if not args.url.startswith(("http://127.", "http://localhost")):
        print("loopback addresses only", file=sys.stderr)
        return 2
    paths = args.paths.read_text().split()
    run = _run(args.url, paths, args.connections, args.duration, args.walk, args.header)
    result = asyncio.run(run)
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
