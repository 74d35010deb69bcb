"""Turn what a person typed (a postcode, a district, a place name) into a search origin."""

from __future__ import annotations

from dataclasses import replace

from geodata.gazetteer import DistrictLocation, Gazetteer, PostcodeLocation
from geodata.geocoder import OnlineGeocoder
from geodata.placenames import PlaceName, PlaceNames
from geodata.postcodes import (
    Postcode,
    PostcodeDistrict,
    looks_like_postcode,
    parse_postcode_or_district,
    partial_postcode,
)
from locator.errors import InvalidParameter, UnknownPlace, UnknownPostcode
from locator.geo import check_lat_lon
from locator.origin import EMPTY_SEARCH, Choices, Origin, OriginSource

MAX_QUERY_LENGTH = 100


class LocationResolver:
    """Postcodes first, then place names, then (if configured) the online geocoder."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        places: PlaceNames,
        geocoder: OnlineGeocoder | None = None,
        area_name: str = "Derbyshire and Derby",
    ) -> None:
        self.gazetteer = gazetteer
        self.places = places
        self.geocoder = geocoder
        self.area_name = area_name

    def postcode(self, text: str) -> Origin:
        """An origin from a full postcode or a district, falling back to the district's middle."""
        parsed = parse_postcode_or_district(text)
        if isinstance(parsed, PostcodeDistrict):
            return self._district(parsed, None)
        found = self.gazetteer.find(parsed)
        if found is None:
            return self._district(parsed.district, parsed)
        message = None
        if found.terminated:
            message = f"The postcode {parsed} is no longer used, so we used where it was."
        return Origin(
            found.latitude,
            found.longitude,
            parsed.value,
            OriginSource.POSTCODE,
            terminated=found.terminated,
            message=message,
        )

    def locate(self, text: str) -> PostcodeLocation | DistrictLocation:
        """Where a postcode is, or the middle of a district (`DE4`): the lookup itself, with
        no falling back (an unknown full postcode is `UnknownPostcode`)."""
        parsed = parse_postcode_or_district(text)
        if isinstance(parsed, Postcode):
            return self.gazetteer.lookup(parsed)
        found = self.gazetteer.district(parsed)
        if found is None:
            raise self._unknown(parsed)
        return found

    def _unknown(self, shown: Postcode | PostcodeDistrict) -> UnknownPostcode:
        return UnknownPostcode(
            f"We couldn't find the postcode {shown} in the area we cover ({self.area_name}). "
            "Please check it and try again.",
            log_message="postcode district not in gazetteer",
        )

    def _district(self, district: PostcodeDistrict, full: Postcode | None) -> Origin:
        found = self.gazetteer.district(district)
        if found is None:
            raise self._unknown(full or district)
        if full is None:
            message = f"We used the middle of the {district} postcode area."
        else:
            message = f"We couldn't find {full}, so we used the middle of {district}."
        return Origin(
            found.latitude,
            found.longitude,
            district.value,
            OriginSource.POSTCODE_DISTRICT,
            approximate=True,
            message=message,
        )

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
        if looks_like_postcode(query):
            return self.postcode(query)
        partial = partial_postcode(query)
        if partial is not None:
            found = self._district(partial, None)
            return replace(
                found,
                message=f"That postcode looks incomplete, so we used the middle of {partial}.",
            )
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
