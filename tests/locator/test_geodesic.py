"""The short-line geodesic (`locator.geo.geodesics_from_m`) against pyproj's Geod.inv."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

from locator.geo import (
    CHORD_MAX_M2,
    bng_to_wgs84,
    earth_centred,
    geodesics_from_m,
    geodesics_many_m,
)

GEOD = Geod(ellps="WGS84")


def _pairs(n: int, longest_m: float, seed: int) -> tuple[np.ndarray, ...]:
    """Random pairs of points across Great Britain (the National Grid's extent), the second
    up to `longest_m` from the first in any direction, short lines the most often."""
    rng = np.random.default_rng(seed)
    e, n_ = rng.uniform(0, 700_000, n), rng.uniform(0, 1_250_000, n)
    d, a = rng.uniform(0, 1, n) ** 2 * longest_m, rng.uniform(0, 2 * np.pi, n)
    lon1, lat1 = bng_to_wgs84(e, n_)
    lon2, lat2 = bng_to_wgs84(e + d * np.cos(a), n_ + d * np.sin(a))
    return lon1, lat1, lon2, lat2


def _ends(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.column_stack([earth_centred(lon, lat), lon, lat])


def test_the_same_metres_as_geod_inv_across_great_britain() -> None:
    """200,000 pairs up to 60 km apart (a third past the chord formula's 20 km): within a
    micrometre of Geod.inv, so the same at the 0.1 m the service shows, and the same walk."""
    lon1, lat1, lon2, lat2 = _pairs(200_000, 60_000, 20261202)
    ends = _ends(lon2, lat2)
    got = np.array(
        [
            geodesics_from_m(a, b, [row])[0]
            for a, b, row in zip(lon1.tolist(), lat1.tolist(), ends.tolist(), strict=True)
        ]
    )
    expected = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    assert np.abs(got - expected).max() < 1e-6
    # Rounded as the API rounds, the same except where Geod.inv itself is within a
    # micrometre of the half-way point between two shown values.
    on_edge = np.abs((expected * 10) % 1 - 0.5) < 1e-5
    assert (np.round(got, 1) == np.round(expected, 1))[~on_edge].all()
    assert (np.round(got / 80) == np.round(expected / 80))[~on_edge].all()


def test_long_lines_are_geod_inv_itself() -> None:
    lon1, lat1, lon2, lat2 = _pairs(2_000, 900_000, 3)
    expected = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    far = expected > 25_000
    starts, ends = zip(lon1[far].tolist(), lat1[far].tolist(), strict=True), _ends(lon2, lat2)
    got = [
        geodesics_from_m(a, b, [row])[0]
        for (a, b), row in zip(starts, ends[far].tolist(), strict=True)
    ]
    assert got == expected[far].tolist()


def test_many_at_once_gives_the_same_bits() -> None:
    """The batch searches' vectorised path: bit for bit what one search measures."""
    lon1, lat1, lon2, lat2 = _pairs(20_000, 60_000, 9)
    ends = _ends(lon2, lat2)
    one = [
        geodesics_from_m(a, b, [row])[0]
        for a, b, row in zip(lon1.tolist(), lat1.tolist(), ends.tolist(), strict=True)
    ]
    assert geodesics_many_m(lon1, lat1, ends).tolist() == one
    assert geodesics_many_m(lon1[:0], lat1[:0], ends[:0]).tolist() == []


def test_the_cut_between_the_two_ways() -> None:
    """Either side of the cut-over the two ways agree, so no distance jumps there."""
    lon1, lat1, lon2, lat2 = _pairs(50_000, 30_000, 5)
    ends = _ends(lon2, lat2)
    near = [
        geodesics_from_m(a, b, [row])[0]
        for a, b, row in zip(lon1.tolist(), lat1.tolist(), ends.tolist(), strict=True)
    ]
    expected = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    around = np.abs(expected - np.sqrt(CHORD_MAX_M2)) < 2_000
    assert around.sum() > 100
    assert np.abs(np.array(near) - expected)[around].max() < 1e-6
