"""Markdown tables and the number formats the report's tables share."""

from __future__ import annotations

from collections.abc import Sequence

from bench.timing import Timing


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A Markdown table; the first `left` columns are left-aligned, the rest right-aligned."""
    align = ["---" if i < left else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}×"


def fmt_pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole > 0 else "–"


def fmt_spread(t: Timing) -> str:
    return f"±{50 * t.spread:.0f}%"


def fmt_mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"
