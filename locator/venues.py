"""The domain model: a Safe Place venue or a police enquiry office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from locator.hours import OpeningHours


class Kind(StrEnum):
    SAFE_PLACE = "safe_place"
    POLICE_ENQUIRY_OFFICE = "police_enquiry_office"


class Category(StrEnum):
    LIBRARY = "library"
    PHARMACY = "pharmacy"
    GP_SURGERY = "gp_surgery"
    SHOP = "shop"
    CAFE = "cafe"
    COUNCIL_OFFICE = "council_office"
    COMMUNITY_CENTRE = "community_centre"
    HOSPITAL = "hospital"
    POLICE_STATION = "police_station"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The category in plain words, for lists and screen readers."""
        return _CATEGORY_LABELS[self]

    @property
    def kind(self) -> Kind:
        """Police stations are enquiry offices; everything else is a Safe Place."""
        return Kind.POLICE_ENQUIRY_OFFICE if self is Category.POLICE_STATION else Kind.SAFE_PLACE


_CATEGORY_LABELS = {
    Category.LIBRARY: "Library",
    Category.PHARMACY: "Pharmacy",
    Category.GP_SURGERY: "Doctor's surgery",
    Category.SHOP: "Shop",
    Category.CAFE: "Café",
    Category.COUNCIL_OFFICE: "Council office",
    Category.COMMUNITY_CENTRE: "Community centre",
    Category.HOSPITAL: "Hospital",
    Category.POLICE_STATION: "Police station",
    Category.OTHER: "Other",
}


class Status(StrEnum):
    """A place's lifecycle: only active places are shown to the public."""

    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"


# Every place is checked once a year; a check is overdue after this many days.
CHECK_EVERY_DAYS = 365


def check_overdue(last_checked: date | None, today: date) -> bool:
    """Never checked, or last checked more than a year ago."""
    return last_checked is None or (today - last_checked).days > CHECK_EVERY_DAYS


class LocationPrecision(StrEnum):
    """How exactly a venue's position is known, best first."""

    BUILDING = "building"
    POSTCODE = "postcode"
    STREET = "street"
    LOCALITY = "locality"
    TOWN = "town"

    @property
    def approximate(self) -> bool:
        return self not in (LocationPrecision.BUILDING, LocationPrecision.POSTCODE)


APPROXIMATE_LOCATION_NOTE = "Approximate location: check the address before you go."


@dataclass(frozen=True, slots=True)
class Venue:
    """One place a person can go for help. Coordinates are WGS84 (EPSG:4326)."""

    id: str
    name: str
    kind: Kind
    category: Category
    address: str
    postcode: str | None
    latitude: float
    longitude: float
    location_precision: LocationPrecision
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    opening_hours: OpeningHours | None = None
    accessibility_notes: str | None = None
    last_checked: date | None = None
    status: Status = Status.ACTIVE
    # False where the data doesn't confirm the venue is (still) in the scheme.
    verified: bool = True
    verification_note: str | None = None
    operator: str | None = None

    @property
    def location_note(self) -> str | None:
        return APPROXIMATE_LOCATION_NOTE if self.location_precision.approximate else None
