"""The data-quality report's findings: every rule of `geodata.quality` over the places in the
database. `reports.quality_page` writes them as CSV files and one HTML page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Final

import pandas as pd

from geodata.datasets import Datasets
from geodata.quality import places_table, run_rules, summary
from locator.area import ServiceArea
from reports.progress import Progress, quiet

QUALITY_STEPS: Final = ("Checking the places", "Drawing the map", "Writing the files")


@dataclass
class QualityReport:
    """Every rule's findings over the place rows (see `geodata.quality`)."""

    places: pd.DataFrame
    issues: pd.DataFrame
    summary: pd.DataFrame
    area: ServiceArea
    today: date
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))


def build_quality(
    datasets: Datasets, today: date | None = None, progress: Progress = quiet
) -> QualityReport:
    """Run every data-quality rule over the places in the database (any status but removed)."""
    progress(QUALITY_STEPS[0])
    today = today or date.today()
    places = places_table(datasets.store.rows())
    issues = run_rules(places, datasets.gazetteer, datasets.area, today)
    return QualityReport(places, issues, summary(issues, places), datasets.area, today)
