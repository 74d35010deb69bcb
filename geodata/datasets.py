"""Load every dataset the service needs from the configured data directory."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from geodata.boundaries import load_service_area
from geodata.gazetteer import Gazetteer
from geodata.geocoder import OnlineGeocoder
from geodata.placenames import PlaceNames
from geodata.resolver import LocationResolver
from geodata.venues import VenueDataset, load_police_offices, load_safe_places, merge
from locator.area import ServiceArea
from locator.geo import bng_to_wgs84
from locator.index import VenueIndex
from locator.search import Locator
from locator.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Datasets:
    gazetteer: Gazetteer
    places: PlaceNames
    venues: VenueDataset
    area: ServiceArea

    def resolver(self, settings: Settings) -> LocationResolver:
        geocoder = None
        if settings.geocoder.enabled:
            # Prefer results around the service area: its bounding box as Nominatim's viewbox.
            minx, miny, maxx, maxy = self.area.geometry.bounds
            west, south = bng_to_wgs84(minx, miny)
            east, north = bng_to_wgs84(maxx, maxy)
            geocoder = OnlineGeocoder(settings.geocoder, ((north, west), (south, east)))
        return LocationResolver(
            self.gazetteer, self.places, geocoder, area_name=settings.search.area_name
        )

    def locator(self, settings: Settings) -> Locator:
        index = VenueIndex(self.venues.venues, settings.search.walking_speed_kmh)
        return Locator(index, self.area, settings.search)


def load_datasets(settings: Settings) -> Datasets:
    """Read and validate everything; raise `DataError` for a file that can't be used at all."""
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    places = PlaceNames.load(data.path(data.places_file))
    venues = merge(
        load_safe_places(data.path(data.venues_file), gazetteer),
        load_police_offices(data.path(data.police_file), gazetteer, places),
    )
    area = load_service_area(data.path(data.boundaries_file))
    if venues.skipped:
        # Row details name no searches, but they are long: `safeplaces check-data` lists them.
        log.warning(
            "%d venue rows could not be used; see `safeplaces check-data`", len(venues.skipped)
        )
    return Datasets(gazetteer, places, venues, area)
