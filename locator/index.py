"""Spatial index of venues: k-nearest and within-radius searches on British National Grid.

Candidates are found with shapely's STRtree on EPSG:27700 points (in a small index, a county's,
every venue is a candidate) and ranked by grid distance (which matches true geodesic ranking
over Great Britain); the distances reported for the results are geodesic metres on the WGS84
ellipsoid: for lines up to 20 km the chord between the two points' earth-centred coordinates,
lengthened by the arc's bulge (within 0.2 micrometres of pyproj's Geod.inv; `locator.geo`),
longer ones by Geod.inv itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import datetime

import numpy as np
import numpy.typing as npt
import shapely

from locator.batch import FIRST, rank_rounds
from locator.cells import DensityGrid, spatial_order
from locator.few import FEW, FewVenues, measured
from locator.filter import (
    CATEGORIES,
    KINDS,
    FilterTables,
    VenueFilter,
    accepted_mask,
    is_open,
    lookups,
)
from locator.geo import (
    earth_centred,
    geodesics_many_m,
    wgs84_to_bng,
)
from locator.match import NearestEach, NearestK, VenueMatch
from locator.scratch import Scratch
from locator.venues import Status, Venue

# Each kind's and category's code (position in KINDS, CATEGORIES), by dict: built at start-up.
_KIND_CODES = {k: i for i, k in enumerate(KINDS)}
_CATEGORY_CODES = {c: i for i, c in enumerate(CATEGORIES)}
# Grid and geodesic metres differ by under 0.1% in Great Britain (the grid's scale factor);
# radius searches fetch by a slightly larger grid radius, then cut on the geodesic distance.
_SCALE_MARGIN = 1.002


class VenueIndex:
    """An immutable index over active venues. Rebuild a new one to change the data."""

    def __init__(
        self, venues: Iterable[Venue], walking_speed_kmh: float = 4.8, few: int = FEW
    ) -> None:
        """`few`: an index of at most this many venues measures a search to each of them
        (the same answers as the tree's search; 0 for the tree always)."""
        listed = [v for v in venues if v.status is Status.ACTIVE]
        self._listed = listed  # in the order given, for iteration
        self.walking_speed_kmh = walking_speed_kmh
        self._per_minute = walking_speed_kmh * 1000 / 60  # metres walked a minute
        # What the arrays hold of each venue is read in the order given (as the venues were
        # made, so mostly as they lie in memory), then put in the index's order: read in that
        # order, every venue is somewhere else in memory (a third of building the index over
        # 100,000 places).
        lon = np.array([v.longitude for v in listed], dtype=np.float64)
        lat = np.array([v.latitude for v in listed], dtype=np.float64)
        kind = np.array([_KIND_CODES[v.kind] for v in listed], dtype=np.int8)
        category = np.array([_CATEGORY_CODES[v.category] for v in listed], dtype=np.int8)
        ids = [v.id for v in listed]
        x, y = wgs84_to_bng(lon, lat) if len(lon) else (lon.copy(), lat.copy())
        # Inside, venues near each other on the ground sit near each other in memory: a search
        # reads a few runs of neighbouring rows rather than rows scattered over the arrays
        # (with a million venues, scattered reads cost more than the arithmetic).
        order = spatial_order(x, y)
        self._venues: list[Venue] = [listed[i] for i in order.tolist()]
        place = np.empty(len(order), dtype=np.intp)  # where each venue given is in the index
        place[order] = np.arange(len(order))
        self._by_id = dict(zip(ids, place.tolist(), strict=True))
        # The ids as one array: a batch answer takes thousands at once, with no Python loop
        # over venue objects spread across memory.
        self._ids = np.array(ids, dtype=str)[order]
        self._lon, self._lat, self._x, self._y = lon[order], lat[order], x[order], y[order]
        # What measuring a result needs, one row a venue (x, y, z earth-centred, lon, lat):
        # a search's results in one read, from rows that neighbouring venues share.
        self._ends = np.column_stack([earth_centred(self._lon, self._lat), self._lon, self._lat])
        self._kind = kind[order]
        self._category = category[order]
        self._kind_counts = np.bincount(self._kind, minlength=len(KINDS))
        self._category_counts = np.bincount(self._category, minlength=len(CATEGORIES))
        # Bound once: every search asks for its filter's tables.
        self._accepted = FilterTables(self._kind_counts, self._category_counts).accepted
        # Grid points as complex numbers: one subtraction and abs() give every distance.
        self._xy = self._x + 1j * self._y
        self._tree = shapely.STRtree(shapely.points(self._x, self._y))
        self._query = self._tree._tree.query  # shapely.lib.STRtree: (geometries, predicate)
        self._scratch = Scratch()
        self._density = DensityGrid(self._x, self._y)
        # Any venue is within `diagonal` of the first one: a search radius that can't miss.
        if len(self._venues):
            self._diagonal = math.hypot(float(np.ptp(self._x)) + 1, float(np.ptp(self._y)) + 1)
            self._anchor = (float(self._x[0]), float(self._y[0]))
        else:
            self._diagonal, self._anchor = 1.0, (0.0, 0.0)
        # A small index measures to every venue (`locator.few`).
        self._few = None
        if len(self._venues) <= few:
            codes = (self._kind, self._category)
            self._few = FewVenues(self._venues, self._xy, codes, self._ends, self._per_minute)

    def __len__(self) -> int:
        return len(self._venues)

    def __iter__(self) -> Iterator[Venue]:
        return iter(self._listed)

    def get(self, venue_id: str) -> Venue | None:
        i = self._by_id.get(venue_id)
        return None if i is None else self._venues[i]

    def counts(self) -> dict[str, int]:
        """How many venues of each kind the index holds."""
        return {k.value: int(self._kind_counts[i]) for i, k in enumerate(KINDS)}

    def select(
        self,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[Venue]:
        """Venues matching a filter, optionally inside a lon/lat box (min_lon, min_lat, max_lon,
        max_lat), in id order."""
        mask = accepted_mask(lookups(filter), self._kind, self._category)
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            mask &= (self._lon >= min_lon) & (self._lon <= max_lon)
            mask &= (self._lat >= min_lat) & (self._lat <= max_lat)
        ids = np.flatnonzero(mask)
        found = [self._venues[i] for i in ids]
        if filter.open_at is not None:
            found = [v for v in found if is_open(v, filter.open_at)]
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
        # Everything below runs for every search: locals and plain floats, no helper objects.
        x, y = self._scratch.grid(lon, lat)
        ax, ay = self._anchor
        limit = self._diagonal + math.hypot(x - ax, y - ay)
        if max_distance_m is not None:
            limit = min(limit, max_distance_m * _SCALE_MARGIN)
        if self._few is not None and math.isfinite(x) and math.isfinite(y):
            found = self._few.nearest(lon, lat, (x, y), k, filter, limit, max_distance_m)
            if found is not None:
                return found
        kinds, categories, share = self._accepted(filter)
        if share == 0:
            return []
        # Start where about k eligible venues are expected locally; double until k are found.
        # Every venue within the radius is a candidate, so the k nearest of them are exact.
        radius = min(self._density.radius_for(x, y, k / share), limit)
        open_at = filter.open_at
        while True:
            ids, dist = self._candidates(x, y, radius, kinds, categories, open_at)
            # One stable sort ranks them (ties keep the tree's order). Only venues inside the
            # circle count (the box's corners reach past it): done when the k-th is inside.
            order = dist.argsort(kind="stable")
            if len(order) >= k and dist.item(order.item(k - 1)) <= radius:
                best = order[:k]
                break
            if radius >= limit:
                best = order[: int(dist[order].searchsorted(radius, "right"))]
                break
            radius = min(radius * 2, limit)
        return self._matches(lon, lat, ids.take(best), max_distance_m)

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
        x, y = self._scratch.grid(lon, lat)
        radius = radius_m * _SCALE_MARGIN
        kinds, categories, _ = self._accepted(filter)
        ids, dist = self._candidates(x, y, radius, kinds, categories, filter.open_at)
        inside = dist <= radius
        ids, dist = ids[inside], dist[inside]
        return self._matches(lon, lat, ids[dist.argsort(kind="stable")], radius_m)

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
        does over Great Britain), then `geodesics_many_m` gives the geodesic metres of each
        pair, so these distances equal `nearest(...)[0].distance_m`, to the last bit. (Grid
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
        ids = np.full(len(lon), "", dtype=self._ids.dtype)
        metres = np.full(len(lon), np.inf)
        eligible, tree = self._eligible(filter)
        if len(lon) == 0 or len(eligible) == 0:
            return NearestEach(ids, metres)
        x, y = wgs84_to_bng(lon, lat)
        pairs = tree.query_nearest(
            shapely.points(x, y),
            max_distance=None if max_distance_m is None else max_distance_m * _SCALE_MARGIN,
            all_matches=False,
        )
        points, found = pairs[0], eligible[pairs[1]]
        measured = geodesics_many_m(lon, lat, self._ends[found], points)
        if max_distance_m is not None:
            keep = measured <= max_distance_m
            points, found, measured = points[keep], found[keep], measured[keep]
        ids[points] = self._ids[found]
        metres[points] = measured
        return NearestEach(ids, metres)

    def nearest_batch(
        self,
        lon: npt.ArrayLike,
        lat: npt.ArrayLike,
        k: int = 5,
        filter: VenueFilter = VenueFilter(),  # noqa: B008 - frozen, so a safe default
        max_distance_m: float | None = None,
    ) -> NearestK:
        """The `k` nearest venues to each of many WGS84 points: `nearest` for a whole array.

        Row i of the result holds what `nearest(lon[i], lat[i], k, filter, max_distance_m)`
        returns (the same venues in the same order, the same geodesic metres), without a
        Python loop over the points: each round is one STRtree query for every point still
        short of k venues (their search radius then doubles, as `nearest`'s does), and the
        distances are measured for all at once (`geodesics_many_m`: the same bits as one
        search's).

        Parameters
        ----------
        lon, lat
            The points, EPSG:4326, as equal-length arrays.
        k
            How many venues for each point at most.
        filter, max_distance_m
            As for `nearest`.
        """
        lon = np.asarray(lon, dtype=np.float64).ravel()
        lat = np.asarray(lat, dtype=np.float64).ravel()
        if lon.shape != lat.shape:
            raise ValueError("lon and lat must have the same length")
        n, k = len(lon), max(k, 0)
        chosen = np.full((n, k), -1, dtype=np.intp)
        mask = self._eligible_mask(filter)
        if n and k and mask.any():
            x, y = wgs84_to_bng(lon, lat)
            # Asked in order along the ground, neighbouring searches read the same parts of
            # the tree and of the venue arrays one after another.
            order = spatial_order(x, y)
            x, y = x[order], y[order]
            radius, limit = self._first_radii(x, y, k, filter, max_distance_m)
            found = np.full((n, k), -1, dtype=np.intp)
            rank_rounds(self._tree, self._xy, mask, x, y, radius, limit, k, found)
            chosen[order] = found
        ids = np.full((n, k), "", dtype=self._ids.dtype)
        metres = np.full((n, k), np.inf)
        rows, cols = np.nonzero(chosen >= 0)
        found = chosen[rows, cols]
        measured = geodesics_many_m(lon, lat, self._ends[found], rows)
        keep = measured <= (np.inf if max_distance_m is None else max_distance_m)
        rows, cols, found, measured = rows[keep], cols[keep], found[keep], measured[keep]
        if len(rows) and not keep.all():
            # Close the gaps that the geodesic cut left, as `nearest`'s list does.
            cols = np.arange(len(rows)) - np.searchsorted(rows, rows)
        ids[rows, cols] = self._ids[found]
        metres[rows, cols] = measured
        return NearestK(ids, metres)

    # -- internals --------------------------------------------------------------------------

    def _eligible_mask(self, filter: VenueFilter) -> npt.NDArray[np.bool_]:
        """Which venues a filter lets through (at this moment, for open-now)."""
        kinds, categories, _ = self._accepted(filter)
        mask = accepted_mask((kinds, categories), self._kind, self._category)
        if filter.open_at is not None:
            mask &= np.array([is_open(v, filter.open_at) for v in self._venues], dtype=bool)
        return mask

    def _eligible(self, filter: VenueFilter) -> tuple[npt.NDArray[np.intp], shapely.STRtree]:
        """The venues a filter lets through, and a tree of them: the index's own when every
        venue counts."""
        eligible = np.flatnonzero(self._eligible_mask(filter))
        if len(eligible) == len(self._venues):
            return eligible, self._tree
        # A tree over a few thousand points builds in about a millisecond.
        return eligible, shapely.STRtree(shapely.points(self._x[eligible], self._y[eligible]))

    def _first_radii(
        self,
        x: npt.NDArray[np.float64],
        y: npt.NDArray[np.float64],
        k: int,
        filter: VenueFilter,
        max_distance_m: float | None,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The first radius (a share of `nearest`'s) and the limit, for many grid points."""
        ax, ay = self._anchor
        limit = self._diagonal + np.hypot(x - ax, y - ay)
        if max_distance_m is not None:
            limit = np.minimum(limit, max_distance_m * _SCALE_MARGIN)
        share = self._accepted(filter)[2]
        first = self._density.radius_for_many(x, y, k / share) * FIRST
        return np.minimum(first, limit), limit

    def _candidates(
        self,
        x: float,
        y: float,
        radius: float,
        kinds: npt.NDArray[np.bool_] | None,
        categories: npt.NDArray[np.bool_] | None,
        open_at: datetime | None,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """Indices and grid distances of eligible venues in the square around a circle.

        Every venue within `radius` grid metres is included; so are some in the corners.
        """
        # A bare envelope query is pure tree work; distances are cheaper in numpy. The box goes
        # straight to the GEOS tree under STRtree.query, whose argument checks are for other
        # callers.
        ids = self._query(self._scratch.box(x, y, radius), 0)[1]
        if kinds is not None:
            ids = ids[kinds[self._kind.take(ids)]]
        if categories is not None:
            ids = ids[categories[self._category.take(ids)]]
        dist = abs(self._xy.take(ids) - complex(x, y))
        if open_at is not None:
            # Opening hours are checked one venue at a time: only for those in the circle.
            inside = dist <= radius
            ids, dist = ids[inside], dist[inside]
            venues = self._venues
            open_now = np.array([is_open(venues[i], open_at) for i in ids.tolist()], dtype=bool)
            ids, dist = ids[open_now], dist[open_now]
        return ids, dist

    def _matches(
        self, lon: float, lat: float, ids: npt.NDArray[np.intp], cut_m: float | None
    ) -> list[VenueMatch]:
        """The results, nearest first, measured on the ellipsoid; those past `cut_m` left out."""
        rows = self._ends.take(ids, 0).tolist()
        return measured(self._venues, self._per_minute, lon, lat, ids.tolist(), rows, cut_m)
