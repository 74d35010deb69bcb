"""Spatial index of venues: k-nearest and within-radius searches on British National Grid.

Candidates are found with shapely's STRtree on EPSG:27700 points and ranked by grid distance
(which matches true geodesic ranking over Great Britain); the distances reported for the
results are geodesic metres on the WGS84 ellipsoid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import shapely

from locator.geo import geodesic_each_m, geodesic_m, wgs84_to_bng
from locator.venues import Category, Kind, Status, Venue

_KINDS = list(Kind)
_CATEGORIES = list(Category)
# Grid and geodesic metres differ by under 0.1% in Great Britain (the grid's scale factor);
# radius searches fetch by a slightly larger grid radius, then cut on the geodesic distance.
_SCALE_MARGIN = 1.002


class VenueMatch(NamedTuple):
    """A venue found by a search, with its geodesic distance from the search point."""

    venue: Venue
    distance_m: float
    walk_minutes: int


class NearestEach(NamedTuple):
    """The nearest venue to each of many points, in the order of the points.

    `ids` is "" and `distance_m` is infinity where no venue qualifies (none passes the filter,
    or none is within the distance limit).
    """

    ids: npt.NDArray[np.str_]
    distance_m: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class VenueFilter:
    """What to search for. None means any."""

    kinds: frozenset[Kind] | None = None
    categories: frozenset[Category] | None = None
    # Only venues known to be open at this (timezone-aware) moment.
    open_at: datetime | None = None

    @classmethod
    def of(
        cls,
        kinds: Iterable[Kind] | None = None,
        categories: Iterable[Category] | None = None,
        open_at: datetime | None = None,
    ) -> VenueFilter:
        return cls(
            frozenset(kinds) if kinds else None,
            frozenset(categories) if categories else None,
            open_at,
        )


def walk_minutes(distance_m: float, speed_kmh: float) -> int:
    """Whole minutes to walk a distance at a steady pace; never less than 1."""
    return max(1, round(distance_m / (speed_kmh * 1000 / 60)))


class VenueIndex:
    """An immutable index over active venues. Rebuild a new one to change the data."""

    def __init__(self, venues: Iterable[Venue], walking_speed_kmh: float = 4.8) -> None:
        self._venues: list[Venue] = [v for v in venues if v.status is Status.ACTIVE]
        self._by_id = {v.id: i for i, v in enumerate(self._venues)}
        self.walking_speed_kmh = walking_speed_kmh
        lon = np.array([v.longitude for v in self._venues], dtype=np.float64)
        lat = np.array([v.latitude for v in self._venues], dtype=np.float64)
        self._lon, self._lat = lon, lat
        self._x, self._y = wgs84_to_bng(lon, lat) if len(lon) else (lon.copy(), lat.copy())
        self._kind = np.array([_KINDS.index(v.kind) for v in self._venues], dtype=np.int8)
        self._category = np.array(
            [_CATEGORIES.index(v.category) for v in self._venues], dtype=np.int8
        )
        self._kind_counts = np.bincount(self._kind, minlength=len(_KINDS))
        self._category_counts = np.bincount(self._category, minlength=len(_CATEGORIES))
        # Grid points as complex numbers: one subtraction and abs() give every distance.
        self._xy = self._x + 1j * self._y
        self._tree = shapely.STRtree(shapely.points(self._x, self._y))
        self._density = _DensityGrid(self._x, self._y)
        # Any venue is within `diagonal` of the first one: a search radius that can't miss.
        if len(self._venues):
            self._diagonal = math.hypot(float(np.ptp(self._x)) + 1, float(np.ptp(self._y)) + 1)
            self._anchor = (float(self._x[0]), float(self._y[0]))
        else:
            self._diagonal, self._anchor = 1.0, (0.0, 0.0)

    def __len__(self) -> int:
        return len(self._venues)

    def __iter__(self) -> Iterator[Venue]:
        return iter(self._venues)

    def get(self, venue_id: str) -> Venue | None:
        i = self._by_id.get(venue_id)
        return None if i is None else self._venues[i]

    def counts(self) -> dict[str, int]:
        """How many venues of each kind the index holds."""
        return {k.value: int(self._kind_counts[i]) for i, k in enumerate(_KINDS)}

    def select(
        self,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[Venue]:
        """Venues matching a filter, optionally inside a lon/lat box (min_lon, min_lat, max_lon,
        max_lat), in id order."""
        kinds, categories = self._accept(filter)
        mask = np.ones(len(self._venues), dtype=bool)
        if kinds is not None:
            mask &= kinds[self._kind]
        if categories is not None:
            mask &= categories[self._category]
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            mask &= (self._lon >= min_lon) & (self._lon <= max_lon)
            mask &= (self._lat >= min_lat) & (self._lat <= max_lat)
        ids = np.flatnonzero(mask)
        found = [self._venues[i] for i in ids]
        if filter.open_at is not None:
            found = [v for v in found if _is_open(v, filter.open_at)]
        return sorted(found, key=lambda v: v.id)

    # -- searches ---------------------------------------------------------------------------

    def nearest(
        self,
        lon: float,
        lat: float,
        k: int = 5,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
        max_distance_m: float | None = None,
    ) -> list[VenueMatch]:
        """The `k` venues nearest to a WGS84 point, nearest first.

        Parameters
        ----------
        lon, lat
            The search point, EPSG:4326.
        k
            How many venues at most.
        filter
            Kinds, categories and open-now; venues with unknown hours never count as open.
        max_distance_m
            Leave out venues further than this (geodesic metres).
        """
        if k < 1 or not self._venues:
            return []
        x, y = wgs84_to_bng(lon, lat)
        accept = self._accept(filter)
        share = self._eligible_share(accept)
        if share == 0:
            return []
        limit = self._diagonal + math.hypot(x - self._anchor[0], y - self._anchor[1])
        if max_distance_m is not None:
            limit = min(limit, max_distance_m * _SCALE_MARGIN)
        # Start where about k eligible venues are expected locally; double until k are found.
        # Every venue within the radius is a candidate, so the k nearest of them are exact.
        radius = min(self._density.radius_for(x, y, k / share), limit)
        while True:
            ids, dist = self._candidates(x, y, radius, accept, filter.open_at)
            # The box's corners reach past the radius: count only the venues inside the circle.
            found = int(np.count_nonzero(dist <= radius))
            if found >= k or radius >= limit:
                break
            radius = min(radius * 2, limit)
        take = min(k, found)
        if len(ids) > 4 * take > 0:
            keep = np.argpartition(dist, take - 1)[:take]
            ids, dist = ids[keep], dist[keep]
        order = np.argsort(dist, kind="stable")[:take]
        return self._matches(lon, lat, ids[order], max_distance_m)

    def within(
        self,
        lon: float,
        lat: float,
        radius_m: float,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
    ) -> list[VenueMatch]:
        """Every venue within `radius_m` geodesic metres of a WGS84 point, nearest first."""
        if radius_m <= 0 or not self._venues:
            return []
        x, y = wgs84_to_bng(lon, lat)
        radius = radius_m * _SCALE_MARGIN
        ids, dist = self._candidates(x, y, radius, self._accept(filter), filter.open_at)
        inside = dist <= radius
        ids, dist = ids[inside], dist[inside]
        order = np.argsort(dist, kind="stable")
        return self._matches(lon, lat, ids[order], radius_m)

    def nearest_distances(
        self,
        lon: npt.ArrayLike,
        lat: npt.ArrayLike,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
        max_distance_m: float | None = None,
    ) -> NearestEach:
        """The nearest venue to each of many WGS84 points, in one vectorised query.

        For coverage over every postcode at once: no Python loop over the points. Like
        `nearest`, the venue is found on the grid and measured on the ellipsoid: the STRtree's
        `query_nearest` ranks by British National Grid distance (which ranks as the geodesic
        does over Great Britain), then one vectorised pyproj `Geod.inv` call gives the geodesic
        metres of each pair, so these distances equal `nearest(...)[0].distance_m`. (Grid
        metres alone would be up to 0.04% off in Derbyshire: harmless at 400-1600 m, but two
        ways of measuring would make the same postcode sit on either side of a threshold.)

        Parameters
        ----------
        lon, lat
            The points, EPSG:4326, as equal-length arrays.
        filter
            Kinds, categories and open-now, as for `nearest`.
        max_distance_m
            Treat venues further than this (geodesic metres) as not there.
        """
        lon = np.asarray(lon, dtype=np.float64).ravel()
        lat = np.asarray(lat, dtype=np.float64).ravel()
        if lon.shape != lat.shape:
            raise ValueError("lon and lat must have the same length")
        ids = np.full(len(lon), "", dtype=object)
        metres = np.full(len(lon), np.inf)
        kinds, categories = self._accept(filter)
        mask = np.ones(len(self._venues), dtype=bool)
        if kinds is not None:
            mask &= kinds[self._kind]
        if categories is not None:
            mask &= categories[self._category]
        if filter.open_at is not None:
            mask &= np.array([_is_open(v, filter.open_at) for v in self._venues], dtype=bool)
        eligible = np.flatnonzero(mask)
        if len(lon) == 0 or len(eligible) == 0:
            return NearestEach(ids.astype(str), metres)
        # The index's own tree when every venue counts; else a tree of the eligible ones (a
        # tree over a few thousand points builds in about a millisecond).
        tree = (
            self._tree
            if len(eligible) == len(self._venues)
            else shapely.STRtree(shapely.points(self._x[eligible], self._y[eligible]))
        )
        x, y = wgs84_to_bng(lon, lat)
        pairs = tree.query_nearest(
            shapely.points(x, y),
            max_distance=None if max_distance_m is None else max_distance_m * _SCALE_MARGIN,
            all_matches=False,
        )
        points, found = pairs[0], eligible[pairs[1]]
        measured = geodesic_m(lon[points], lat[points], self._lon[found], self._lat[found])
        if max_distance_m is not None:
            keep = measured <= max_distance_m
            points, found, measured = points[keep], found[keep], measured[keep]
        ids[points] = [self._venues[i].id for i in found.tolist()]
        metres[points] = measured
        return NearestEach(ids.astype(str), metres)

    # -- internals --------------------------------------------------------------------------

    def _accept(self, filter: VenueFilter) -> _Accept:
        """Lookup tables of accepted kind and category codes (None: any)."""
        kinds = categories = None
        if filter.kinds is not None:
            kinds = np.zeros(len(_KINDS), dtype=bool)
            kinds[[_KINDS.index(k) for k in filter.kinds]] = True
        if filter.categories is not None:
            categories = np.zeros(len(_CATEGORIES), dtype=bool)
            categories[[_CATEGORIES.index(c) for c in filter.categories]] = True
        return kinds, categories

    def _eligible_share(self, accept: _Accept) -> float:
        """Roughly what share of venues pass the filter (kinds and categories as independent)."""
        kinds, categories = accept
        n = len(self._venues)
        share = 1.0
        if kinds is not None:
            share *= float(self._kind_counts[kinds].sum()) / n
        if categories is not None:
            share *= float(self._category_counts[categories].sum()) / n
        return share

    def _candidates(
        self,
        x: float,
        y: float,
        radius: float,
        accept: _Accept,
        open_at: datetime | None,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """Indices and grid distances of eligible venues in the square around a circle.

        Every venue within `radius` grid metres is included; so are some in the corners.
        """
        # A bare envelope query is pure tree work; distances are cheaper in numpy. The box goes
        # in as a one-element array: shapely's scalar path costs more than the search itself.
        box = shapely.box(x - radius, y - radius, x + radius, y + radius)
        ids = self._tree.query(np.array([box]))[1]
        kinds, categories = accept
        if kinds is not None:
            ids = ids[kinds[self._kind[ids]]]
        if categories is not None:
            ids = ids[categories[self._category[ids]]]
        dist = np.abs(self._xy[ids] - complex(x, y))
        if open_at is not None:
            # Opening hours are checked one venue at a time: only for those in the circle.
            inside = dist <= radius
            ids, dist = ids[inside], dist[inside]
            is_open = np.array([_is_open(self._venues[i], open_at) for i in ids], dtype=bool)
            ids, dist = ids[is_open], dist[is_open]
        return ids, dist

    def _matches(
        self, lon: float, lat: float, ids: npt.NDArray[np.intp], cut_m: float | None
    ) -> list[VenueMatch]:
        if len(ids) > _VECTOR_GEODESIC_FROM:
            metres = geodesic_m(lon, lat, self._lon[ids], self._lat[ids]).tolist()
        else:
            metres = geodesic_each_m(lon, lat, self._lon[ids].tolist(), self._lat[ids].tolist())
        per_minute = self.walking_speed_kmh * 1000 / 60
        return [
            # walk_minutes(), inlined: this runs for every result of every search.
            VenueMatch(self._venues[i], m, max(1, round(m / per_minute)))
            for i, m in zip(ids.tolist(), metres, strict=True)
            if cut_m is None or m <= cut_m
        ]


# Above this many results one vectorised geodesic call is cheaper than a call each.
_VECTOR_GEODESIC_FROM = 16
_Accept = tuple[npt.NDArray[np.bool_] | None, npt.NDArray[np.bool_] | None]


class _DensityGrid:
    """Venue counts on a coarse grid, to start each search at a radius fitted to the place.

    Venues cluster where people live: a radius sized for the national average holds hundreds
    of venues in a city and none on a moor. The count in the 3x3 cells around a point gives
    the local density, and so the radius expected to hold k venues.
    """

    def __init__(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> None:
        n = len(x)
        self._x0 = float(x.min()) if n else 0.0
        self._y0 = float(y.min()) if n else 0.0
        width = float(np.ptp(x)) + 1 if n else 1.0
        height = float(np.ptp(y)) + 1 if n else 1.0
        # About four venues a cell on average, but cells of at least 250 m.
        self._cell = max(250.0, math.sqrt(width * height * 4 / max(n, 1)))
        counts = np.zeros((int(height // self._cell) + 3, int(width // self._cell) + 3))
        ix = ((x - self._x0) // self._cell).astype(np.intp) + 1
        iy = ((y - self._y0) // self._cell).astype(np.intp) + 1
        np.add.at(counts, (iy, ix), 1)
        # Sum over each cell's 3x3 neighbourhood (a box filter over the zero-padded grid).
        padded = np.pad(counts, 1)
        rows, cols = counts.shape
        self._counts = np.zeros_like(counts)
        for dy in (0, 1, 2):
            for dx in (0, 1, 2):
                self._counts += padded[dy : dy + rows, dx : dx + cols]

    def radius_for(self, x: float, y: float, k: float) -> float:
        """A radius around (x, y) likely to hold about `k` venues (a first guess)."""
        rows, cols = self._counts.shape
        ix = min(max(int((x - self._x0) // self._cell) + 1, 0), cols - 1)
        iy = min(max(int((y - self._y0) // self._cell) + 1, 0), rows - 1)
        count: float = self._counts.item(iy, ix)
        if count == 0:
            return 2 * self._cell
        area = 9 * self._cell * self._cell
        return math.sqrt(area * k / (math.pi * count)) * 1.3


def _is_open(venue: Venue, at: datetime) -> bool:
    return venue.opening_hours is not None and venue.opening_hours.is_open(at)
