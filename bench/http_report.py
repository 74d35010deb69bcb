"""Markdown for the service as a process: start-up, HTTP load against ping and the minimal
peer, and public requests while staff work runs."""

from __future__ import annotations

from bench.load import HttpResult
from bench.markdown import fmt_ms, fmt_ratio, fmt_spread, table
from bench.results import Results
from bench.timing import Timing, fmt_s
from bench.workload import CEILING


def http_table(h: HttpResult) -> str:
    rows = []
    for n in sorted({r.workers for r in h.runs}):
        for e in h.endpoints:
            rate, run = h.rate(e.key, n), h.median(e.key, n)
            if rate is None or run is None:
                continue
            ceiling = h.ratio(e.key, CEILING, n)
            rows.append(
                [
                    e.label,
                    str(n),
                    f"{rate.median:,.0f}",
                    fmt_spread(rate),
                    fmt_ms(run.p50_s),
                    fmt_ms(_p99(h, e.key, n, run.p99_s)),
                    "1.00×" if e.key == CEILING or ceiling is None else fmt_ratio(ceiling.median),
                    str(sum(r.failed for r in h.runs_of(e.key, n))),
                    e.note + (" **(some postcodes twice in a run)**" if _twice(h, e.key) else ""),
                ]
            )
    return table(
        ["Endpoint", "Workers", "Requests/s", "Spread", "p50", "p99", "÷ ping", "Failed", "Note"],
        rows,
    )


def _p99(h: HttpResult, key: str, workers: int, median_round: float) -> float:
    """Every round's requests' p99 together; the median round's without the tails."""
    pooled = h.pooled_p99(key, workers)
    return median_round if pooled is None else pooled


def _twice(h: HttpResult, key: str) -> bool:
    return any(r.repeated for r in h.runs if r.endpoint == key)


def http_section(results: Results) -> str:
    h = results.http
    if h is None:
        return ""
    agreement = (
        f"\n\nThe service and the peer, asked the same {h.agreement.checked:,} postcodes "
        f"(kept out of the load) before any load: {h.agreement.summary()}."
        if h.agreement
        else ""
    )
    return (
        "## 2. HTTP load\n\n"
        f"`safeplaces serve --workers N` as its own process on 127.0.0.1, on a new SQLite "
        f"database seeded from the shared data; beside it, with 1 worker, the minimal peer "
        f"(`bench/peer.py`: FastAPI, the postcodes in a dict, the places in scipy's cKDTree on "
        f"the grid, each place's JSON fields made at start, orjson; the same database and "
        f"postcode file, the same uvicorn settings, event loop and HTTP protocol, "
        f"api/protocol.py). The "
        f"load generator ({h.tool}) runs in "
        f"another process with {h.connections} keep-alive connections, each sending its next "
        f"request when the last answer is in, for {h.duration_s:g} s after "
        f"{results.config.http_warmup:g} s of warm-up; {h.rounds} rounds, the endpoints "
        "taking turns in each (the order rotates from round to round). Requests/s is the "
        "median over rounds and its spread; p50 is the median round's; p99 is that of every "
        "round's requests together (each round's own p99, their median and spread, are in "
        'the targets); "÷ ping" is the median over rounds of the endpoint\'s requests/s over '
        "`/api/v1/ping`'s in the same round.\n\n"
        f"**Every request a new postcode**: the {h.pool:,} live postcodes inside the service "
        "area, shuffled, sent one after another, so none comes twice in a run; each run "
        "carries on where the service's last one stopped, so a postcode comes round again "
        f"only after all {h.pool:,} others, when the service's answer cache (2,048 answers) "
        "has long let it go: every one of these searches is a miss. The peer walks the same "
        "postcodes in the same order. **Cache hits** (one postcode again and again) are the "
        "second row. Server and load generator share the machine's 2 cores."
        + (f" {h.tool_note}" if h.tool_note else "")
        + f"{agreement}\n\n{http_table(h)}\n"
    )


def _timing_row(label: str, timing: Timing) -> list[str]:
    return [label, fmt_s(timing.median), fmt_spread(timing), str(len(timing.samples))]


def startup_section(results: Results) -> str:
    s = results.startup
    if s is None:
        return ""
    first = "… the first start (new database seeded, caches and bytecode written)"
    cpu = "… the server's CPU (user + system) up to that 200"
    rows = [
        _timing_row("exec of `safeplaces serve` to the first 200 from `/readyz`", s.ready),
        [first, fmt_s(s.first_s), "", "1"],
        *([_timing_row(cpu, s.ready_cpu)] if s.ready_cpu is not None else []),
        _timing_row(
            "… with no bytecode: every module compiled from source at each start",
            s.ready_uncompiled,
        ),
        _timing_row("`import api.app` in a fresh interpreter, CPU", s.import_cpu),
        _timing_row("`import api.app` in a fresh interpreter, wall clock", s.import_wall),
        _timing_row("`import api.app`, CPU, with no bytecode", s.import_cpu_uncompiled),
    ]
    return (
        "## Start-up\n\n"
        "`safeplaces serve` (1 worker) on the Derbyshire data in a fresh process each time, "
        "on a database made and seeded by a first start; timed from exec to the first 200 "
        "from `/readyz`, polled every 10 ms. From compiled bytecode, as an installed service "
        "starts (the Docker image compiles it at build, pip at install, Python at a first "
        "import), written by the first start into the benchmark's folder; and, taking turns "
        "with those starts, with none written or read but what the install holds, as a shell "
        "with `PYTHONDONTWRITEBYTECODE` set over a `uv sync` (which compiles nothing) runs "
        "it.\n\n" + table(["", "Median", "Spread", "Runs"], rows) + "\n"
    )


def stall_section(results: Results) -> str:
    if not results.stalls:
        return ""
    rows = [
        [
            s.label,
            f"{s.busy_s:.0f} s",
            f"{s.busy:,}",
            fmt_ms(s.busy_p99_s),
            f"{s.quiet:,}",
            fmt_ms(s.quiet_p99_s),
            fmt_ratio(s.ratio),
        ]
        for s in results.stalls
    ]
    return (
        "## Public requests while staff work runs\n\n"
        "`safeplaces serve` (1 worker) on a new database; two public clients look up "
        "postcodes (a new real one each time), each pausing 20 ms between lookups, for 3 s "
        "with nothing else going on, then for as long as the staff work lasts (bench/stall.py). "
        "The 99th percentile of each set: a shared machine delays the odd request whatever "
        "the service does.\n\n"
        + table(
            [
                "Staff work",
                "Lasted",
                "Lookups during it",
                "p99 during it",
                "Lookups before",
                "p99 before",
                "÷ before",
            ],
            rows,
        )
        + "\n"
    )
