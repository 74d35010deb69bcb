"""The nearest search of a small index (a county's places): measured to every eligible place.

For a few hundred places, a few numpy calls over a short array cost less than the tree's
query and its rounds (`locator.index`), and give the same answer: the k nearest eligible
places within the limit, ranked by grid distance. Where two places tie (or one is at the
limit), the tree's order settles it, as it always has: such a search goes to the tree.

Most searches need not measure to every place: each square kilometre of the grid keeps the
places that can be among the k + 1 nearest from anywhere in it (worked out at its first
search), and a search ranks only those, in plain Python.
"""

from __future__ import annotations

import math
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
# The side of a cell (grid metres), the most places a search may ask for and still be ranked
# from its cell's, and the most cells kept (a few hundred bytes each).
_CELL = 1000.0
_CELL_K = 10  # below _HANDFUL
_MAX_CELLS = 16384
# From a point in a cell to any place among its k + 1 nearest is at most the cell centre's
# (k+1)-th nearest plus twice the half diagonal: with a metre to spare for rounding.
_CELL_REACH = _CELL * math.sqrt(2) + 1.0

# (position, grid point) pairs, in position order.
_Pairs = list[tuple[int, complex]]


class _Eligible:
    """A filter's venues: their positions and grid points; for a handful of them the same as
    Python pairs; and by (k, cell) the pairs that can be among the k + 1 nearest there."""

    __slots__ = ("positions", "xy", "handful", "cells")

    def __init__(
        self, positions: npt.NDArray[np.intp], xy: npt.NDArray[np.complex128], handful: bool
    ) -> None:
        self.positions, self.xy = positions, xy
        self.handful = _pairs(positions, xy) if handful else None
        self.cells: dict[tuple[int, int, int], _Pairs] = {}

    def near(self, x: float, y: float, k: int) -> _Pairs:
        """The pairs of every venue that can be among the k + 1 nearest to any point of the
        cell (x, y) is in."""
        ix, iy = math.floor(x / _CELL), math.floor(y / _CELL)
        key = (k, ix, iy)
        found = self.cells.get(key)
        if found is None:
            # Only a filter of more than a handful comes here, and k is at most _CELL_K: there
            # is always a (k+1)-th nearest.
            dist = abs(self.xy - complex((ix + 0.5) * _CELL, (iy + 0.5) * _CELL))
            chosen = np.flatnonzero(dist <= float(np.partition(dist, k)[k]) + _CELL_REACH)
            found = _pairs(self.positions.take(chosen), self.xy.take(chosen))
            if len(self.cells) < _MAX_CELLS:
                self.cells[key] = found
        return found


def _pairs(positions: npt.NDArray[np.intp], xy: npt.NDArray[np.complex128]) -> _Pairs:
    return list(zip(positions.tolist(), xy.tolist(), strict=True))


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
        ranked: list[float]
        ids: list[int]
        pairs = eligible.handful
        if pairs is None and k <= _CELL_K and filter.open_at is None:
            pairs = eligible.near(x, y, k)
        if pairs is None:
            dist = abs(eligible.xy - complex(x, y))
            order = dist.argsort(kind="stable")
            ranked, ids = dist.take(order).tolist(), eligible.positions.take(order).tolist()
        else:  # a handful, or a cell's: quicker without numpy (ties go by position, as above)
            point = complex(x, y)
            found = sorted([(abs(z - point), i) for i, z in pairs])
            ranked, ids = [d for d, _ in found], [i for _, i in found]
        if filter.open_at is not None:
            ranked, ids = self._open(ranked, ids, k, filter, limit)
        within = bisect_right(ranked, limit)
        take = min(k, within)
        # Ties among the venues taken, or with the next one (a cell's pairs hold the k + 1
        # nearest, ranked as among all of them).
        for j in range(min(take + 1, len(ranked)) - 1):
            if ranked[j + 1] - ranked[j] <= _TIE:
                return None
        # Venues at the limit, where the limit leaves out some of the k: past k, the venues
        # either side of it are not in the answer (and a cell's pairs may not hold them).
        if within <= k and (
            (within < len(ranked) and ranked[within] - limit <= _TIE)
            or (within and limit - ranked[within - 1] <= _TIE)
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
        eligible = _Eligible(positions, self._xy.take(positions), len(positions) <= _HANDFUL)
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
