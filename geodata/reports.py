"""The coverage and data-quality reports for council staff: tables built from the open data and
the place database, written as CSV files and as one self-contained HTML page each.

The analysis lives in `locator.coverage` and `geodata.quality`; the pictures in
`maps.coverage`. This module gathers the inputs (postcodes of the service area, candidate
venues, place rows), runs the analysis in order and writes the files. The notebooks in
`notebooks/` call the same functions one step at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import shapely

from geodata.areas import load_area_names
from geodata.candidates import load_candidates
from geodata.datasets import Datasets
from geodata.quality import RULES, places_table, run_rules, summary
from geodata.venues import RowProblem
from locator.area import ServiceArea
from locator.coverage import (
    POSTCODE_COLUMNS,
    RECRUIT_RADIUS_M,
    THRESHOLDS_M,
    Recruitment,
    bands,
    coverage_by,
    distance_histogram,
    nearest_help,
    recruit,
    share_column,
    worst_served,
)
from locator.errors import DataError
from locator.geo import wgs84_to_bng
from locator.settings import ServiceSettings
from locator.venues import Kind, Venue
from maps.coverage import (
    MapParts,
    PlacePoint,
    ReportMap,
    Section,
    Table,
    band_labels,
    distance_chart,
    gap_map,
    map_parts,
    places_map,
    report_page,
    walk_label,
)
from maps.tiles import TileSettings

# Called with the name of each step as it starts (a progress bar, or nothing).
Progress = Callable[[str], None]

COVERAGE_STEPS: Final = (
    "Reading postcodes and candidates",
    "Measuring to the nearest help",
    "Coverage tables",
    "Choosing where to recruit",
    "Drawing the map",
    "Writing the files",
)
QUALITY_STEPS: Final = ("Checking the places", "Drawing the map", "Writing the files")


def _quiet(_step: str) -> None:
    return None


# -- inputs -------------------------------------------------------------------------------------


def _read_postcode_file(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"postcode file not found: {path}")
    name = path.name.lower()
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith((".csv", ".csv.gz")):
        return pd.read_csv(path, dtype={"postcode": str, "local_authority_code": str})
    raise DataError(f"postcode file must be CSV or Parquet: {path.name}")


def service_postcodes(settings: ServiceSettings, area: ServiceArea) -> pd.DataFrame:
    """Every live postcode whose centroid is inside the service area (`POSTCODE_COLUMNS`).

    Read from the postcode file itself rather than the gazetteer: the gazetteer answers one
    postcode at a time, and this needs every postcode's status and local authority at once.
    Live as the gazetteer counts it (``is_live`` true and no ``date_of_termination``); inside
    as the service counts it (the boundary polygon, the same test as `in_service_area`).
    """
    data = settings.data
    frame = _read_postcode_file(data.path(data.postcodes_file))
    missing = {"postcode", "latitude", "longitude"} - set(frame.columns)
    if missing:
        raise DataError(f"postcode file lacks columns: {', '.join(sorted(missing))}")
    frame = frame.dropna(subset=["latitude", "longitude"])
    live = np.ones(len(frame), dtype=bool)
    if "is_live" in frame.columns:
        text = frame["is_live"].astype(str).str.strip().str.lower()
        live &= text.isin(["true", "1", "yes", "y", "t"]).to_numpy()
    if "date_of_termination" in frame.columns:
        live &= frame["date_of_termination"].isna().to_numpy()
    frame = frame[live]
    lon = frame["longitude"].to_numpy(dtype=np.float64)
    lat = frame["latitude"].to_numpy(dtype=np.float64)
    if {"easting", "northing"} <= set(frame.columns):
        x = frame["easting"].to_numpy(dtype=np.float64)
        y = frame["northing"].to_numpy(dtype=np.float64)
    else:
        x, y = wgs84_to_bng(lon, lat)
    inside = shapely.intersects_xy(area.geometry, x, y)
    postcode = frame["postcode"].astype(str).str.upper().str.strip()
    la = (
        frame["local_authority_code"].astype("string").fillna("")
        if "local_authority_code" in frame.columns
        else pd.Series("", index=frame.index)
    )
    table = pd.DataFrame(
        {
            "postcode": postcode.to_numpy(),
            "district": postcode.str.split(" ").str[0].to_numpy(),
            "local_authority_code": la.to_numpy(dtype=object),
            "latitude": lat,
            "longitude": lon,
            "easting": x,
            "northing": y,
        },
        columns=list(POSTCODE_COLUMNS),
    )
    inside_table: pd.DataFrame = table[inside]
    return inside_table.sort_values("postcode", kind="stable").reset_index(drop=True)


def local_authority_names(settings: ServiceSettings) -> dict[str, str]:
    """Local authority names by ONS code, from the place-name file."""
    return load_area_names(settings.data.path(settings.data.places_file))


def place_points(venues: Sequence[Venue]) -> list[PlacePoint]:
    """Active places as map markers: Safe Places unlabelled, police offices as "P"."""
    return [
        PlacePoint(
            id=v.id,
            name=v.name,
            kind="police" if v.kind is Kind.POLICE_ENQUIRY_OFFICE else "safe_place",
            latitude=v.latitude,
            longitude=v.longitude,
            label="P" if v.kind is Kind.POLICE_ENQUIRY_OFFICE else "",
            lines=tuple(
                x
                for x in (
                    v.category.label,
                    ", ".join(p for p in (v.address, v.postcode or "") if p),
                    v.location_note or "",
                )
                if x
            ),
        )
        for v in venues
    ]


def pick_points(picks: pd.DataFrame, radius_m: float) -> list[PlacePoint]:
    """The recruitment picks as numbered map markers."""
    return [
        PlacePoint(
            id=_text(row["candidate_id"]),
            name=_text(row["name"]),
            kind="candidate",
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            label=_text(row["rank"]),
            lines=(
                ", ".join(x for x in (_text(row["category_label"]), _text(row["postcode"])) if x),
                f"Would bring {int(row['new_postcodes']):,} more postcodes within {radius_m:g} m "
                "of a Safe Place.",
            ),
        )
        for row in picks.to_dict(orient="records")
    ]


# -- coverage -----------------------------------------------------------------------------------


@dataclass
class CoverageReport:
    """Everything the coverage report shows. Tables are pandas; see `write_coverage`."""

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
    datasets: Datasets, settings: ServiceSettings, k: int = 20, progress: Progress = _quiet
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


COVERAGE_FILES: Final = {
    "summary": "coverage_summary.csv",
    "by_local_authority": "coverage_by_local_authority.csv",
    "by_district": "coverage_by_district.csv",
    "worst_districts": "coverage_worst_districts.csv",
    "recruitment": "coverage_recruitment.csv",
    "postcodes": "coverage_postcodes.csv",
    "html": "coverage.html",
}


def write_coverage(
    report: CoverageReport,
    out: Path,
    settings: ServiceSettings,
    tiles: TileSettings,
    progress: Progress = _quiet,
) -> list[Path]:
    """The CSV files and `coverage.html` in `out` (which must exist). Returns their paths."""
    progress(COVERAGE_STEPS[4])
    m = coverage_map(report, tiles)
    page = report_page(
        "Safe Places coverage",
        _coverage_intro(report),
        _coverage_sections(report, map_parts(m)),
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
        frame.to_csv(path, index=False)
        written.append(path)
    html = out / COVERAGE_FILES["html"]
    html.write_text(page, encoding="utf-8")
    written.append(html)
    return written


# -- formatting for the page --------------------------------------------------------------------


def _text(value: object) -> str:
    """A table cell as text: blank for a missing value (None or pandas' NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f}%"


def _metres(value: float) -> str:
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "none"
    return f"{value / 1000:.1f} km" if value >= 1000 else f"{value:,.0f} m"


def _share_headers(thresholds: Sequence[float], speed: float) -> list[str]:
    return [f"Within {walk_label(t, speed)}" for t in thresholds]


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
        row = [_text(r[key]) or "(unknown)", *([_text(r.get("name"))] if name else [])]
        row.append(f"{int(r['postcodes']):,}")
        row += [_pct(float(r[share_column("safe_place", t)])) for t in thresholds]
        row += [_metres(float(r["safe_place_median_m"])), _metres(float(r["police_median_m"]))]
        rows.append(row)
    first_number = 2 if name else 1
    return Table(caption, headers, rows, frozenset(range(first_number, len(headers))))


def _coverage_intro(report: CoverageReport) -> list[str]:
    s = report.summary.iloc[0]
    speed = report.walking_speed_kmh
    parts = [
        f"{_pct(float(s[share_column('safe_place', t)]))} within {walk_label(t, speed)}"
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
        f"{rec.radius_m:g} m would go from {_pct(rec.before_pct)} to {_pct(rec.after_pct)}.",
    ]


def _coverage_sections(report: CoverageReport, parts: MapParts) -> list[Section]:
    speed, thresholds = report.walking_speed_kmh, report.thresholds
    rec = report.recruitment
    summary_rows = []
    s = report.summary.iloc[0]
    for target, label in (("safe_place", "A Safe Place"), ("police", "A police enquiry office")):
        summary_rows.append(
            [
                label,
                *[_pct(float(s[share_column(target, t)])) for t in thresholds],
                _metres(float(s[f"{target}_median_m"])),
            ]
        )
    summary = Table(
        f"Share of the {int(s['postcodes']):,} postcodes within each distance",
        ["Distance to", *_share_headers(thresholds, speed), "Median distance"],
        summary_rows,
        frozenset(range(1, len(thresholds) + 2)),
    )
    recruit_rows = [
        [
            str(r["rank"]),
            _text(r["name"]),
            _text(r["category_label"]),
            ", ".join(p for p in (_text(r["address"]), _text(r["postcode"])) if p),
            _text(r["phone"]) or "not known",
            f"{int(r['new_postcodes']):,}",
            _pct(float(r["within_pct_after"])),
            str(r["districts"]),
        ]
        for r in rec.picks.to_dict(orient="records")
    ]
    recruit_table = Table(
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
        recruit_rows,
        frozenset({5, 6}),
    )
    hist = report.histogram
    band_rows = [
        [label, f"{n:,}"]
        for label, n in zip(
            band_labels(thresholds, speed),
            _band_counts(report.postcodes["safe_place_m"], thresholds),
            strict=True,
        )
    ]
    problems = [str(p) for p in report.candidate_problems]
    return [
        Section(
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
        ),
        Section(
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
            figure=distance_chart(hist, thresholds, speed),
        ),
        Section(
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
        ),
        Section(
            "recruit",
            "Where to recruit next",
            [
                f"Candidates are the {report.candidates} GP practices and pharmacies in the "
                "candidates file (NHS ODS; none is a Safe Place yet). Each pick is the one that "
                f"would bring the most postcodes now further than {rec.radius_m:g} m from every "
                f"Safe Place within {rec.radius_m:g} m, counting only postcodes the picks above "
                "it do not already reach.",
                f"Now {_pct(rec.before_pct)} of postcodes are within {rec.radius_m:g} m of a "
                f"Safe Place; with all {len(rec.picks)} it would be {_pct(rec.after_pct)}.",
                *(
                    [
                        f"{len(problems)} candidate row{'s' if len(problems) != 1 else ''} "
                        "could not be used: " + "; ".join(problems)
                    ]
                    if problems
                    else []
                ),
            ],
            [recruit_table],
        ),
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
                f"Fewest postcodes within {rec.radius_m:g} m of a Safe Place first (districts "
                "with fewer than 10 postcodes in the area are left out)."
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


def _band_counts(metres: pd.Series, thresholds: Sequence[float]) -> list[int]:
    counts = np.bincount(bands(metres, thresholds), minlength=len(thresholds) + 1)
    return [int(c) for c in counts]


# -- data quality -------------------------------------------------------------------------------


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
    datasets: Datasets, today: date | None = None, progress: Progress = _quiet
) -> QualityReport:
    """Run every data-quality rule over the places in the database (any status but removed)."""
    progress(QUALITY_STEPS[0])
    today = today or date.today()
    places = places_table(datasets.store.rows())
    issues = run_rules(places, datasets.gazetteer, datasets.area, today)
    return QualityReport(places, issues, summary(issues, places), datasets.area, today)


def quality_map(report: QualityReport, tiles: TileSettings) -> ReportMap:
    """Places with at least one problem, each popup listing its problems."""
    reasons: dict[str, list[str]] = {}
    for r in report.issues.to_dict(orient="records"):
        reasons.setdefault(str(r["id"]), []).append(str(r["reason"]))
    points = [
        PlacePoint(
            id=pid,
            name=_text(place["name"]),
            kind="issue",
            latitude=float(place["latitude"]),
            longitude=float(place["longitude"]),
            label=str(len(reasons[pid])),
            lines=(f"{pid}: {len(reasons[pid])} to fix or check:", *reasons[pid]),
        )
        for place in report.places.to_dict(orient="records")
        if (pid := str(place["id"])) in reasons
    ]
    return places_map(
        report.area.geometry,
        tiles,
        points,
        "Places to fix or check (the number is how many problems)",
    )


QUALITY_FILES: Final = {
    "summary": "quality_summary.csv",
    "issues": "quality_issues.csv",
    "html": "quality.html",
}


def write_quality(
    report: QualityReport,
    out: Path,
    settings: ServiceSettings,
    tiles: TileSettings,
    progress: Progress = _quiet,
) -> list[Path]:
    """`quality_summary.csv`, `quality_issues.csv` and `quality.html` in `out`."""
    progress(QUALITY_STEPS[1])
    parts = map_parts(quality_map(report, tiles))
    page = report_page(
        "Safe Places data quality",
        _quality_intro(report),
        _quality_sections(report, parts, local_authority_names(settings)),
        settings.data.attribution,
        report.generated,
    )
    progress(QUALITY_STEPS[2])
    summary_path = out / QUALITY_FILES["summary"]
    report.summary.to_csv(summary_path, index=False)
    issues_path = out / QUALITY_FILES["issues"]
    report.issues.to_csv(issues_path, index=False)
    html = out / QUALITY_FILES["html"]
    html.write_text(page, encoding="utf-8")
    return [summary_path, issues_path, html]


def _quality_intro(report: QualityReport) -> list[str]:
    n = len(report.places)
    flagged = report.issues["id"].nunique() if len(report.issues) else 0
    return [
        f"{flagged} of the {n} places (every status but removed) have at least one thing to "
        f"fill in, check or fix, as of {report.today.day} {report.today:%B %Y}."
    ]


def _quality_sections(
    report: QualityReport, parts: MapParts, area_names: dict[str, str]
) -> list[Section]:
    summary_table = Table(
        "Places caught by each check",
        ["Check", "Places", "Of"],
        [
            [str(r["description"]), f"{int(r['places']):,}", f"{int(r['of']):,}"]
            for r in report.summary.to_dict(orient="records")
        ],
        frozenset({1, 2}),
    )
    sections = [
        Section(
            "summary",
            "Summary",
            [
                "Yearly checks are overdue when a place was never checked or was last checked "
                "more than 365 days ago. Likely duplicates are places within 50 m of each other "
                "with similar names (ignoring case, punctuation and word order).",
            ],
            [summary_table],
        ),
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
    ]
    for rule, title in RULES.items():
        found = report.issues[report.issues["rule"] == rule]
        rows = [
            [
                _text(r["id"]),
                _text(r["name"]),
                _text(r["status"]),
                area_names.get(code, code) if (code := _text(r["local_authority_code"])) else "",
                _text(r["reason"]),
            ]
            for r in found.to_dict(orient="records")
        ]
        sections.append(
            Section(
                rule.replace("_", "-"),
                f"{title} ({len(found)})",
                [] if rows else ["None found."],
                [Table(title, ["Id", "Name", "Status", "Area", "Reason"], rows)] if rows else [],
            )
        )
    return sections
