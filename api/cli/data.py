"""`safeplaces check-data` and `report`: check the open data, write the staff reports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from api.settings import Settings
from geodata.datasets import load_datasets, load_venue_files
from geodata.gazetteer import Gazetteer
from geodata.placenames import PlaceNames
from locator.errors import SafePlacesError


def add_commands(sub: Any) -> None:
    check = sub.add_parser("check-data", help="load the data and list every row problem")
    check.add_argument("--strict", action="store_true", help="exit 1 if any row was skipped")
    check.set_defaults(run=_check_data)
    report = sub.add_parser(
        "report", help="coverage or data-quality report for staff: CSV files and an HTML page"
    )
    report.add_argument(
        "kind",
        choices=["coverage", "quality"],
        help="coverage: distances from every postcode and where to recruit; quality: places "
        "to fix or check",
    )
    report.add_argument("--out", help="the folder to write to (default: var/reports)")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(run=_report)


def _check_data(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Validate the open-data venue files (the database is not touched)."""
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    places = PlaceNames.load(data.path(data.places_file))
    dataset = load_venue_files(settings, gazetteer, places)
    for problem in dataset.problems:
        out.write(f"{problem}\n")
    loaded, skipped = len(dataset.venues), len(dataset.skipped)
    out.write(f"{loaded} places loaded, {skipped} rows skipped.\n")
    return 1 if dataset.skipped and args.strict else 0


def _report(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Write the coverage or data-quality report: CSV files and one self-contained HTML page."""
    import os

    from tqdm import tqdm

    from reports.coverage import COVERAGE_STEPS, build_coverage
    from reports.coverage_page import write_coverage
    from reports.quality import QUALITY_STEPS, build_quality
    from reports.quality_page import write_quality

    folder = Path(args.out) if args.out else settings.data.cache_dir.parent / "reports"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder_error = True
    else:
        folder_error = not os.access(folder, os.W_OK | os.X_OK)
    if folder_error:
        # Checked before the work starts, not after it.
        raise SafePlacesError(
            f"Can't write the report to {folder}: give --out a folder you can write to."
        )
    steps = COVERAGE_STEPS if args.kind == "coverage" else QUALITY_STEPS
    with tqdm(
        total=len(steps) + 1, unit="step", desc="Loading the data", disable=args.quiet
    ) as bar:

        def progress(step: str) -> None:
            bar.update(1)
            bar.set_description(step)

        datasets = load_datasets(settings)
        if args.kind == "coverage":
            coverage = build_coverage(datasets, settings, progress=progress)
            files = write_coverage(coverage, folder, settings, settings.pages, progress)
            rec = coverage.recruitment
            lines = [
                f"{rec.before_pct:.1f}% of {rec.postcodes:,} postcodes are within "
                f"{rec.radius_m:g} m of a Safe Place; with the {len(rec.picks)} suggested "
                f"places it would be {rec.after_pct:.1f}%."
            ]
        else:
            quality = build_quality(datasets, progress=progress)
            files = write_quality(quality, folder, settings, settings.pages, progress)
            lines = [
                f"{r['description']}: {r['places']} of {r['of']} places"
                for r in quality.summary.to_dict(orient="records")
            ]
        bar.update(1)
    for line in lines:
        out.write(line + "\n")
    out.write(f"Wrote {len(files)} files to {folder}:\n")
    for path in files:
        out.write(f"  {path.name}\n")
    return 0
