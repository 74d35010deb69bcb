"""Venue datasets: Safe Places and police enquiry offices, read from CSV and validated.

Every row either becomes a venue or is reported with its row number and reason: nothing is
dropped silently. Positions are never invented: a row without coordinates is placed at its
postcode's centroid, and a police office without a postcode at the locality or town its address
names, each marked with the precision actually known.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from geodata.gazetteer import Gazetteer
from geodata.placenames import PlaceName, PlaceNames
from geodata.postcodes import Postcode, parse_postcode
from locator.contact_details import InvalidEmail, InvalidPhone, normalise_email, store_phones
from locator.errors import DataError, InvalidPostcode
from locator.geo import WGS84
from locator.hours import InvalidOpeningHours, OpeningHours
from locator.venues import Category, Kind, LocationPrecision, Status, Venue

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

_CATEGORIES: dict[str, Category] = {
    "library": Category.LIBRARY,
    "pharmacy": Category.PHARMACY,
    "gp_practice": Category.GP_SURGERY,
    "gp_surgery": Category.GP_SURGERY,
    "shop": Category.SHOP,
    "cafe": Category.CAFE,
    "café": Category.CAFE,
    "council_office": Category.COUNCIL_OFFICE,
    "community_centre": Category.COMMUNITY_CENTRE,
    "hospital": Category.HOSPITAL,
    "police_station": Category.POLICE_STATION,
}
# Evidence text that means the data does not confirm scheme membership.
_UNCONFIRMED_MARKERS = ("unverified", "applied", "status unknown", "not confirmed")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that could not be used, or was used with a caveat."""

    file: str
    row: int  # 1-based data row number, as a spreadsheet shows it after the header
    record_id: str
    reason: str
    fatal: bool = True

    def __str__(self) -> str:
        what = "skipped" if self.fatal else "note"
        return f"{self.file} row {self.row} ({self.record_id}): {self.reason} [{what}]"


@dataclass
class VenueDataset:
    """The loaded venues and everything that went wrong on the way."""

    venues: list[Venue]
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def skipped(self) -> list[RowProblem]:
        return [p for p in self.problems if p.fatal]

    def frame(self) -> gpd.GeoDataFrame:
        return venues_frame(self.venues)


def venues_frame(venues: Iterable[Venue]) -> gpd.GeoDataFrame:
    """Venues as a GeoDataFrame in EPSG:4326, one row per venue, indexed by id."""
    import geopandas as gpd
    import pandas as pd

    rows = [
        {
            "id": v.id,
            "name": v.name,
            "kind": v.kind.value,
            "category": v.category.value,
            "address": v.address,
            "postcode": v.postcode,
            "latitude": v.latitude,
            "longitude": v.longitude,
            "location_precision": v.location_precision.value,
            "phone": v.phone,
            "email": v.email,
            "website": v.website,
            "opening_hours": v.opening_hours.to_text() if v.opening_hours else None,
            "accessibility_notes": v.accessibility_notes,
            "last_checked": v.last_checked,
            "status": v.status.value,
            "verified": v.verified,
        }
        for v in venues
    ]
    frame = pd.DataFrame(rows, columns=None if rows else ["id", "latitude", "longitude"])
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=WGS84)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84).set_index("id", drop=False)


