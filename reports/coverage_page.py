"""The coverage report as files: its tables as CSV, and one self-contained HTML page with the
same tables, the chart of distances and the map of the gaps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from geodata.spreadsheet import safe_frame
from locator.coverage import Recruitment, bands, share_column
from locator.settings import ServiceSettings
from locator.venues import Kind
from maps.bands import band_labels, walk_label
from maps.report_map import MapParts, ReportMap, gap_map, map_parts
from maps.tiles import TileSettings
from reports import cells
from reports.chart import distance_chart
from reports.coverage import COVERAGE_STEPS, CoverageReport
from reports.page import Section, Table, report_page
from reports.points import pick_points, place_points
from reports.progress import Progress, quiet

COVERAGE_FILES: Final = {
    "summary": "coverage_summary.csv",
    "by_local_authority": "coverage_by_local_authority.csv",
    "by_district": "coverage_by_district.csv",
    "worst_districts": "coverage_worst_districts.csv",
    "recruitment": "coverage_recruitment.csv",
    "postcodes": "coverage_postcodes.csv",
    "html": "coverage.html",
}


def coverage_map(report: CoverageReport, tiles: TileSettings) -> ReportMap:
    """The gap map (a folium map: shows itself in a notebook)."""
    return gap_map(
        report.postcodes,
        report.area.geometry,
        tiles,
        places=place_points(report.venues),
        picks=pick_points(report.recruitment.picks, report.recruitment.radius_m),
        thresholds=report.thresholds,
        walking_speed_kmh=report.walking_speed_kmh,
    )


def write_coverage(
    report: CoverageReport,
    out: Path,
    settings: ServiceSettings,
    tiles: TileSettings,
    progress: Progress = quiet,
) -> list[Path]:
    """The CSV files and `coverage.html` in `out` (which must exist). Returns their paths."""
    progress(COVERAGE_STEPS[4])
    m = coverage_map(report, tiles)
    page = report_page(
        "Safe Places coverage",
        _intro(report),
        _sections(report, map_parts(m)),
        settings.data.attribution,
        report.generated,
    )
    progress(COVERAGE_STEPS[5])
    tables = {
        "summary": report.summary,
        "by_local_authority": report.by_local_authority,
        "by_district": report.by_district,
        "worst_districts": report.worst_districts,
        "recruitment": report.recruitment.picks,
        # Decimetres are plenty for a distance from a postcode's centre.
        "postcodes": report.postcodes.round({"safe_place_m": 1, "police_m": 1}),
    }
    written = []
    for key, frame in tables.items():
        path = out / COVERAGE_FILES[key]
        safe_frame(frame).to_csv(path, index=False)
        written.append(path)
    html = out / COVERAGE_FILES["html"]
    html.write_text(page, encoding="utf-8")
    written.append(html)
    return written


# -- the page's words and tables ----------------------------------------------------------------


def _intro(report: CoverageReport) -> list[str]:
    s = report.summary.iloc[0]
    speed = report.walking_speed_kmh
    parts = [
        f"{cells.pct(float(s[share_column('safe_place', t)]))} within {walk_label(t, speed)}"
        for t in report.thresholds
    ]
    shares = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    rec = report.recruitment
    return [
        f"Of the {int(s['postcodes']):,} live postcodes in {report.area.name}, {shares} "
        f"of a Safe Place ({sum(1 for v in report.venues if v.kind is Kind.SAFE_PLACE)} active "
        "places; distances in a straight line).",
        f"{rec.under_served:,} postcodes are further than {rec.radius_m:g} m from every Safe "
        f"Place. If the {len(rec.picks)} places suggested below joined, the share within "
        f"{rec.radius_m:g} m would go from {cells.pct(rec.before_pct)} to "
        f"{cells.pct(rec.after_pct)}.",
    ]


def _sections(report: CoverageReport, parts: MapParts) -> list[Section]:
    """The page's sections, in the order of its contents."""
    return [
        _summary_section(report),
        _distribution_section(report),
        _map_section(parts),
        _recruit_section(report),
        *_area_sections(report),
    ]


def _summary_section(report: CoverageReport) -> Section:
    speed, thresholds = report.walking_speed_kmh, report.thresholds
    s = report.summary.iloc[0]
    rows = [
        [
            label,
            *[cells.pct(float(s[share_column(target, t)])) for t in thresholds],
            cells.metres(float(s[f"{target}_median_m"])),
        ]
        for target, label in (("safe_place", "A Safe Place"), ("police", "A police enquiry office"))
    ]
    summary = Table(
        f"Share of the {int(s['postcodes']):,} postcodes within each distance",
        ["Distance to", *_share_headers(thresholds, speed), "Median distance"],
        rows,
        frozenset(range(1, len(thresholds) + 2)),
    )
    return Section(
        "summary",
        "How close is help?",
        [
            "Straight-line distance from each postcode's centre to the nearest active Safe "
            "Place and police enquiry office. Walking times are at "
            f"{speed:g} km/h; real routes are longer.",
            "Police enquiry offices are placed at the middle of their town or locality "
            "(the data has no exact position), so their distances are approximate.",
        ],
        [summary],
    )


