"""The data-quality report as files: the summary and every finding as CSV, and one
self-contained HTML page with a table per check and a map of the places to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from geodata.quality import RULES
from geodata.spreadsheet import safe_frame
from locator.settings import ServiceSettings
from maps.report_map import MapParts, ReportMap, map_parts, places_map
from maps.tiles import TileSettings
from reports import cells
from reports.inputs import local_authority_names
from reports.page import Section, Table, report_page
from reports.points import issue_points
from reports.progress import Progress, quiet
from reports.quality import QUALITY_STEPS, QualityReport

QUALITY_FILES: Final = {
    "summary": "quality_summary.csv",
    "issues": "quality_issues.csv",
    "html": "quality.html",
}


def quality_map(report: QualityReport, tiles: TileSettings) -> ReportMap:
    """Places with at least one problem, each popup listing its problems."""
    return places_map(
        report.area.geometry,
        tiles,
        issue_points(report.places, report.issues),
        "Places to fix or check (the number is how many problems)",
    )


def write_quality(
    report: QualityReport,
    out: Path,
    settings: ServiceSettings,
    tiles: TileSettings,
    progress: Progress = quiet,
) -> list[Path]:
    """`quality_summary.csv`, `quality_issues.csv` and `quality.html` in `out`."""
    progress(QUALITY_STEPS[1])
    parts = map_parts(quality_map(report, tiles))
    page = report_page(
        "Safe Places data quality",
        _intro(report),
        _sections(report, parts, local_authority_names(settings)),
        settings.data.attribution,
        report.generated,
    )
    progress(QUALITY_STEPS[2])
    summary_path = out / QUALITY_FILES["summary"]
    safe_frame(report.summary).to_csv(summary_path, index=False)
    issues_path = out / QUALITY_FILES["issues"]
    safe_frame(report.issues).to_csv(issues_path, index=False)
    html = out / QUALITY_FILES["html"]
    html.write_text(page, encoding="utf-8")
    return [summary_path, issues_path, html]


# -- the page's words and tables ----------------------------------------------------------------


def _intro(report: QualityReport) -> list[str]:
    n = len(report.places)
    flagged = report.issues["id"].nunique() if len(report.issues) else 0
    return [
        f"{flagged} of the {n} places (every status but removed) have at least one thing to "
        f"fill in, check or fix, as of {report.today.day} {report.today:%B %Y}."
    ]


def _sections(report: QualityReport, parts: MapParts, area_names: dict[str, str]) -> list[Section]:
    """The summary, the map, then one section per rule (in the order of `RULES`)."""
    return [
        _summary_section(report),
        Section(
            "map",
            "Map",
            [
                "Places with at least one problem; the number on each is how many. Select one "
                "for its list. The tables below give the same facts."
            ],
            map=parts,
            map_label="Map: places to fix or check",
        ),
        *(_rule_section(report, rule, title, area_names) for rule, title in RULES.items()),
    ]


def _summary_section(report: QualityReport) -> Section:
    summary_table = Table(
        "Places caught by each check",
        ["Check", "Places", "Of"],
        [
            [str(r["description"]), f"{int(r['places']):,}", f"{int(r['of']):,}"]
            for r in report.summary.to_dict(orient="records")
        ],
        frozenset({1, 2}),
    )
    return Section(
        "summary",
        "Summary",
        [
            "Yearly checks are overdue when a place was never checked or was last checked "
            "more than 365 days ago. Likely duplicates are places within 50 m of each other "
            "with similar names (ignoring case, punctuation and word order).",
        ],
        [summary_table],
    )


def _rule_section(
    report: QualityReport, rule: str, title: str, area_names: dict[str, str]
) -> Section:
    """The places one rule caught, with the reason for each; "None found." when none."""
    found = report.issues[report.issues["rule"] == rule]
    rows = [
        [
            cells.text(r["id"]),
            cells.text(r["name"]),
            cells.text(r["status"]),
            area_names.get(code, code) if (code := cells.text(r["local_authority_code"])) else "",
            cells.text(r["reason"]),
        ]
        for r in found.to_dict(orient="records")
    ]
    return Section(
        rule.replace("_", "-"),
        f"{title} ({len(found)})",
        [] if rows else ["None found."],
        [Table(title, ["Id", "Name", "Status", "Area", "Reason"], rows)] if rows else [],
    )
