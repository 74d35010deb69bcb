"""Postcodes as postcodes.io answers them: many at once, the nearest to a point (reverse
geocoding), and an outcode. Each answer is the resolver's lookup (`LocationResolver.locate`),
the one every entry point uses; this adds the batch, the grid search and the district's areas.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from geodata.arraycache import UNREADABLE, cache_path, map_npz, write_npz
from geodata.gazetteer import Gazetteer
from geodata.national import NationalPostcodes, national_district_areas, national_grid_points
from geodata.postcode_grid import PostcodeGrid
from geodata.postcodes import PostcodeDistrict, parse_district
from geodata.resolver import Located, LocationResolver
from locator.errors import InvalidCoordinates, InvalidPostcode, UnknownPostcode
from locator.geo import check_lat_lon, point_to_bng, wgs84_to_bng

# As postcodes.io: a batch of up to 100; 100 m around a point by default, up to 2 km; the
# nearest 10 by default, up to 100.
MAX_BATCH = 100
DEFAULT_RADIUS_M = 100.0
MAX_RADIUS_M = 2000.0
DEFAULT_LIMIT = 10
MAX_LIMIT = 100

_GRID_VERSION = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Nearby:
    """A postcode near a point: where it is, and how far (metres, on the grid)."""

    found: Located
    distance_m: float


@dataclass(frozen=True, slots=True)
class Outcode:
    """An outcode (a postcode district): the middle of its postcodes and what they are in."""

    outcode: PostcodeDistrict
    latitude: float
    longitude: float
    postcode_count: int
    # ONS codes of the local authorities its postcodes are in, most postcodes first (known
    # for the postcodes of the service's own gazetteer).
    local_authority_codes: tuple[str, ...]
    country: str | None


class PostcodeLookup:
    """The resolver's postcode lookup, in batches, by point and by outcode."""

    def __init__(
        self,
        resolver: LocationResolver,
        grid: PostcodeGrid,
        district_areas: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.resolver = resolver
        self.grid = grid
        # Beyond the gazetteer: each district's local authorities, from the national file.
        self.district_areas = district_areas or {}
        self._to_bng = point_to_bng()

    def many(self, texts: Sequence[str]) -> list[Located | None]:
        """Each text's lookup, in order; None for one that is no postcode or not known, so
        one bad postcode doesn't spoil the batch."""
        found: list[Located | None] = []
        for text in texts:
            try:
                found.append(self.resolver.locate(text))
            except (InvalidPostcode, UnknownPostcode):
                found.append(None)
        return found

    def nearby(
        self, lat: float, lon: float, radius_m: float = DEFAULT_RADIUS_M, limit: int = DEFAULT_LIMIT
    ) -> list[Nearby]:
        """The postcodes in use within `radius_m` of the point, nearest first; none in range
        is an empty list. A point far from every postcode (outside Great Britain, or the
        area the postcode data covers) raises `InvalidCoordinates`."""
        check_lat_lon(lat, lon)
        # Measured on the grid (EPSG:27700), as every distance here is.
        easting, northing = self._to_bng(lon, lat)
        if not self.grid.covers(easting, northing):
            raise InvalidCoordinates(self._off_the_data(), log_message="point off the data")
        hits = self.grid.near(easting, northing, min(radius_m, MAX_RADIUS_M), limit)
        # Through the one lookup (a code the data has in a form no postcode has is left out).
        found = self.many([hit.code for hit in hits])
        return [Nearby(f, hit.distance_m) for f, hit in zip(found, hits, strict=True) if f]

    def _off_the_data(self) -> str:
        if self.resolver.national is None:  # only the service's own postcodes are known
            where = f"near {self.resolver.area_name}"
        else:
            where = "in Great Britain"
        return (
            f"That point is not near any postcode we know: we know the postcodes {where}. "
            "Check the latitude and longitude are the right way round."
        )

    def outcode(self, text: str) -> Outcode:
        """An outcode's middle, its number of postcodes and its areas: from the gazetteer
        where it has the district, else the national table; `UnknownPostcode` if neither."""
        district = parse_district(text)
        national = self.resolver.national
        far = national.middle(district) if national is not None else None
        near = self.resolver.gazetteer.district(district)
        if near is not None:
            areas = tuple(self.resolver.gazetteer.areas_of(district))
            country = far.country if far is not None else None
            return Outcode(
                district, near.latitude, near.longitude, near.postcode_count, areas, country
            )
        if far is None:
            raise UnknownPostcode(
                f"We don't know the outcode {district}. An outcode is the first half of a "
                "postcode, like DE4.",
                log_message="outcode not in the postcode data",
            )
        areas = self.district_areas.get(district.value, ())
        return Outcode(
            district, far.latitude, far.longitude, far.postcode_count, areas, far.country
        )


def load_grid(
    gazetteer: Gazetteer,
    national: NationalPostcodes | None,
    sources: Sequence[Path],
    cache_dir: Path | None,
) -> PostcodeGrid:
    """The grid over every postcode in use that the gazetteer or the national table knows,
    through a cache named for the source files (`sources`: the gazetteer's, then the
    national table's if there is one)."""
    cache = None
    if cache_dir is not None and sources:
        names = "|".join(cache_path(p, cache_dir, "grid", _GRID_VERSION).name for p in sources)
        digest = hashlib.sha256(names.encode()).hexdigest()[:16]
        cache = cache_dir / f"postcode-grid-{digest}.npz"
    national_file = sources[1] if national is not None and len(sources) > 1 else None
    return PostcodeGrid.cached(cache, lambda: _build(gazetteer, national, national_file))


def _build(
    gazetteer: Gazetteer, national: NationalPostcodes | None, national_file: Path | None
) -> PostcodeGrid:
    codes, easting, northing = gazetteer.live_points()
    if national is None:
        return PostcodeGrid.build(codes, easting, northing)
    # The gazetteer's own points where it has the postcode (it knows which are terminated);
    # the national table's for the rest of Great Britain.
    far_codes, far_e, far_n = _national_points(national, national_file)
    known = gazetteer.codes()
    at = np.minimum(np.searchsorted(known, far_codes), max(len(known) - 1, 0))
    others = known[at] != far_codes if len(known) else np.ones(len(far_codes), dtype=bool)
    return PostcodeGrid.build(
        np.concatenate([codes, far_codes[others]]),
        np.concatenate([easting, far_e[others]]),
        np.concatenate([northing, far_n[others]]),
    )


def _national_points(
    national: NationalPostcodes, path: Path | None
) -> tuple[npt.NDArray[np.bytes_], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Every national code with its grid point: the file's own easting and northing where it
    has them (exact, and a second to read), else projected from its longitude and latitude."""
    if path is not None:
        found = national_grid_points(path)
        if found is not None:
            return found
    far_codes, lon, lat = national.points()
    far_e, far_n = wgs84_to_bng(lon.astype(np.float64), lat.astype(np.float64))
    return far_codes, far_e, far_n


def load_district_areas(path: Path | None, cache_dir: Path | None) -> dict[str, tuple[str, ...]]:
    """`national_district_areas` of the national file, through a cache beside the grid's
    (reading the file's column takes a second or two; the cache, milliseconds)."""
    if path is None or not path.is_file():
        return {}
    cache = cache_path(path, cache_dir, "district-areas", _GRID_VERSION) if cache_dir else None
    if cache is not None and cache.is_file():
        try:
            found = map_npz(cache)
            return {
                str(name): tuple(str(codes).split(",")) if str(codes) else ()
                for name, codes in zip(found["names"], found["areas"], strict=True)
            }
        except UNREADABLE as exc:
            log.warning("ignoring unreadable district areas cache %s: %s", cache, exc)
    areas = national_district_areas(path)
    if cache is not None:
        write_npz(
            cache,
            {
                "names": np.array(list(areas), dtype=str),
                "areas": np.array([",".join(codes) for codes in areas.values()], dtype=str),
            },
        )
    return areas
