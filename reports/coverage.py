"""The coverage report's figures: how far every live postcode in the service area is from the
nearest Safe Place and police enquiry office, and the places to recruit next.

The analysis lives in `locator.coverage`; this module gathers its inputs (the postcodes of the
service area, the candidate venues, the places in the database) and runs it in order.
`reports.coverage_page` writes the result as CSV files and one HTML page; the notebooks in
`notebooks/` call the same functions one step at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

import pandas as pd

from geodata.candidates import load_candidates
from geodata.datasets import Datasets
from geodata.venues import RowProblem
from locator.area import ServiceArea
from locator.coverage import (
    RECRUIT_RADIUS_M,
    THRESHOLDS_M,
    Recruitment,
    coverage_by,
    distance_histogram,
    nearest_help,
    recruit,
    worst_served,
)
from locator.settings import ServiceSettings
from locator.venues import Venue
from reports.inputs import local_authority_names, service_postcodes
from reports.progress import Progress, quiet

COVERAGE_STEPS: Final = (
    "Reading postcodes and candidates",
    "Measuring to the nearest help",
    "Coverage tables",
    "Choosing where to recruit",
    "Drawing the map",
    "Writing the files",
)


@dataclass
class CoverageReport:
    """Everything the coverage report shows, as pandas tables (`coverage_page` writes them)."""

    postcodes: pd.DataFrame  # every postcode with its nearest Safe Place and police office
    summary: pd.DataFrame
    by_local_authority: pd.DataFrame
    by_district: pd.DataFrame
    worst_districts: pd.DataFrame
    histogram: pd.DataFrame
    recruitment: Recruitment
    venues: list[Venue]
    area: ServiceArea
    candidates: int
    candidate_problems: list[RowProblem] = field(default_factory=list)
    thresholds: tuple[float, ...] = tuple(float(t) for t in THRESHOLDS_M)
    walking_speed_kmh: float = 4.8
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))


def build_coverage(
    datasets: Datasets, settings: ServiceSettings, k: int = 20, progress: Progress = quiet
) -> CoverageReport:
    """Coverage of every live postcode in the service area, and the top `k` places to recruit.

    Parameters
    ----------
    datasets
        From `load_datasets`: the places are read from its database now.
    settings
        Where the postcode and candidate files are; the walking speed.
    k
        How many recruitment picks.
    progress
        Called with each of `COVERAGE_STEPS` (up to "Choosing where to recruit") as it starts.
    """
    progress(COVERAGE_STEPS[0])
    postcodes = service_postcodes(settings, datasets.area)
    data = settings.data
    candidates = load_candidates(data.path(data.candidates_file), datasets.gazetteer)
    names = local_authority_names(settings)
    progress(COVERAGE_STEPS[1])
    index = datasets.locator(settings).index
    table = nearest_help(postcodes, index)
    progress(COVERAGE_STEPS[2])
    by_district = coverage_by(table, "district")
    present = set(table["local_authority_code"].tolist())
    report_names = {code: name for code, name in names.items() if code in present}
    progress(COVERAGE_STEPS[3])
    recruitment = recruit(table, candidates.frame, RECRUIT_RADIUS_M, k)
    return CoverageReport(
        postcodes=table,
        summary=coverage_by(table),
        by_local_authority=coverage_by(table, "local_authority_code", names=report_names),
        by_district=by_district,
        worst_districts=worst_served(by_district, 20),
        histogram=distance_histogram(table["safe_place_m"]),
        recruitment=recruitment,
        venues=list(index),
        area=datasets.area,
        candidates=len(candidates.frame),
        candidate_problems=candidates.problems,
        walking_speed_kmh=settings.search.walking_speed_kmh,
    )
