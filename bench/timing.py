"""Timing helpers: medians over repeats, with methods interleaved so drift hits them alike."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timing:
    """Seconds per operation, one value per repeat."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the repeats were."""
        m = self.median
        return (max(self.samples) - min(self.samples)) / m if m > 0 else 0.0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collect, then keep the garbage collector out of the timed region."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def time_once(fn: Callable[[], object]) -> float:
    """Wall-clock seconds for one call of `fn`, garbage collector paused."""
    with gc_paused():
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start


def interleaved(
    loops: Mapping[str, Callable[[], object]],
    *,
    repeats: int,
    ops: int | Mapping[str, int] = 1,
) -> dict[str, Timing]:
    """Time each loop `repeats` times, taking turns (rotating the order every repeat).

    Each sample is the loop's total time divided by `ops`, the operations one loop does (one
    number for all, or one for each loop).
    """
    names = list(loops)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            n = ops if isinstance(ops, int) else ops[name]
            samples[name].append(time_once(loops[name]) / n)
    return {name: Timing(tuple(s)) for name, s in samples.items()}


def paired_ratio(a: Timing, b: Timing) -> float:
    """Median over repeats of a/b, pairing the samples taken in the same repeat."""
    return statistics.median(x / y for x, y in zip(a.samples, b.samples, strict=True))


def ratios(a: Timing, b: Timing) -> Timing:
    """a/b in each repeat, pairing the samples taken in the same repeat (median and spread)."""
    return Timing(tuple(x / y for x, y in zip(a.samples, b.samples, strict=True)))


def fmt_us(seconds: float) -> str:
    us = seconds * 1e6
    if us >= 100:
        return f"{us:,.0f} µs"
    if us >= 10:
        return f"{us:.1f} µs"
    return f"{us:.2f} µs"


def fmt_s(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:,.1f} ms"
