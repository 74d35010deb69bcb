"""Nearest-place searches from a resolved origin, with the service-area rule applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from locator.area import ServiceArea
from locator.filter import VenueFilter
from locator.index import VenueIndex
from locator.match import VenueMatch
from locator.settings import SearchSettings
from locator.venues import Kind


class OriginSource(StrEnum):
    POSTCODE = "postcode"
    POSTCODE_DISTRICT = "postcode_district"
    PLACE_NAME = "place_name"
    COORDINATES = "coordinates"
    GEOCODER = "geocoder"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a search starts (EPSG:4326), how it was found, and what to tell the person."""

    latitude: float
    longitude: float
    label: str
    source: OriginSource
    approximate: bool = False
    message: str | None = None
    terminated: bool = False


@dataclass(frozen=True, slots=True)
class NearestResult:
    origin: Origin
    in_service_area: bool
    places: list[VenueMatch]
    nearest_police: VenueMatch | None
    messages: list[str] = field(default_factory=list)


def outside_area_message(area_name: str) -> str:
    return (
        f"This place is outside the area we cover ({area_name}). "
        "We show Safe Places near the edge of our area only."
    )


class Locator:
    """The venue index, the service area and the search rules, built and replaced as one."""

    def __init__(self, index: VenueIndex, area: ServiceArea | None, settings: SearchSettings):
        self.index = index
        self.area = area
        self.settings = settings

    def in_service_area(self, lon: float, lat: float) -> bool:
        return self.area is None or self.area.contains(lon, lat)

    def nearest(
        self,
        origin: Origin,
        k: int | None = None,
        filter: VenueFilter | None = None,
        radius_m: float | None = None,
    ) -> NearestResult:
        """The nearest places to an origin and, separately, the nearest police enquiry office.

        Outside the service area the places are still given, but only up to
        ``outside_area_max_distance_m`` away, and the result says the point is outside.
        """
        k = self.settings.default_k if k is None else k
        filter = filter or VenueFilter.of(kinds=[Kind.SAFE_PLACE])
        inside = self.in_service_area(origin.longitude, origin.latitude)
        limit = radius_m
        messages = [origin.message] if origin.message else []
        if not inside:
            cap = self.settings.outside_area_max_distance_m
            limit = cap if limit is None else min(limit, cap)
            messages.append(outside_area_message(self.settings.area_name))
        if limit is None:
            limit = self.settings.max_radius_m
        lon, lat = origin.longitude, origin.latitude
        places = self.index.nearest(lon, lat, k, filter, max_distance_m=limit)
        police = self.index.nearest(
            lon,
            lat,
            1,
            VenueFilter.of(kinds=[Kind.POLICE_ENQUIRY_OFFICE]),
            max_distance_m=None if inside else self.settings.outside_area_max_distance_m,
        )
        if not places:
            messages.append(
                "We couldn't find a Safe Place open now near here."
                if filter.open_at is not None
                else "We couldn't find a Safe Place near here."
            )
        return NearestResult(origin, inside, places, police[0] if police else None, messages)
