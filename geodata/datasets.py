"""Load everything the service needs: reference files from the data directory, places from
the database (seeded from the open data on first start)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from geodata.areas import Areas, load_area_names
from geodata.boundaries import load_service_area
from geodata.extras import GEOCODER, require
from geodata.gazetteer import Gazetteer
from geodata.national import NationalPostcodes
from geodata.placenames import PlaceNames
from geodata.postcode_grid import PostcodeGrid
from geodata.postcode_lookup import PostcodeLookup, load_district_areas, load_grid
from geodata.postcodes import parse_postcode
from geodata.resolver import LocationResolver
from geodata.store import PlaceStore
from geodata.users import UserStore
from geodata.venues import VenueDataset, load_police_offices, load_safe_places, merge
from locator.area import ServiceArea
from locator.geo import bng_to_wgs84
from locator.index import VenueIndex
from locator.search import Locator
from locator.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class Datasets:
    gazetteer: Gazetteer
    places: PlaceNames
    area: ServiceArea
    store: PlaceStore
    areas: Areas = field(default_factory=Areas)
    # Every GB postcode, when `DataSettings.national_postcodes_file` is there.
    national: NationalPostcodes | None = None
    # Every postcode in use (the gazetteer's and the national table's) by grid square.
    grid: PostcodeGrid | None = None
    # Each national district's local authorities, most postcodes first.
    district_areas: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def staff_areas(self) -> list[tuple[str, str]]:
        """(code, "Name (code)") for every local authority staff can be given, by name."""
        return self.areas.choices(self.gazetteer.local_authority_codes())

    def resolver(self, settings: ServiceSettings) -> LocationResolver:
        geocoder = None
        if settings.geocoder.enabled:
            require(GEOCODER, "SAFEPLACES_GEOCODER__ENABLED is on")
            from geodata.geocoder import OnlineGeocoder  # geopy: only with the geocoder on

            # Prefer results around the service area: its bounding box as Nominatim's viewbox.
            minx, miny, maxx, maxy = self.area.geometry.bounds
            west, south = bng_to_wgs84(minx, miny)
            east, north = bng_to_wgs84(maxx, maxy)
            geocoder = OnlineGeocoder(settings.geocoder, ((north, west), (south, east)))
        return LocationResolver(
            self.gazetteer,
            self.places,
            geocoder,
            area_name=settings.search.area_name,
            national=self.national,
            area=self.area,
        )

    def postcode_lookup(self, resolver: LocationResolver) -> PostcodeLookup:
        """Postcodes in batches, near a point and by outcode, through `resolver`."""
        grid = self.grid or load_grid(self.gazetteer, self.national, [], None)
        return PostcodeLookup(resolver, grid, self.district_areas)

    def locator(self, settings: ServiceSettings) -> Locator:
        """A new locator over the places as the database holds them now."""
        index = VenueIndex(self.store.venues(), settings.search.walking_speed_kmh)
        return Locator(index, self.area, settings.search)


def load_venue_files(
    settings: ServiceSettings, gazetteer: Gazetteer, places: PlaceNames
) -> VenueDataset:
    """The venues and police offices as the open-data files describe them, validated."""
    data = settings.data
    return merge(
        load_safe_places(data.path(data.venues_file), gazetteer),
        load_police_offices(data.path(data.police_file), gazetteer, places),
    )


def open_store(settings: ServiceSettings) -> PlaceStore:
    """The place database, migrated to the current schema."""
    return PlaceStore.open(settings.database)


def area_of(gazetteer: Gazetteer, postcode: str | None) -> str | None:
    """The local authority a postcode is in, per the gazetteer; None if unknown."""
    if not postcode:
        return None
    found = gazetteer.find(parse_postcode(postcode))
    return found.local_authority_code if found else None


def open_users(settings: ServiceSettings) -> UserStore:
    """Staff accounts, in the same database as the places."""
    store = open_store(settings)
    return UserStore(store.engine, store.writer, limits=settings.login)


def load_datasets(settings: ServiceSettings) -> Datasets:
    """Read and validate everything; raise `DataError` for a file that can't be used at all.

    On the first start the database is created and seeded from the open-data files; after
    that the database is the source of truth and the venue files are not read again.
    """
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    places = PlaceNames.load(data.path(data.places_file))
    area = load_service_area(data.path(data.boundaries_file), data.cache_dir)
    store = open_store(settings)
    if store.data_version() == 0:
        dataset = load_venue_files(settings, gazetteer, places)
        if store.seed(dataset, area_of=lambda v: area_of(gazetteer, v.postcode)) and (
            dataset.skipped
        ):
            # Row details name no searches, but they are long: `safeplaces check-data` lists them.
            log.warning(
                "%d venue rows could not be used; see `safeplaces check-data`",
                len(dataset.skipped),
            )
    national = NationalPostcodes.load_optional(data.national_postcodes_path, data.cache_dir)
    sources = [data.path(data.postcodes_file)]
    if national is not None and data.national_postcodes_path is not None:
        sources.append(data.national_postcodes_path)
    grid = load_grid(gazetteer, national, sources, data.cache_dir)
    district_areas = load_district_areas(sources[1] if national else None, data.cache_dir)
    return Datasets(
        gazetteer,
        places,
        area,
        store,
        Areas(load_area_names(data.path(data.places_file))),
        national,
        grid,
        district_areas,
    )
