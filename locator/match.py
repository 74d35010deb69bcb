"""What the index's searches return: venues with their geodesic distances."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from locator.venues import Venue


class VenueMatch(NamedTuple):
    """A venue found by a search, with its geodesic distance from the search point."""

    venue: Venue
    distance_m: float
    walk_minutes: int


class NearestK(NamedTuple):
    """The k nearest venues to each of many points: row i for point i, nearest first.

    `ids` is "" and `distance_m` is infinity past the venues found (fewer than k qualify).
    """

    ids: npt.NDArray[np.str_]
    distance_m: npt.NDArray[np.float64]


class NearestEach(NamedTuple):
    """The nearest venue to each of many points, in the order of the points.

    `ids` is "" and `distance_m` is infinity where no venue qualifies (none passes the filter,
    or none is within the distance limit).
    """

    ids: npt.NDArray[np.str_]
    distance_m: npt.NDArray[np.float64]


def walk_minutes(distance_m: float, speed_kmh: float) -> int:
    """Whole minutes to walk a distance at a steady pace; never less than 1."""
    return max(1, round(distance_m / (speed_kmh * 1000 / 60)))
