"""The places a report marks on its map, as `maps.report_map.PlacePoint` markers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from locator.venues import Kind, Venue
from maps.report_map import PlacePoint
from reports.cells import text


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
            id=text(row["candidate_id"]),
            name=text(row["name"]),
            kind="candidate",
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            label=text(row["rank"]),
            lines=(
                ", ".join(x for x in (text(row["category_label"]), text(row["postcode"])) if x),
                f"Would bring {int(row['new_postcodes']):,} more postcodes within {radius_m:g} m "
                "of a Safe Place.",
            ),
        )
        for row in picks.to_dict(orient="records")
    ]


def issue_points(places: pd.DataFrame, issues: pd.DataFrame) -> list[PlacePoint]:
    """Places with at least one data-quality problem, numbered by how many, listing them."""
    reasons: dict[str, list[str]] = {}
    for r in issues.to_dict(orient="records"):
        reasons.setdefault(str(r["id"]), []).append(str(r["reason"]))
    return [
        PlacePoint(
            id=pid,
            name=text(place["name"]),
            kind="issue",
            latitude=float(place["latitude"]),
            longitude=float(place["longitude"]),
            label=str(len(reasons[pid])),
            lines=(f"{pid}: {len(reasons[pid])} to fix or check:", *reasons[pid]),
        )
        for place in places.to_dict(orient="records")
        if (pid := str(place["id"])) in reasons
    ]
