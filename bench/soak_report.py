"""The soak's report: requests and latencies by kind, the editors, the imports and the checks,
as text for the terminal and as the figures section of docs/reliability.md."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.cpu import CpuTimes
from bench.machine import describe
from bench.markdown import table
from bench.soak_checks import Check
from bench.soak_clients import READ_KINDS, STALL_S, EditorStats, Recorder
from bench.soak_import import ImportRun

BEGIN = "<!-- soak figures: begin (written by `python -m bench.soak --markdown`) -->"
END = "<!-- soak figures: end -->"


@dataclass
class SoakRun:
    """Everything one soak measured and found."""

    seconds: float
    workers: int
    readers: int
    think_s: float
    rec: Recorder
    editors: list[EditorStats]
    imports: list[ImportRun]
    checks: list[Check] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    overwritten: tuple[int, int] = (0, 0)  # by imports; of those, after the preview
    places: int = 0
    command: str = "python -m bench.soak"
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load, before and after
    server_cpu: CpuTimes = CpuTimes(0.0, 0.0)
    client_cpu: CpuTimes = CpuTimes(0.0, 0.0)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def _pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


def _count(statuses: Sequence[int], low: int, high: int) -> str:
    return f"{sum(1 for s in statuses if low <= s < high):,}"


def kind_rows(rec: Recorder) -> list[list[str]]:
    rows = []
    for kind in sorted(rec.samples, key=lambda k: -len(rec.samples[k])):
        statuses = [status for status, _, _ in rec.samples[kind]]
        times = [seconds for _, seconds, _ in rec.samples[kind]]
        counts = [_count(statuses, *bounds) for bounds in ((200, 400), (400, 500), (500, 600))]
        rows.append(
            [
                kind,
                f"{len(times):,}",
                *counts,
                _count(statuses, 0, 1),
                *(_ms(_pct(times, p)) for p in (50, 95, 99)),
                _ms(max(times)),
            ]
        )
    return rows


KIND_HEADERS = ["Kind", "Requests", "2xx/3xx", "4xx", "5xx", "No answer", "p50", "p95", "p99"]
KIND_HEADERS += ["Max"]


def editor_rows(editors: Sequence[EditorStats]) -> list[list[str]]:
    return [
        [e.email, f"{e.saved:,}", f"{e.retries_412:,}", f"{e.gave_up}", f"{e.failed}"]
        for e in editors
    ]


def import_rows(imports: Sequence[ImportRun]) -> list[list[str]]:
    return [
        [
            str(r.number),
            f"{r.started_at:.0f} s",
            f"{len(r.expected)} changed, {len(r.added)} new",
            r.status,
            f"{r.applied}",
            f"{r.retries_412}",
            f"{r.seconds:.2f} s",
        ]
        for r in imports
    ]


# The import steps that check or apply a file: while one runs, does anyone else wait?
IMPORT_WORK = ("import-upload", "import-confirm")


def _import_work(rec: Recorder) -> list[tuple[float, float]]:
    return [(at, at + s) for kind in IMPORT_WORK for _, s, at in rec.samples.get(kind, [])]


def silences(rec: Recorder) -> tuple[tuple[float, float], tuple[float, float]]:
    """The longest time in which no answer at all arrived (seconds, and when it began),
    overlapping an import's upload or confirm, and at other times. A worker whose event
    loop is blocked sends nothing; a busy machine slows answers but rarely stops them all."""
    ends = sorted(at + s for samples in rec.samples.values() for _, s, at in samples)
    busy = _import_work(rec)
    during = outside = (0.0, 0.0)
    for a, b in zip(ends, ends[1:], strict=False):
        if any(a < end and b > start for start, end in busy):
            during = max(during, (b - a, a))
        else:
            outside = max(outside, (b - a, a))
    return during, outside


def window_rows(run: SoakRun) -> list[list[str]]:
    """Public reads in flight while an import's upload or confirm was being answered (the
    steps that check and apply the file), and the rest."""
    busy = _import_work(run.rec)
    during: list[float] = []
    outside: list[float] = []
    for kind in READ_KINDS:
        for _, seconds, at in run.rec.samples.get(kind, []):
            overlaps = any(at < end and at + seconds > start for start, end in busy)
            (during if overlaps else outside).append(seconds)
    return [
        [name, f"{len(times):,}", *(_ms(_pct(times, p)) for p in (50, 99)), _ms(max(times))]
        for name, times in (("During an upload or confirm", during), ("The rest", outside))
        if times
    ]


def slowest_by_slice(rec: Recorder, seconds: float, slices: int = 12) -> str:
    """The slowest request that started in each slice of the run: a stall at one moment
    (start, an import) or all along."""
    width = seconds / slices
    worst = [0.0] * slices
    for samples in rec.samples.values():
        for _, s, at in samples:
            i = min(slices - 1, max(0, int(at / width)))
            worst[i] = max(worst[i], s)
    return ", ".join(f"{_ms(w)}" for w in worst)


WINDOW_HEADERS = ["Public reads", "Requests", "p50", "p99", "Max"]


def _stall_lines(run: SoakRun) -> list[str]:
    """The slowest requests, each saying whether an import's upload or confirm overlapped."""
    worst = sorted(run.rec.stalls, key=lambda s: -s[2])[:8]
    busy = _import_work(run.rec)
    lines = []
    for kind, at, seconds, status in worst:
        overlaps = any(at < end and at + seconds > start for start, end in busy)
        when = "during an import's upload or confirm" if overlaps else "no import step running"
        lines.append(f"{kind} at {at:.1f} s: {seconds:.2f} s (status {status}, {when})")
    return lines


