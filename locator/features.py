"""Places as OGC API - Features collections, and the flat public record of a place.

Framework-free: the router (``api/routes/ogc.py``) parses nothing itself and renders what this
module decides: which collection, which places match a bounding box and a query
(`locator.feature_query`), which page of them, how many matched, and the collection's extent.
Positions are kept in WGS84 longitude/latitude; the CRSs they can be given in, and a bbox in
any of them, are `locator.feature_crs`'s.

The flat record (`public_record`) is what the open data downloads and the OGC items publish:
the fields of the public place schema (``api.schemas.PlaceOut``), one value per column, so
GIS tools that expect flat attributes (GDAL, QGIS, spreadsheets) read it as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from locator.contact_details import phone_links, shown_phones
from locator.errors import BadQueryParameter, CollectionNotFound, PlaceNotFound
from locator.feature_crs import BBox, Box
from locator.feature_query import FeatureQuery
from locator.filter import VenueFilter
from locator.index import VenueIndex
from locator.venues import Kind, Venue

DEFAULT_LIMIT = 10

Value = str | float | bool | None

# The public place schema, flattened. Opening hours go out as their text form
# ("Mon 09:00-17:00; ..."), the same text staff type and imports read.
PUBLIC_FIELDS = (
    "id", "name", "kind", "category", "category_label", "address", "postcode", "latitude",
    "longitude", "location_precision", "location_note", "phone", "phones", "email", "website",
    "opening_hours", "accessibility_notes", "last_checked", "verified",
)  # fmt: skip


def public_record(venue: Venue) -> dict[str, Value]:
    """The public fields of a place, flat: never internal notes, audit fields or staff data."""
    last_checked: date | None = venue.last_checked
    return {
        "id": venue.id,
        "name": venue.name,
        "kind": venue.kind.value,
        "category": venue.category.value,
        "category_label": venue.category.label,
        "address": venue.address,
        "postcode": venue.postcode,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "location_precision": venue.location_precision.value,
        "location_note": venue.location_note,
        "phone": shown_phones(venue.phone),
        # Flat, like the hours: each number's RFC 3966 link, for a GIS table or a spreadsheet.
        "phones": " / ".join(tel for _, tel in phone_links(venue.phone)) or None,
        "email": venue.email,
        "website": venue.website,
        "opening_hours": venue.opening_hours.to_text() if venue.opening_hours else None,
        "accessibility_notes": venue.accessibility_notes,
        "last_checked": last_checked.isoformat() if last_checked else None,
        "verified": venue.verified,
    }


@dataclass(frozen=True, slots=True)
class Collection:
    """One feature collection: the active places of one kind."""

    id: str
    title: str
    description: str
    kind: Kind

    @property
    def filter(self) -> VenueFilter:
        return VenueFilter.of(kinds=[self.kind])


COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        "safe-places",
        "Safe Places",
        "Venues whose staff will help a person with a learning disability (or autism, "
        "dementia...) who feels scared, lost or in trouble, by phoning the contact on their "
        "Keep Safe Card or the emergency services.",
        Kind.SAFE_PLACE,
    ),
    Collection(
        "police-enquiry-offices",
        "Police enquiry offices",
        "Police station front desks, where anyone can report a crime, including hate crime. "
        "Where only the town is known the position is approximate (see location_precision).",
        Kind.POLICE_ENQUIRY_OFFICE,
    ),
)
_BY_ID: Mapping[str, Collection] = {c.id: c for c in COLLECTIONS}


def find_collection(collection_id: str) -> Collection:
    collection = _BY_ID.get(collection_id)
    if collection is None:
        known = ", ".join(_BY_ID)
        raise CollectionNotFound(
            f"There is no collection with that name. The collections are: {known}.",
            log_message="unknown collection",
        )
    return collection


def collection_extent(index: VenueIndex, collection: Collection) -> BBox | None:
    """The smallest lon/lat box holding every place in the collection; None when it is empty."""
    venues = index.select(collection.filter)
    if not venues:
        return None
    lons = [v.longitude for v in venues]
    lats = [v.latitude for v in venues]
    return min(lons), min(lats), max(lons), max(lats)


def collection_size(index: VenueIndex, collection: Collection) -> int:
    return index.counts().get(collection.kind.value, 0)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a collection's places, in id order, with what is needed to link onwards."""

    venues: list[Venue]
    number_matched: int
    offset: int
    limit: int

    def __iter__(self) -> Iterator[Venue]:
        return iter(self.venues)

    @property
    def number_returned(self) -> int:
        return len(self.venues)

    @property
    def next_offset(self) -> int | None:
        after = self.offset + self.limit
        return after if after < self.number_matched else None

    @property
    def prev_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def page_of(
    index: VenueIndex,
    collection: Collection,
    bbox: Box | None = None,
    query: FeatureQuery = FeatureQuery(),  # noqa: B008 - frozen, so a safe default
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Page:
    """The places of a collection inside `bbox` (all, when None) that pass `query`'s filters,
    in its order (by id unless it sorts), `limit` of them from `offset`.

    Ties keep id order, so pages are stable while the data doesn't change.
    """
    lonlat = bbox.lonlat if bbox is not None else None
    matched = index.select(collection.filter, lonlat)
    if bbox is not None and lonlat is None:
        matched = bbox.holds(matched)
    matched = query.apply(matched)
    return Page(matched[offset : offset + limit], len(matched), offset, limit)


def feature_of(index: VenueIndex, collection: Collection, feature_id: str) -> Venue:
    """One active place of the collection; a place of the other kind is not in this one."""
    venue = index.get(feature_id)
    if venue is None or venue.kind is not collection.kind:
        raise PlaceNotFound(
            "We couldn't find that place in this collection. It may have been removed.",
            log_message="unknown feature id",
        )
    return venue


# -- query parameters ---------------------------------------------------------------------------
# OGC API - Features Core: a parameter with a value that is not valid is a 400 (Bad Request).


def parse_limit(text: str | None, maximum: int) -> int:
    """``limit``: a whole number of at least 1; DEFAULT_LIMIT (or `maximum`, if less) when
    not given.

    A limit above `maximum` is served as `maximum`, as OGC API - Features Core asks (a server
    caps the page rather than refusing it): GDAL's ``PAGE_SIZE=5000`` then reads the
    collection a page of `maximum` at a time through the next links, and ``numberReturned``
    says how many each page holds.
    """
    if text is None:
        return min(DEFAULT_LIMIT, maximum)
    value = _whole_number(text, "limit")
    if value < 1:
        raise BadQueryParameter(
            f"limit must be 1 or more (a page holds at most {maximum} places).",
            log_message="limit below 1",
        )
    return min(value, maximum)


def parse_offset(text: str | None) -> int:
    """``offset``: how many matching places to skip; 0 when not given."""
    if text is None:
        return 0
    value = _whole_number(text, "offset")
    if value < 0:
        raise BadQueryParameter("offset must not be negative.", log_message="negative offset")
    return value


def _whole_number(text: str, name: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise BadQueryParameter(
            f"{name} must be a whole number.", log_message=f"{name} not a number"
        ) from None


def parse_datetime(text: str | None) -> None:
    """``datetime``: an RFC 3339 instant or interval (``start/end``, ``..`` for open), checked.

    Places have no time dimension: each active place is current, so a valid ``datetime``
    matches every place and only a malformed one changes the answer (a 400).
    """
    if text is None:
        return
    parts = text.split("/")
    if len(parts) > 2 or not all(_instant_or_open(p, len(parts) == 2) for p in parts):
        raise BadQueryParameter(
            "datetime must be a date and time like 2026-11-24T10:00:00Z, a date, or an "
            "interval like 2026-01-01/.. .",
            log_message="datetime not valid",
        )
    if len(parts) == 2 and all(p in ("", "..") for p in parts):
        raise BadQueryParameter(
            "A datetime interval needs a start or an end.", log_message="datetime open both ends"
        )


def _instant_or_open(text: str, in_interval: bool) -> bool:
    if in_interval and text in ("", ".."):
        return True
    try:
        if "T" in text.upper():
            datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        else:
            date.fromisoformat(text)
    except ValueError:
        return False
    return True
