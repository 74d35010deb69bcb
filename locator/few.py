"""The nearest search of a small index (a county's places): measured to every eligible place.

For a few hundred places, a few numpy calls over a short array cost less than the tree's
query and its rounds (`locator.index`), and give the same answer: the k nearest eligible
places within the limit, ranked by grid distance. Where two places tie (or one is at the
limit), the tree's order settles it, as it always has: such a search goes to the tree.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np
import numpy.typing as npt

from locator.filter import VenueFilter, accepted_mask, is_open, lookups
from locator.geo import geodesics_from_m
from locator.match import VenueMatch
from locator.venues import Venue

_new_tuple = tuple.__new__

# An index of at most this many venues is searched here.
FEW = 512
# Grid distances closer than this (metres; far above the rounding of either way of working
# them out) are a tie.
_TIE = 1e-6
# A filter with at most this many venues (the police offices) is ranked without numpy.
_HANDFUL = 16
# Distinct filters kept (there are a few in practice).
_KEPT = 256

# A filter's venues: their positions and grid points, and for a handful of them the same as
# Python (position, point) pairs.
_Eligible = tuple[
    npt.NDArray[np.intp], npt.NDArray[np.complex128], list[tuple[int, complex]] | None
]


class FewVenues:
    """A small index's venues, by filter (made at a filter's first search)."""

    def __init__(
        self,
        venues: list[Venue],
        xy: npt.NDArray[np.complex128],
        codes: tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]],
        ends: npt.NDArray[np.float64],
        per_minute: float,
    ) -> None:
        """The index's venues, grid points, kind and category codes and `_ends` rows, in
        its order, and the metres walked a minute."""
        self._venues, self._xy, self._codes = venues, xy, codes
        self._ends: list[list[float]] = ends.tolist()
        self._per_minute = per_minute
        self._of: dict[tuple[object, object], _Eligible] = {}

    def nearest(
        self,
        lon: float,
        lat: float,
        grid: tuple[float, float],
        k: int,
        filter: VenueFilter,
        limit: float,
        cut_m: float | None,
    ) -> list[VenueMatch] | None:
        """`VenueIndex.nearest` from (lon, lat), at `grid` on the grid: the k nearest
        eligible venues within `limit` grid metres, measured on the ellipsoid (those past
        `cut_m` left out); None when a tie (or a venue at the limit) leaves the order to
        the tree's search."""
        chosen = self._ranked(grid, k, filter, limit)
        if chosen is None:
            return None
        ends = self._ends
        rows = [ends[i] for i in chosen]
        return measured(self._venues, self._per_minute, lon, lat, chosen, rows, cut_m)

    def _ranked(
        self, grid: tuple[float, float], k: int, filter: VenueFilter, limit: float
    ) -> list[int] | None:
        """The positions of the k nearest, nearest first; None for a tie."""
        x, y = grid
        key = (filter.kinds, filter.categories)
        eligible = self._of.get(key)
        if eligible is None:
            eligible = self._eligible(key, filter)
        positions, xy, handful = eligible
        ranked: list[float]
        ids: list[int]
        if handful is None:
            dist = abs(xy - complex(x, y))
            order = dist.argsort(kind="stable")
            ranked, ids = dist.take(order).tolist(), positions.take(order).tolist()
        else:  # a handful: quicker without numpy
            point = complex(x, y)
            pairs = sorted([(abs(z - point), i) for i, z in handful])
            ranked, ids = [d for d, _ in pairs], [i for _, i in pairs]
        if filter.open_at is not None:
            ranked, ids = self._open(ranked, ids, k, filter, limit)
        within = bisect_right(ranked, limit)
        take = min(k, within)
        # Ties among the venues taken, or with the next one, and venues at the limit.
        for j in range(min(take + 1, len(ranked)) - 1):
            if ranked[j + 1] - ranked[j] <= _TIE:
                return None
        if (within < len(ranked) and ranked[within] - limit <= _TIE) or (
            within and limit - ranked[within - 1] <= _TIE
        ):
            return None
        return ids[:take]

    def _open(
        self, ranked: list[float], ids: list[int], k: int, filter: VenueFilter, limit: float
    ) -> tuple[list[float], list[int]]:
        """Those open at `filter.open_at`, nearest first: enough to rank k and see the next."""
        assert filter.open_at is not None
        venues = self._venues
        kept: list[int] = []
        for i, position in enumerate(ids):
            if ranked[i] > limit + _TIE or len(kept) > k:
                break
            if is_open(venues[position], filter.open_at):
                kept.append(i)
        return [ranked[i] for i in kept], [ids[i] for i in kept]

    def _eligible(self, key: tuple[object, object], filter: VenueFilter) -> _Eligible:
        """The venues a filter's kinds and categories let through, and their grid points."""
        positions = np.flatnonzero(accepted_mask(lookups(filter), *self._codes))
        xy = self._xy.take(positions)
        handful = None
        if len(positions) <= _HANDFUL:
            handful = list(zip(positions.tolist(), xy.tolist(), strict=True))
        eligible = (positions, xy, handful)
        if len(self._of) < _KEPT:
            self._of[key] = eligible
        return eligible


def measured(
    venues: list[Venue],
    per_minute: float,
    lon: float,
    lat: float,
    chosen: list[int],
    ends: list[list[float]],
    cut_m: float | None,
) -> list[VenueMatch]:
    """The venues at `chosen` (with their `_ends` rows), nearest first, measured on the
    ellipsoid from (lon, lat); those past `cut_m` left out."""
    metres = geodesics_from_m(lon, lat, ends)
    # walk_minutes(), inlined (this runs for every result of every search): distances are
    # never negative, so `or 1` is its max(1, …). tuple.__new__ is what VenueMatch() calls.
    return [
        _new_tuple(VenueMatch, (venues[i], m, round(m / per_minute) or 1))
        for i, m in zip(chosen, metres, strict=True)
        if cut_m is None or m <= cut_m
    ]
