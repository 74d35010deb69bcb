"""Where a search starts: an origin, or the choices when a typed name could be several places.

The resolver that turns typed text into one of these lives in `geodata.resolver` (it needs the
gazetteer); the search use case (`locator.search`) sees it only through `OriginResolver`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from locator.errors import AmbiguousPlace, SafePlacesError, UnknownPlace

EMPTY_SEARCH = "Please type a postcode, or the name of a town or village."


class OriginSource(StrEnum):
    POSTCODE = "postcode"
    POSTCODE_DISTRICT = "postcode_district"
    POSTCODE_SECTOR = "postcode_sector"
    PLACE_NAME = "place_name"
    COORDINATES = "coordinates"
    GEOCODER = "geocoder"


def about_km(metres: float) -> str:
    """A distance as people say it: "about 13 km", or "less than 1 km"."""
    km = round(metres / 1000)
    return "less than 1 km" if km < 1 else f"about {km} km"


@dataclass(frozen=True, slots=True)
class OutsideNote:
    """Where a known postcode beyond the service area is, for the words of the answer."""

    # "England", "Scotland" or "Wales"; None when the data doesn't say.
    country: str | None
    # From the service area's boundary, on the British National Grid (EPSG:27700).
    distance_m: float
    # Which way the place is from the area's nearest edge: "north", "south-west", ...
    direction: str

    def describe(self, label: str) -> str:
        """E.g. "M12 4HP is in England, about 12 km west of the area we cover." """
        where = f"in {self.country}, " if self.country else ""
        return (
            f"{label} is {where}{about_km(self.distance_m)} {self.direction} of the area we cover."
        )


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a search starts (EPSG:4326), how it was found, and what to tell the person.

    `outside_note` is set for a real postcode (or sector, or district) beyond the area the
    service covers, known from the national postcode table: where it is, in facts the pages
    can use (its country, and how far and which way from the area). Its words are already in
    `message`; a search from such an origin lists the nearest places however far they are.
    """

    latitude: float
    longitude: float
    label: str
    source: OriginSource
    approximate: bool = False
    message: str | None = None
    terminated: bool = False
    outside_note: OutsideNote | None = None


class NamedPlace(Protocol):
    """A town, village or area a person may have meant (geodata's `PlaceName`)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def local_authority(self) -> str: ...
    @property
    def postcode_district(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Choices:
    """A place name that matches several places: the person must pick one, never us."""

    query: str
    options: Sequence[NamedPlace]
    # False when nothing matched exactly and these are names that start the same way.
    exact: bool = True

    @property
    def message(self) -> str:
        if self.exact:
            return f'More than one place is called "{self.query}". Please choose one.'
        return f'We couldn\'t find "{self.query}". Did you mean one of these?'

    @property
    def question(self) -> str:
        """The same, asked as a question (a page's heading): choosing is not an error."""
        if self.exact:
            return f"Which {self.query} do you mean?"
        return "Did you mean one of these places?"

    def error(self) -> SafePlacesError:
        """The same answer as an error, for callers that need one place (the JSON API, the
        command line): ambiguous, or only partly matched, with the choices attached."""
        options: list[object] = list(self.options)
        if self.exact:
            return AmbiguousPlace(self.message, log_message="ambiguous place name", choices=options)
        return UnknownPlace(
            self.message, log_message="place name only partly matched", choices=options
        )


class OriginResolver(Protocol):
    """Turns what a person gave into an origin (geodata's `LocationResolver`)."""

    def postcode(self, text: str) -> Origin: ...
    def resolve(self, text: str) -> Origin | Choices: ...
    def coordinates(self, lat: float, lon: float) -> Origin: ...
