"""Turn what a person typed (a postcode, a district, a place name) into a search origin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geodata.gazetteer import DistrictLocation, Gazetteer, PostcodeLocation, SectorLocation
from geodata.national import NationalLocation, NationalPostcodes
from geodata.placenames import PlaceName, PlaceNames
from geodata.postcodes import (
    Postcode,
    PostcodeDistrict,
    PostcodeSector,
    TypedPostcode,
    parse_typed_postcode,
    read_postcode,
    unknown_postcode_message,
)
from locator.area import ServiceArea
from locator.errors import InvalidParameter, UnknownPlace, UnknownPostcode
from locator.geo import check_lat_lon, wgs84_to_bng
from locator.origin import EMPTY_SEARCH, Choices, Origin, OriginSource, OutsideNote

if TYPE_CHECKING:  # geopy is an extra: imported only when the geocoder is on
    from geodata.geocoder import OnlineGeocoder

MAX_QUERY_LENGTH = 100

Located = PostcodeLocation | SectorLocation | DistrictLocation | NationalLocation

_SOURCES = {
    Postcode: OriginSource.POSTCODE,
    PostcodeSector: OriginSource.POSTCODE_SECTOR,
    PostcodeDistrict: OriginSource.POSTCODE_DISTRICT,
}
_BE_EXACT = "Type the whole postcode to be more exact."


class LocationResolver:
    """Postcodes first, then place names, then (if configured) the online geocoder.

    A postcode, sector or district is read by one rule (`geodata.postcodes.read_postcode`)
    for every entry point, and looked for in the gazetteer, then in the national table (if
    there is one): a real postcode beyond the service area is answered with where it is,
    measured from `area`.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        places: PlaceNames,
        geocoder: OnlineGeocoder | None = None,
        area_name: str = "Derbyshire and Derby",
        national: NationalPostcodes | None = None,
        area: ServiceArea | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.places = places
        self.geocoder = geocoder
        self.area_name = area_name
        self.national = national
        self.area = area

    def postcode(self, text: str) -> Origin:
        """An origin from a full postcode, a sector (``DE1 1``) or a district (``DE4``),
        falling back to the sector's district, or the postcode's; `InvalidPostcode` for text
        that is no postcode."""
        return self._origin(parse_typed_postcode(text))

    def _origin(self, typed: TypedPostcode) -> Origin:
        if isinstance(typed, Postcode):
            return self._full(typed)
        if isinstance(typed, PostcodeSector):
            return self._sector(typed)
        return self._district(typed, None)

    def _full(self, parsed: Postcode) -> Origin:
        found = self.gazetteer.point(parsed)
        if found is None:
            far = self._far(self.national.find(parsed) if self.national else None)
            return far or self._district(parsed.district, parsed)
        latitude, longitude, terminated = found
        message = None
        if terminated:
            message = f"The postcode {parsed} is no longer used, so we used where it was."
        return Origin(
            latitude,
            longitude,
            parsed.value,
            OriginSource.POSTCODE,
            terminated=terminated,
            message=message,
        )

    def _sector(self, sector: PostcodeSector) -> Origin:
        found = self.gazetteer.sector(sector)
        if found is None:
            far = None
            if self.gazetteer.district(sector.district) is None and self.national is not None:
                far = self._far(self.national.middle(sector))
            return far or self._district(sector.district, sector)
        return Origin(
            found.latitude,
            found.longitude,
            sector.value,
            OriginSource.POSTCODE_SECTOR,
            approximate=True,
            message=f"We used the middle of the {sector} postcode sector. {_BE_EXACT}",
        )

    def _district(
        self, district: PostcodeDistrict, missing: Postcode | PostcodeSector | None
    ) -> Origin:
        found = self.gazetteer.district(district)
        if found is None:
            if missing is None and self.national is not None:
                far = self._far(self.national.middle(district))
                if far is not None:
                    return far
            raise self._unknown(missing or district)
        if missing is None:
            message = f"We used the middle of the {district} postcode area."
        elif isinstance(missing, PostcodeSector):
            message = (
                f"We don't know any postcodes that start {missing}, so we used the middle "
                f"of {district}. {_BE_EXACT}"
            )
        else:
            message = f"We couldn't find {missing}, so we used the middle of {district}."
        return Origin(
            found.latitude,
            found.longitude,
            district.value,
            OriginSource.POSTCODE_DISTRICT,
            approximate=True,
            message=message,
        )

    def _far(self, found: NationalLocation | None) -> Origin | None:
        """An origin for what only the national table knows: where it is, in words."""
        if found is None:
            return None
        label = str(found.code)
        note = self._outside(found)
        return Origin(
            found.latitude,
            found.longitude,
            label,
            _SOURCES[type(found.code)],
            approximate=found.approximate,
            message=note.describe(label) if note else None,
            outside_note=note,
        )

    def _outside(self, found: NationalLocation) -> OutsideNote | None:
        """How far and which way from the service area (on the grid); None inside it."""
        if self.area is None:
            return None
        x, y = wgs84_to_bng(found.longitude, found.latitude)
        if self.area.contains_bng(x, y):
            return None
        distance, direction = self.area.offset_bng(x, y)
        return OutsideNote(found.country, distance, direction)

    def _unknown(self, shown: TypedPostcode) -> UnknownPostcode:
        if self.national is None and not isinstance(shown, PostcodeSector):
            # Without the national table a real postcode may lie beyond the data: say so.
            message = (
                f"We couldn't find the postcode {shown} in the area we cover "
                f"({self.area_name}). Please check it and try again."
            )
        else:
            message = unknown_postcode_message(str(shown))
        return UnknownPostcode(message, log_message="postcode not in the postcode data")

    def locate(self, text: str) -> Located:
        """Where a postcode, sector or district is: the lookup itself, with no falling back
        (an unknown full postcode is `UnknownPostcode`). The national table answers for what
        the gazetteer doesn't know."""
        typed = parse_typed_postcode(text)
        national = self.national
        found: Located | None
        if isinstance(typed, Postcode):
            found = self.gazetteer.find(typed) or (national.find(typed) if national else None)
            return found or self.gazetteer.lookup(typed)
        if isinstance(typed, PostcodeSector):
            found = self.gazetteer.sector(typed)
        else:
            found = self.gazetteer.district(typed)
        found = found or (national.middle(typed) if national else None)
        if found is None:
            raise self._unknown(typed)
        return found

    def coordinates(self, lat: float, lon: float) -> Origin:
        check_lat_lon(lat, lon)
        return Origin(lat, lon, "your location", OriginSource.COORDINATES)

    def resolve(self, text: str) -> Origin | Choices:
        """A postcode or a place name; `Choices` when a name is ambiguous, never a silent pick."""
        query = " ".join(text.split())
        if not query:
            raise InvalidParameter(EMPTY_SEARCH)
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidParameter("That is too long. Please type a postcode or a place name.")
        typed = read_postcode(query)
        if typed is not None:
            return self._origin(typed)
        exact = self.places.exact(query)
        if len(exact) == 1:
            return self._place_origin(exact[0])
        if len(exact) > 1:
            return Choices(query, exact)
        if self.geocoder is not None:
            hit = self.geocoder.lookup(query)
            if hit is not None:
                lat, lon, name = hit
                return Origin(lat, lon, name, OriginSource.GEOCODER, approximate=True)
        suggestions = self.places.prefix(query, limit=10) or self.places.similar(query)
        if suggestions:
            return Choices(query, suggestions, exact=False)
        raise UnknownPlace(
            f'We couldn\'t find a place called "{query}" in the area we cover ({self.area_name}). '
            "Please check the spelling, or type a postcode.",
            log_message="place name not found",
        )

    @staticmethod
    def _place_origin(place: PlaceName) -> Origin:
        return Origin(place.latitude, place.longitude, place.label, OriginSource.PLACE_NAME)
