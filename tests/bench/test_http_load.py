"""The HTTP part of the benchmarks runs, on the synthetic data with tiny numbers: the service
and the minimal peer as real processes, a real load generator, the walk through the postcodes.
What the figures are is for `make bench`; here only that they are there and come out right."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings
from bench.data import walk_postcodes
from bench.findings import http_findings
from bench.http_report import http_section
from bench.load import HttpResult, run_http
from bench.loadgen import _picker
from bench.results import Config, Results
from bench.targets import targets_table
from bench.workload import (
    CEILING,
    GRANIAN_CEILING,
    GRANIAN_UNIQUE,
    PEER_UNIQUE,
    UNIQUE,
    UVLOOP_CEILING,
    UVLOOP_UNIQUE,
    Postcodes,
)


@pytest.fixture
def on_synthetic_data(synthetic_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The service and the peer are started as processes: they read the data from the env.
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(synthetic_settings.data.dir))
    return synthetic_settings.data.dir


def test_the_walk_sends_every_path_once_a_lap_from_where_it_is_told() -> None:
    pick = _picker(["a", "b", "c"], walk=1)
    assert [pick() for _ in range(5)] == ["b", "c", "a", "b", "c"]


def test_the_postcodes_are_dealt_without_overlap(on_synthetic_data: Path) -> None:
    codes = walk_postcodes()
    assert "DE4 3ZZ" not in codes  # no longer in use
    dealt = Postcodes.deal(codes, sample=10, seed=3)
    everything = [*dealt.sample, dealt.hit, *dealt.pool]
    assert sorted(everything) == sorted(codes)


def test_the_service_and_the_peer_take_turns_and_agree(on_synthetic_data: Path) -> None:
    postcodes = Postcodes.deal(walk_postcodes(), sample=1, seed=5)
    keys = frozenset({UNIQUE, CEILING, PEER_UNIQUE})
    result = run_http(postcodes, (1,), 2, duration=1, warmup=1, rounds=2, keys=keys)
    assert result.agreement is not None
    assert result.agreement.checked == result.agreement.same == 1
    assert result.agreement.fields_differ == []
    for key in keys:
        runs = result.runs_of(key, 1)
        assert [r.round for r in runs] == [0, 1]
        assert all(r.requests > 0 and r.failed == 0 for r in runs)
    ratio = result.ratio(UNIQUE, PEER_UNIQUE, 1)
    assert ratio is not None and len(ratio.samples) == 2 and ratio.median > 0
    # Three postcodes in the walk: a run this long sends some twice, and says so.
    assert any(r.repeated for r in result.runs_of(UNIQUE, 1))
    results = Results(_config(), {})
    results.http = result
    assert "minimal peer" in http_section(results)
    assert "Unique-postcode `/api/v1/places/nearest` at least 0.9×" in targets_table(results)


def test_the_service_under_granian_answers_the_same_walk(on_synthetic_data: Path) -> None:
    result, section = _one_round_of(GRANIAN_UNIQUE, GRANIAN_CEILING)
    assert "the service under granian" in section
    assert any("under granian instead of uvicorn" in line for line in http_findings(result))


def test_the_service_on_uvloop_answers_the_same_walk_beside_asyncio(
    on_synthetic_data: Path,
) -> None:
    """The other event loop, in the same rounds: its rows, and a finding that compares the
    slowest answers of each."""
    result, section = _one_round_of(UVLOOP_UNIQUE, UVLOOP_CEILING)
    assert "the service on uvloop" in section
    (line,) = [f for f in http_findings(result) if "on uvloop instead of asyncio" in f]
    assert "p99.9" in line and "slowest" in line and "`/api/v1/ping`" in line, line


def _one_round_of(*others: str) -> tuple[HttpResult, str]:
    """One round of the service's searches and pings and of `others`, each answered without
    a failure; the result and its section of the report."""
    postcodes = Postcodes.deal(walk_postcodes(), sample=1, seed=5)
    keys = frozenset({UNIQUE, CEILING, *others})
    # A first search under load can take a second or more (imports, the first answers).
    result = run_http(postcodes, (1,), 2, duration=2, warmup=3, rounds=1, keys=keys)
    for key in keys:
        (run,) = result.runs_of(key, 1)
        assert run.requests > 0 and run.failed == 0, key
    results = Results(_config(), {})
    results.http = result
    return result, http_section(results)


def _config() -> Config:
    from bench.__main__ import config

    return config(quick=True, seed=1)
