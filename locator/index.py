"""Spatial index of venues: k-nearest and within-radius searches on British National Grid.

Candidates are found with shapely's STRtree on EPSG:27700 points and ranked by grid distance
(which matches true geodesic ranking over Great Britain); the distances reported for the
results are geodesic metres on the WGS84 ellipsoid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import shapely

from locator.geo import geodesic_m, wgs84_to_bng
from locator.venues import Category, Kind, Status, Venue

_KINDS = list(Kind)
_CATEGORIES = list(Category)
# Grid and geodesic metres differ by under 0.1% in Great Britain (the grid's scale factor);
# radius searches fetch by a slightly larger grid radius, then cut on the geodesic distance.
_SCALE_MARGIN = 1.002


@dataclass(frozen=True, slots=True)
class VenueMatch:
    """A venue found by a search, with its geodesic distance from the search point."""

    venue: Venue
    distance_m: float
    walk_minutes: int


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
        self._tree = shapely.STRtree(shapely.points(self._x, self._y))
        if len(self._venues):
            width = float(np.ptp(self._x)) + 1.0
            height = float(np.ptp(self._y)) + 1.0
            self._diagonal = math.hypot(width, height)
            # The radius of a circle that holds one venue on average: a starting guess.
            self._spacing = math.sqrt(width * height / (math.pi * len(self._venues)))
        else:
            self._diagonal = self._spacing = 1.0

    def __len__(self) -> int:
        return len(self._venues)

    def __iter__(self) -> Iterator[Venue]:
        return iter(self._venues)

    def get(self, venue_id: str) -> Venue | None:
        i = self._by_id.get(venue_id)
        return None if i is None else self._venues[i]

    def counts(self) -> dict[str, int]:
        """How many venues of each kind the index holds."""
        return {k.value: int(np.count_nonzero(self._kind == i)) for i, k in enumerate(_KINDS)}

    def select(
        self,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[Venue]:
        """Venues matching a filter, optionally inside a lon/lat box (min_lon, min_lat, max_lon,
        max_lat), in id order."""
        mask = self._mask(filter)
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            inside = (self._lon >= min_lon) & (self._lon <= max_lon)
            inside &= (self._lat >= min_lat) & (self._lat <= max_lat)
            mask = inside if mask is None else mask & inside
        ids = np.arange(len(self._venues)) if mask is None else np.flatnonzero(mask)
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
        mask = self._mask(filter)
        eligible = len(self._venues) if mask is None else int(np.count_nonzero(mask))
        if eligible == 0:
            return []
        limit = self._diagonal + math.hypot(x - self._x[0], y - self._y[0])
        if max_distance_m is not None:
            limit = min(limit, max_distance_m * _SCALE_MARGIN)
        # Start where about k eligible venues are expected, and double until k are found.
        radius = min(self._spacing * math.sqrt(k * len(self._venues) / eligible) * 1.5, limit)
        while True:
            ids, d2 = self._candidates(x, y, radius, mask, filter.open_at)
            if len(ids) >= k or radius >= limit:
                break
            radius = min(radius * 2, limit)
        order = np.argsort(d2, kind="stable")[:k]
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
        ids, d2 = self._candidates(
            x, y, radius_m * _SCALE_MARGIN, self._mask(filter), filter.open_at
        )
        order = np.argsort(d2, kind="stable")
        return self._matches(lon, lat, ids[order], radius_m)

    # -- internals --------------------------------------------------------------------------

    def _mask(self, filter: VenueFilter) -> npt.NDArray[np.bool_] | None:
        mask: npt.NDArray[np.bool_] | None = None
        if filter.kinds is not None:
            mask = np.isin(self._kind, [_KINDS.index(k) for k in filter.kinds])
        if filter.categories is not None:
            by_category = np.isin(self._category, [_CATEGORIES.index(c) for c in filter.categories])
            mask = by_category if mask is None else mask & by_category
        return mask

    def _candidates(
        self,
        x: float,
        y: float,
        radius: float,
        mask: npt.NDArray[np.bool_] | None,
        open_at: datetime | None,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """Indices and squared grid distances of eligible venues within `radius` grid metres."""
        # A bare envelope query is pure tree work; the exact circle test is cheaper in numpy.
        ids = self._tree.query(shapely.box(x - radius, y - radius, x + radius, y + radius))
        if mask is not None:
            ids = ids[mask[ids]]
        d2 = (self._x[ids] - x) ** 2 + (self._y[ids] - y) ** 2
        keep = d2 <= radius * radius
        ids, d2 = ids[keep], d2[keep]
        if open_at is not None:
            is_open = np.array([_is_open(self._venues[i], open_at) for i in ids], dtype=bool)
            ids, d2 = ids[is_open], d2[is_open]
        return ids, d2

    def _matches(
        self, lon: float, lat: float, ids: Sequence[int] | npt.NDArray[np.intp], cut_m: float | None
    ) -> list[VenueMatch]:
        ids = np.asarray(ids, dtype=np.intp)
        if len(ids) == 0:
            return []
        metres = geodesic_m(lon, lat, self._lon[ids], self._lat[ids])
        return [
            VenueMatch(self._venues[i], float(m), walk_minutes(float(m), self.walking_speed_kmh))
            for i, m in zip(ids.tolist(), metres.tolist(), strict=True)
            if cut_m is None or m <= cut_m
        ]


def _is_open(venue: Venue, at: datetime) -> bool:
    return venue.opening_hours is not None and venue.opening_hours.is_open(at)
