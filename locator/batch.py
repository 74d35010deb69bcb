"""The k nearest venues to many points at once: `nearest`'s search, a round for all of them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely


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
    their radii then double, up to `limit`. `radius` is updated in place.

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
        # Nearest first within each point. The pairs come grouped by point, each group in
        # the tree's order, and the sort is stable: ties keep that order, as in `nearest`.
        order = np.lexsort((dist, which))
        which, venue, dist = which[order], venue[order], dist[order]
        rank = np.arange(len(which)) - np.searchsorted(which, which)
        inside = dist <= r[which]
        count = np.bincount(which[inside], minlength=len(pending))
        done = (count >= k) | (r >= limit[pending])
        take = done[which] & inside & (rank < k)
        chosen[pending[which[take]], rank[take]] = venue[take]
        pending = pending[~done]
        radius[pending] = np.minimum(radius[pending] * 2, limit[pending])
