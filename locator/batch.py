"""The k nearest venues to many points at once: `nearest`'s search, a round for all of them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

from locator.cells import FIRST_MARGIN

# A batch starts smaller than `nearest` and grows more gently: each venue in a box costs
# the tree and the arithmetic, and a second round for some points costs less than a larger
# box for all of them (a tenth fewer candidates in all at a million venues).
# Of `nearest`'s first radius: 0.85 of the radius expected to hold k venues.
FIRST = 0.85 / FIRST_MARGIN
GROWTH = 1.4


def rank_rounds(
    tree: shapely.STRtree,
    venues_xy: npt.NDArray[np.complex128],
    eligible: npt.NDArray[np.bool_],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    radius: npt.NDArray[np.float64],
    limit: npt.NDArray[np.float64],
    k: int,
    chosen: npt.NDArray[np.intp],
) -> None:
    """Fill `chosen` (points × k, -1 for none) with the tree indices of each point's k nearest
    eligible venues by grid distance, nearest first.

    Each round is one tree query for every point still short of k venues inside its radius;
    their radii then grow by `GROWTH`, up to `limit`. `radius` is updated in place. Every
    venue inside a point's circle is a candidate, so its k nearest are exact whatever the
    radius; venues at exactly the same distance keep the tree's order, as in `nearest`.

    Parameters
    ----------
    tree, venues_xy
        The venues' tree and their grid points as complex numbers, in the same order.
    eligible
        Which venues count, in that order.
    x, y
        The points, EPSG:27700.
    radius, limit
        Each point's first search radius and the radius past which none is needed.
    """
    here = x + 1j * y
    pending = np.arange(len(x))
    while len(pending):
        r = radius[pending]
        px, py = x[pending], y[pending]
        which, venue = tree.query(shapely.box(px - r, py - r, px + r, py + r))
        keep = eligible[venue]
        which, venue = which[keep], venue[keep]
        dist = np.abs(venues_xy[venue] - here[pending][which])
        # Only venues inside the circle count (the box's corners reach past it).
        inside = dist <= r[which]
        count = np.bincount(which[inside], minlength=len(pending))
        done = (count >= k) | (r >= limit[pending])
        settled = done[which] & inside
        which, venue, dist = which[settled], venue[settled], dist[settled]
        for rank, (point, found) in enumerate(nearest_first(which, dist, k)):
            chosen[pending[point], rank] = venue[found]
        pending = pending[~done]
        radius[pending] = np.minimum(radius[pending] * GROWTH, limit[pending])


def nearest_first(
    group: npt.NDArray[np.intp], dist: npt.NDArray[np.float64], k: int
) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]:
    """The k smallest distances of each group, as k picks: pick j holds, for every group with
    more than j members, the position of its (j+1)-th nearest.

    `group` is sorted (the tree's answer comes grouped by query). Among equal distances the
    earlier position goes first: the order a stable sort would keep, that of `nearest`. A pick
    is a pass over the pairs, so for a handful of places this beats sorting them all.
    """
    picks: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]] = []
    if len(group) == 0:
        return picks
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    member = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(group)]))
    left = dist.copy()
    for _ in range(k):
        best = np.minimum.reduceat(left, starts)
        # The first pair of each group still in the running at the group's best distance.
        at = np.flatnonzero((left == best[member]) & (left < np.inf))
        if len(at) == 0:
            break
        firsts = at[np.r_[True, member[at[1:]] != member[at[:-1]]]]
        picks.append((group[firsts], firsts))
        left[firsts] = np.inf
    return picks
