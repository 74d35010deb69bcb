"""The p99 of several load runs' requests together, from the few percentiles each run reports."""

from __future__ import annotations

import numpy as np
import pytest

from bench.load import HttpResult, LoadRun, pooled_percentile
from bench.workload import TAIL_PERCENTILES, UNIQUE


def _run(latencies: np.ndarray, round_: int = 0) -> LoadRun:
    """A run as the load generators report it: its latencies at TAIL_PERCENTILES and the max."""
    ordered = np.sort(latencies)

    def at(p: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))])

    tail = tuple((float(p), at(p)) for p in TAIL_PERCENTILES) + ((100.0, float(ordered[-1])),)
    return LoadRun(UNIQUE, 1, round_, len(ordered), 5.0, at(50), at(99), 0, tail=tail)


def test_one_run_s_pooled_p99_is_its_own() -> None:
    run = _run(np.random.default_rng(1).gamma(4, 0.005, 8000))
    assert pooled_percentile([run], 99) == pytest.approx(run.p99_s, rel=1e-6)


def test_a_stall_in_one_round_counts_for_its_share_of_all_the_requests() -> None:
    rng = np.random.default_rng(2)
    calm = [rng.gamma(9, 0.002, 8000) for _ in range(2)]
    # One round where 2% of the requests waited 100 ms more: its own p99 is over 100 ms.
    stalled = rng.gamma(9, 0.002, 8000)
    stalled[:160] += 0.100
    runs = [_run(x, i) for i, x in enumerate([*calm, stalled])]
    everything = np.concatenate([*calm, stalled])
    truth = float(np.percentile(everything, 99))
    pooled = pooled_percentile(runs, 99)
    assert pooled is not None
    assert runs[2].p99_s > 0.1 > pooled
    assert pooled == pytest.approx(truth, rel=0.15)


def test_rounds_of_different_lengths_are_weighted_by_their_requests() -> None:
    rng = np.random.default_rng(3)
    fast, slow = rng.gamma(9, 0.001, 9000), rng.gamma(9, 0.004, 1000)
    pooled = pooled_percentile([_run(fast, 0), _run(slow, 1)], 99)
    truth = float(np.percentile(np.concatenate([fast, slow]), 99))
    assert pooled == pytest.approx(truth, rel=0.15)


def test_without_the_tails_there_is_no_pooled_p99() -> None:
    bare = LoadRun(UNIQUE, 1, 0, 100, 1.0, 0.01, 0.02, 0)
    assert pooled_percentile([bare], 99) is None
    assert pooled_percentile([], 99) is None
    result = HttpResult("wrk", "", 32, 5.0, 1, 10, runs=[bare])
    assert result.pooled_p99(UNIQUE, 1) is None
    p99 = result.p99(UNIQUE, 1)
    assert p99 is not None and p99.median == 0.02
