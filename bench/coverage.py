"""Coverage of every live postcode in the shared Derbyshire data, as `safeplaces report
coverage` computes it: the nearest Safe Place and police office of each postcode (one batch
query per kind), the coverage tables and the greedy recruitment ranking."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from api.settings import Settings
from bench.timing import Timing, interleaved
from geodata.candidates import load_candidates
from geodata.datasets import load_datasets
from locator import coverage
from locator.settings import DataSettings
from reports.coverage import build_coverage
from reports.inputs import service_postcodes

WHOLE = "build_coverage (everything)"
POSTCODES = "read the postcodes"
NEAREST = "nearest Safe Place and police office"
TABLES = "coverage tables"
RECRUIT = "recruitment ranking"


@dataclass(frozen=True, slots=True)
class CoverageResult:
    postcodes: int
    places: int
    candidates: int
    picks: int
    within_800m_pct: float
    timings: dict[str, Timing]

    @property
    def whole(self) -> Timing:
        return self.timings[WHOLE]


def run_coverage(repeats: int) -> CoverageResult:
    """Time the whole coverage computation and its parts, the median over `repeats` each.

    The place database is a throw-away SQLite file seeded from the open data, so the
    benchmark writes nothing outside bench/ and docs/. Loading the data (`load_datasets`,
    what the service does once at start) is not timed.
    """
    with tempfile.TemporaryDirectory(prefix="bench-coverage-") as tmp:
        base = Settings()
        settings = Settings(
            data=DataSettings(dir=base.data.dir, cache_dir=Path(tmp) / "cache"),
            database_url=f"sqlite:///{Path(tmp) / 'places.db'}",
        )
        datasets = load_datasets(settings)
        index = datasets.locator(settings).index
        postcodes = service_postcodes(settings, datasets.area)
        table = coverage.nearest_help(postcodes, index)
        data = settings.data
        candidates = load_candidates(data.path(data.candidates_file), datasets.gazetteer).frame
        report = build_coverage(datasets, settings)  # and a warm-up

        def tables() -> None:
            coverage.coverage_by(table)
            coverage.coverage_by(table, "local_authority_code")
            coverage.worst_served(coverage.coverage_by(table, "district"))
            coverage.distance_histogram(table["safe_place_m"])

        timings = interleaved(
            {
                WHOLE: lambda: build_coverage(datasets, settings),
                POSTCODES: lambda: service_postcodes(settings, datasets.area),
                NEAREST: lambda: coverage.nearest_help(postcodes, index),
                TABLES: tables,
                RECRUIT: lambda: coverage.recruit(table, candidates),
            },
            repeats=repeats,
        )
        datasets.store.engine.dispose()
        datasets.store.writer.dispose()
    return CoverageResult(
        postcodes=len(report.postcodes),
        places=len(report.venues),
        candidates=report.candidates,
        picks=len(report.recruitment.picks),
        within_800m_pct=report.recruitment.before_pct,
        timings=timings,
    )