class _Row:
    """Typed access to one CSV row, with blanks as None."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    def text(self, column: str) -> str | None:
        value = self._values.get(column, "").strip()
        return value or None

    def need(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise ValueError(f"the {column} is missing")
        return value


def _read_rows(path: Path) -> list[_Row]:
    import pandas as pd

    if not path.is_file():
        raise DataError(f"venue file not found: {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    records: list[dict[str, str]] = frame.to_dict(orient="records")  # type: ignore[assignment]
    return [_Row(r) for r in records]


def _coordinate(row: _Row) -> tuple[float, float] | None:
    lat, lon = row.text("latitude"), row.text("longitude")
    if lat is None or lon is None:
        return None
    try:
        y, x = float(lat), float(lon)
    except ValueError as exc:
        raise ValueError(f'the latitude/longitude "{lat}, {lon}" are not numbers') from exc
    # Great Britain's extent: anything else is a typo or swapped axes.
    if not (49.8 <= y <= 60.9 and -8.7 <= x <= 1.8):
        raise ValueError(f"the position {y}, {x} is not in Great Britain (swapped?)")
    return y, x


def _hours(
    row: _Row, file: str, n: int, rid: str, problems: list[RowProblem]
) -> OpeningHours | None:
    text = row.text("opening_hours")
    if text is None:
        return None
    try:
        hours = OpeningHours.parse(text)
    except InvalidOpeningHours as exc:
        problems.append(RowProblem(file, n, rid, f"{exc}; shown as hours not known", fatal=False))
        return None
    for warning in hours.warnings if hours else ():
        problems.append(RowProblem(file, n, rid, warning, fatal=False))
    return hours


def _phone(row: _Row, file: str, n: int, rid: str, problems: list[RowProblem]) -> str | None:
    """The stored (E.164) form of the row's phone; one that isn't a real number is kept as
    it is, and said, for someone to fix."""
    text = row.text("phone")
    try:
        return store_phones(text)
    except InvalidPhone as exc:
        problems.append(RowProblem(file, n, rid, f"{exc} Kept as it is.", fatal=False))
        return text


def _email(row: _Row, file: str, n: int, rid: str, problems: list[RowProblem]) -> str | None:
    text = row.text("email")
    try:
        return normalise_email(text)
    except InvalidEmail as exc:
        problems.append(RowProblem(file, n, rid, f"{exc} Kept as it is.", fatal=False))
        return text


def _last_checked(row: _Row) -> date | None:
    text = row.text("last_checked")
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f'the last-checked date "{text}" is not a date like 2025-03-31') from exc


def _status(row: _Row) -> Status:
    text = (row.text("status") or "active").lower()
    try:
        return Status(text)
    except ValueError:
        allowed = " or ".join(s.value for s in Status)
        raise ValueError(f'the status "{text}" is not {allowed}') from None


def _reason(exc: ValueError | InvalidPostcode) -> str:
    return exc.user_message if isinstance(exc, InvalidPostcode) else str(exc)


def _verified(row: _Row) -> tuple[bool, str | None]:
    explicit = row.text("verified")
    if explicit is not None:
        return explicit.lower() in ("true", "yes", "1"), row.text("safe_place_evidence")
    evidence = row.text("safe_place_evidence")
    if evidence is None:
        return False, None
    lowered = evidence.lower()
    return not any(marker in lowered for marker in _UNCONFIRMED_MARKERS), evidence


def load_safe_places(path: Path, gazetteer: Gazetteer) -> VenueDataset:
    """Safe Places venues from the venues CSV (`venue_id`, `name`, `venue_type`, …)."""
    venues: list[Venue] = []
    problems: list[RowProblem] = []
    file = path.name
    for n, row in enumerate(_read_rows(path), start=1):
        rid = row.text("venue_id") or "(no id)"
        try:
            postcode = row.text("postcode")
            pc = parse_postcode(postcode) if postcode else None
            coordinate = _coordinate(row)
            if coordinate is not None:
                source = (row.text("coordinate_source") or "").lower()
                precision = (
                    LocationPrecision.POSTCODE
                    if source.startswith("postcode")
                    else LocationPrecision.BUILDING
                )
            else:
                if pc is None:
                    raise ValueError("it has no coordinates and no postcode to place it by")
                found = gazetteer.find(pc)
                if found is None:
                    raise ValueError(f"it has no coordinates and its postcode {pc} is not known")
                coordinate = (found.latitude, found.longitude)
                precision = LocationPrecision.POSTCODE
                problems.append(
                    RowProblem(file, n, rid, f"placed at the centre of {pc}", fatal=False)
                )
            type_ = (row.text("venue_type") or "other").lower()
            verified, evidence = _verified(row)
            venues.append(
                Venue(
                    id=row.need("venue_id"),
                    name=row.need("name"),
                    kind=Kind.SAFE_PLACE,
                    category=_CATEGORIES.get(type_, Category.OTHER),
                    address=row.text("address") or "",
                    postcode=pc.value if pc else None,
                    latitude=coordinate[0],
                    longitude=coordinate[1],
                    location_precision=precision,
                    phone=_phone(row, file, n, rid, problems),
                    email=_email(row, file, n, rid, problems),
                    website=row.text("website") or row.text("source_url"),
                    opening_hours=_hours(row, file, n, rid, problems),
                    accessibility_notes=row.text("accessibility_notes"),
                    last_checked=_last_checked(row),
                    status=_status(row),
                    verified=verified,
                    verification_note=evidence,
                    operator=row.text("operator"),
                )
            )
        except (ValueError, InvalidPostcode) as exc:
            problems.append(RowProblem(file, n, rid, _reason(exc)))
    return VenueDataset(venues, problems)


def _place_by_name(places: PlaceNames, name: str, town: str | None) -> PlaceName | None:
    """The one place a name means, preferring the service area; None if unknown or ambiguous."""
    matches = places.exact(f"{name}, {town}") if town and name != town else []
    if not matches:
        matches = places.exact(name)
    inside = [p for p in matches if p.in_service_area]
    if len(inside) == 1:
        return inside[0]
    return matches[0] if len(matches) == 1 else None


def _office_position(
    row: _Row,
    pc: Postcode | None,
    address: str,
    town: str | None,
    gazetteer: Gazetteer,
    places: PlaceNames,
) -> tuple[tuple[float, float], LocationPrecision]:
    """A police office's position and how precise it is: its coordinates, else its postcode's
    centroid, else a place its address or town names."""
    coordinate = _coordinate(row)
    if coordinate is not None:
        return coordinate, LocationPrecision.BUILDING
    if pc is not None and (found := gazetteer.find(pc)):
        return (found.latitude, found.longitude), LocationPrecision.POSTCODE
    # Address parts first (most precise), the town last.
    parts = [p.strip() for p in address.split(",") if p.strip()]
    for part in [*parts, *([town] if town else [])]:
        place = _place_by_name(places, part, town)
        if place is not None:
            precision = (
                LocationPrecision.TOWN
                if town and part.lower() == town.lower()
                else LocationPrecision.LOCALITY
            )
            return (place.latitude, place.longitude), precision
    raise ValueError("no postcode, coordinates or known place name to place it by")


def load_police_offices(path: Path, gazetteer: Gazetteer, places: PlaceNames) -> VenueDataset:
    """Police enquiry offices whose front counter is open, at the best position the data allows.

    Postcode centroid if there is a postcode; else a locality named in the address (e.g.
    "Pear Tree, Derby"); else the town. Closed front counters are left out on purpose and
    reported as such.
    """
    venues: list[Venue] = []
    problems: list[RowProblem] = []
    file = path.name
    for n, row in enumerate(_read_rows(path), start=1):
        rid = row.text("office_id") or "(no id)"
        status = (row.text("front_counter_status") or "").lower()
        if not status.startswith("open"):
            problems.append(
                RowProblem(file, n, rid, "front counter closed: not listed", fatal=False)
            )
            continue
        try:
            town = row.text("town")
            address = row.text("address") or town or ""
            postcode = row.text("postcode")
            pc = parse_postcode(postcode) if postcode else None
            coordinate, precision = _office_position(row, pc, address, town, gazetteer, places)
            if precision.approximate:
                problems.append(
                    RowProblem(file, n, rid, f"placed by {precision.value} only", fatal=False)
                )
            venues.append(
                Venue(
                    id=row.need("office_id"),
                    name=row.need("name"),
                    kind=Kind.POLICE_ENQUIRY_OFFICE,
                    category=Category.POLICE_STATION,
                    address=address,
                    postcode=pc.value if pc else None,
                    latitude=coordinate[0],
                    longitude=coordinate[1],
                    location_precision=precision,
                    phone=_phone(row, file, n, rid, problems),
                    website=None,
                    opening_hours=_hours(row, file, n, rid, problems),
                    status=Status.ACTIVE,
                    verified=True,
                    operator=row.text("force"),
                )
            )
        except (ValueError, InvalidPostcode) as exc:
            problems.append(RowProblem(file, n, rid, _reason(exc)))
    return VenueDataset(venues, problems)


def merge(*datasets: VenueDataset) -> VenueDataset:
    """One dataset from several; ids must be unique across them."""
    venues = [v for d in datasets for v in d.venues]
    problems = [p for d in datasets for p in d.problems]
    duplicated = {i for i, n in Counter(v.id for v in venues).items() if n > 1}
    if duplicated:
        raise DataError(f"venue ids used more than once: {', '.join(sorted(duplicated))}")
    return VenueDataset(venues, problems)