def _distribution_section(report: CoverageReport) -> Section:
    speed, thresholds = report.walking_speed_kmh, report.thresholds
    band_rows = [
        [label, f"{n:,}"]
        for label, n in zip(
            band_labels(thresholds, speed),
            _band_counts(report.postcodes["safe_place_m"], thresholds),
            strict=True,
        )
    ]
    return Section(
        "distribution",
        "Distance to the nearest Safe Place",
        [],
        [
            Table(
                "Postcodes by distance to the nearest Safe Place",
                ["Distance", "Postcodes"],
                band_rows,
                frozenset({1}),
            )
        ],
        figure=distance_chart(report.histogram, thresholds, speed),
    )


def _map_section(parts: MapParts) -> Section:
    return Section(
        "map",
        "Map of the gaps",
        [
            "Each square is 500 m across, shaded by the median distance from its postcodes "
            "to the nearest Safe Place; hover over or tap a square for its figures. Numbered "
            "squares are the candidates to recruit, in the order of the table below; "
            "P marks a police enquiry office. The tables on this page give the same facts.",
        ],
        map=parts,
        map_label="Map: distance from postcodes to the nearest Safe Place",
    )


def _recruit_section(report: CoverageReport) -> Section:
    rec = report.recruitment
    problems = [str(p) for p in report.candidate_problems]
    return Section(
        "recruit",
        "Where to recruit next",
        [
            f"Candidates are the {report.candidates} GP practices and pharmacies in the "
            "candidates file (NHS ODS; none is a Safe Place yet). Each pick is the one that "
            f"would bring the most postcodes now further than {rec.radius_m:g} m from every "
            f"Safe Place within {rec.radius_m:g} m, counting only postcodes the picks above "
            "it do not already reach.",
            f"Now {cells.pct(rec.before_pct)} of postcodes are within {rec.radius_m:g} m of a "
            f"Safe Place; with all {len(rec.picks)} it would be {cells.pct(rec.after_pct)}.",
            *(
                [
                    f"{len(problems)} candidate row{'s' if len(problems) != 1 else ''} "
                    "could not be used: " + "; ".join(problems)
                ]
                if problems
                else []
            ),
        ],
        [_recruit_table(rec)],
    )


def _recruit_table(rec: Recruitment) -> Table:
    rows = [
        [
            str(r["rank"]),
            cells.text(r["name"]),
            cells.text(r["category_label"]),
            ", ".join(p for p in (cells.text(r["address"]), cells.text(r["postcode"])) if p),
            cells.text(r["phone"]) or "not known",
            f"{int(r['new_postcodes']):,}",
            cells.pct(float(r["within_pct_after"])),
            str(r["districts"]),
        ]
        for r in rec.picks.to_dict(orient="records")
    ]
    return Table(
        f"The {len(rec.picks)} candidates that would bring the most under-served postcodes "
        f"within {rec.radius_m:g} m, in the order chosen",
        [
            "Rank",
            "Name",
            "Type",
            "Address",
            "Phone",
            "Postcodes newly within reach",
            f"Share within {rec.radius_m:g} m after",
            "Postcode districts gained",
        ],
        rows,
        frozenset({5, 6}),
    )


def _area_sections(report: CoverageReport) -> list[Section]:
    """Coverage by local authority, in the worst-served postcode districts, and by district."""
    speed, thresholds = report.walking_speed_kmh, report.thresholds
    return [
        Section(
            "local-authorities",
            "By local authority",
            [],
            [
                _coverage_table(
                    report.by_local_authority,
                    "local_authority_code",
                    "Code",
                    "Coverage by local authority district",
                    thresholds,
                    speed,
                    name=True,
                )
            ],
        ),
        Section(
            "worst-districts",
            f"The {len(report.worst_districts)} worst-served postcode districts",
            [
                f"Fewest postcodes within {report.recruitment.radius_m:g} m of a Safe Place "
                "first (districts with fewer than 10 postcodes in the area are left out)."
            ],
            [
                _coverage_table(
                    report.worst_districts,
                    "district",
                    "District",
                    "Worst-served postcode districts",
                    thresholds,
                    speed,
                )
            ],
        ),
        Section(
            "districts",
            "By postcode district",
            [],
            [
                _coverage_table(
                    report.by_district,
                    "district",
                    "District",
                    "Coverage by postcode district",
                    thresholds,
                    speed,
                )
            ],
        ),
    ]


def _coverage_table(
    frame: pd.DataFrame,
    key: str,
    key_header: str,
    caption: str,
    thresholds: Sequence[float],
    speed: float,
    name: bool = False,
) -> Table:
    headers = [key_header, *(["Name"] if name else []), "Postcodes"]
    headers += _share_headers(thresholds, speed)
    headers += ["Median to a Safe Place", "Median to a police office"]
    rows = []
    for r in frame.to_dict(orient="records"):
        row = [cells.text(r[key]) or "(unknown)", *([cells.text(r.get("name"))] if name else [])]
        row.append(f"{int(r['postcodes']):,}")
        row += [cells.pct(float(r[share_column("safe_place", t)])) for t in thresholds]
        row += [
            cells.metres(float(r["safe_place_median_m"])),
            cells.metres(float(r["police_median_m"])),
        ]
        rows.append(row)
    first_number = 2 if name else 1
    return Table(caption, headers, rows, frozenset(range(first_number, len(headers))))


def _share_headers(thresholds: Sequence[float], speed: float) -> list[str]:
    return [f"Within {walk_label(t, speed)}" for t in thresholds]


def _band_counts(metres: pd.Series, thresholds: Sequence[float]) -> list[int]:
    counts = np.bincount(bands(metres, thresholds), minlength=len(thresholds) + 1)
    return [int(c) for c in counts]