def _facts(run: SoakRun) -> list[str]:
    """The run in sentences: the load, what imports replaced, and the CPU account."""
    total = sum(len(v) for v in run.rec.samples.values())
    lag = max(run.lags, default=0.0)
    return [
        f"`{run.command}`: {total:,} requests in {run.seconds:.0f} s "
        f"({total / run.seconds:,.0f}/s) by {run.readers} readers (pausing {run.think_s:g} s "
        f"on average between requests), {len(run.editors)} editors and 1 importer, against "
        f"{run.workers} worker{'s' if run.workers > 1 else ''}; {run.places} places at the end.",
        f"Editors' saved values that an import then replaced (kept in the history): "
        f"{run.overwritten[0]}, of which {run.overwritten[1]} were saved after the preview "
        f"was shown: the confirm replaced them without the importer having seen them.",
        f"CPU: the service {_share(run.server_cpu, run)}; the soak's client "
        f"{_share(run.client_cpu, run)}. The machine's load average (1 minute) was "
        f"{run.load[0]:.1f} before and {run.load[1]:.1f} after.",
        f"The client's event loop woke at most {_ms(lag)} late (p99 {_ms(_pct(run.lags, 99))}).",
        f"The slowest request in each twelfth of the run: "
        f"{slowest_by_slice(run.rec, run.seconds)}.",
        _silence_words(run.rec),
    ]


def _silence_words(rec: Recorder) -> str:
    (during, at), (outside, when) = silences(rec)
    return (
        f"The longest time with no answer arriving at all: {_ms(during)} (at {at:.1f} s) "
        f"overlapping an import's upload or confirm, {_ms(outside)} (at {when:.1f} s) "
        f"at any other time."
    )


def _share(cpu: CpuTimes, run: SoakRun) -> str:
    return (
        f"used {cpu.used_s:,.0f} s ({100 * cpu.used_s / run.seconds:.0f}% of one core) and "
        f"waited {cpu.waiting_s:,.0f} s in the run queue for a CPU"
    )


def text(run: SoakRun) -> str:
    def plain(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        widths = [max(len(x) for x in col) for col in zip(headers, *rows, strict=False)]
        fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
        return "\n".join(fmt.format(*r) for r in [headers, *rows])

    parts = [
        "\n".join(_facts(run)),
        plain(KIND_HEADERS, kind_rows(run.rec)),
        plain(WINDOW_HEADERS, window_rows(run)),
        plain(EDITOR_HEADERS, editor_rows(run.editors)),
        plain(IMPORT_HEADERS, import_rows(run.imports)),
    ]
    if run.rec.stalls:
        parts.append("Slowest requests:\n" + "\n".join(f"  {s}" for s in _stall_lines(run)))
    parts.append(
        "\n".join(f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.detail}" for c in run.checks)
    )
    return "\n\n".join(parts)


EDITOR_HEADERS = ["Editor", "Saved", "412 retries", "Gave up", "Failed"]
IMPORT_HEADERS = ["Import", "At", "File", "Result", "Applied", "412 retries", "Took"]


def markdown(run: SoakRun) -> str:
    machine = describe()
    checks = "\n".join(f"- {'✅' if c.ok else '❌'} **{c.name}**: {c.detail}." for c in run.checks)
    stalls = "\n".join(f"- {s}" for s in _stall_lines(run)) or "- none"
    return "\n\n".join(
        [
            f"Run on {machine['Date']}: {machine['CPU']}, {machine['Cores']} cores, "
            f"{machine['OS']}, {machine['Python']}. Result: "
            f"**{'every check passed' if run.ok else 'some checks FAILED'}**.",
            "\n".join(f"- {f}" for f in _facts(run)),
            "Requests by kind (latency as the client saw it, body read in full):",
            table(KIND_HEADERS, kind_rows(run.rec)),
            "Public reads (nearest, find, OGC items, healthz) in flight while an import's "
            "upload or confirm was being answered, and the rest:",
            table(WINDOW_HEADERS, window_rows(run)),
            "Editors (staff API, bearer tokens, If-Match):",
            table(EDITOR_HEADERS, editor_rows(run.editors)),
            "Imports (staff pages: upload, preview, confirm):",
            table(IMPORT_HEADERS, import_rows(run.imports)),
            "Checks:",
            checks,
            f"Requests over {STALL_S:g} s (the slowest {min(8, len(run.rec.stalls))} of "
            f"{len(run.rec.stalls)}):",
            stalls,
        ]
    )


def rewrite(path: Path, section: str) -> None:
    """Replace the marked figures section of `path` with `section`."""
    doc = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(doc):
        raise SystemExit(f"{path} has no soak figures markers ({BEGIN} … {END}).")
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n\n{section}\n\n{END}", doc), encoding="utf-8")
