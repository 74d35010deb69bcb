"""`VenueIndex.nearest_batch` gives, for every point, what `nearest` gives for that point."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from pyproj import Transformer

from api.settings import Settings
from geodata.datasets import load_datasets, load_venue_files
from locator.filter import VenueFilter
from locator.hours import LONDON, OpeningHours
from locator.index import VenueIndex
from locator.venues import Category, Kind, LocationPrecision, Venue

FILTERS = [
    VenueFilter(),
    VenueFilter.of(kinds=[Kind.SAFE_PLACE]),
    VenueFilter.of(kinds=[Kind.POLICE_ENQUIRY_OFFICE]),
    VenueFilter.of(categories=[Category.LIBRARY, Category.PHARMACY]),
    VenueFilter.of(kinds=[Kind.SAFE_PLACE], open_at=datetime(2026, 11, 24, 12, 0, tzinfo=LONDON)),
]


def _same_as_nearest(
    index: VenueIndex,
    lons: np.ndarray,
    lats: np.ndarray,
    k: int,
    filter: VenueFilter,
    max_distance_m: float | None = None,
) -> None:
    batch = index.nearest_batch(lons, lats, k, filter, max_distance_m)
    assert batch.ids.shape == batch.distance_m.shape == (len(lons), k)
    for i, (lon, lat) in enumerate(zip(lons.tolist(), lats.tolist(), strict=True)):
        one = index.nearest(lon, lat, k, filter, max_distance_m)
        got = [str(v) for v in batch.ids[i] if v]
        assert got == [m.venue.id for m in one], (i, lon, lat, k, filter)
        # The same geodesic metres, to the last bit: one pyproj routine measures both.
        assert batch.distance_m[i, : len(one)].tolist() == [m.distance_m for m in one]
        assert np.isinf(batch.distance_m[i, len(one) :]).all()


@pytest.fixture(scope="module")
def real_venues(real_settings: Settings) -> list[Venue]:
    ds = load_datasets(real_settings)
    return load_venue_files(real_settings, ds.gazetteer, ds.places).venues


@pytest.mark.parametrize("filter", FILTERS)
def test_batch_matches_one_at_a_time_on_real_venues(
    real_venues: list[Venue], filter: VenueFilter
) -> None:
    index = VenueIndex(real_venues)
    rng = np.random.default_rng(11)
    lons, lats = rng.uniform(-2.3, -0.9, 300), rng.uniform(52.5, 53.7, 300)
    for k in (1, 5, 12):
        _same_as_nearest(index, lons, lats, k, filter)
    _same_as_nearest(index, lons, lats, 5, filter, max_distance_m=3000)


def test_batch_matches_one_at_a_time_on_dense_venues() -> None:
    rng = np.random.default_rng(5)
    hours = OpeningHours.parse("Mon-Fri 09:00-17:00")
    venues = [
        Venue(
            id=f"D{i:05d}",
            name=f"Venue {i}",
            kind=Kind.SAFE_PLACE,
            category=[Category.LIBRARY, Category.SHOP, Category.CAFE][i % 3],
            address="",
            postcode=None,
            latitude=lat,
            longitude=lon,
            location_precision=LocationPrecision.BUILDING,
            opening_hours=hours if i % 2 else None,
        )
        for i, (lat, lon) in enumerate(
            zip(rng.uniform(52.6, 53.6, 4000), rng.uniform(-2.1, -1.1, 4000), strict=True)
        )
    ]
    # Some venues share a point, as venues placed at their postcode's centre do.
    venues += [Venue(**{**_fields(v), "id": f"E{j:05d}"}) for j, v in enumerate(venues[:200])]
    index = VenueIndex(venues)
    lons, lats = rng.uniform(-2.3, -0.9, 500), rng.uniform(52.5, 53.7, 500)
    for filter in FILTERS:
        _same_as_nearest(index, lons, lats, 8, filter)
    _same_as_nearest(index, lons, lats, 30, VenueFilter(), max_distance_m=1500)


def test_batch_is_the_brute_force_k_nearest_among_many_venues() -> None:
    """Thousands of venues, hundreds sharing a spot: several rounds of searching for most
    points, and the same grid distances as measuring every venue from every point."""
    rng = np.random.default_rng(17)
    spots = rng.uniform([-2.1, 52.6], [-1.1, 53.6], (1500, 2))
    picks = np.concatenate([np.arange(1500), rng.integers(0, 1500, 500)])
    venues = [
        Venue(
            f"B{i:05d}", f"Venue {i}", Kind.SAFE_PLACE, Category.SHOP, "", None,
            float(spots[p, 1]), float(spots[p, 0]), LocationPrecision.BUILDING,
        )
        for i, p in enumerate(picks.tolist())
    ]  # fmt: skip
    index = VenueIndex(venues)
    lons, lats = rng.uniform(-2.3, -0.9, 400), rng.uniform(52.5, 53.7, 400)
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    vx, vy = to_grid.transform(spots[picks, 0], spots[picks, 1])
    px, py = to_grid.transform(lons, lats)
    by_id = {v.id: i for i, v in enumerate(venues)}
    for k in (1, 5, 13):
        batch = index.nearest_batch(lons, lats, k)
        everyone = np.hypot(vx[None, :] - px[:, None], vy[None, :] - py[:, None])
        expected = np.sort(everyone, axis=1)[:, :k]
        rows = np.array([[by_id[str(v)] for v in row] for row in batch.ids])
        got = everyone[np.arange(len(lons))[:, None], rows]
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
        assert all(len(set(row)) == k for row in batch.ids.tolist())


def _fields(v: Venue) -> dict[str, object]:
    return {name: getattr(v, name) for name in v.__slots__}


def test_batch_edge_cases() -> None:
    empty = VenueIndex([])
    got = empty.nearest_batch([-1.5], [53.1], 3)
    assert got.ids.tolist() == [["", "", ""]] and np.isinf(got.distance_m).all()
    one = VenueIndex(
        [
            Venue(
                "A1", "A", Kind.SAFE_PLACE, Category.SHOP, "", None, 53.1, -1.5,
                LocationPrecision.BUILDING,
            )
        ]
    )  # fmt: skip
    got = one.nearest_batch(np.array([-1.5, -1.4]), np.array([53.1, 53.2]), 2)
    assert got.ids.tolist() == [["A1", ""], ["A1", ""]]
    assert got.distance_m[0, 0] == 0.0
    assert one.nearest_batch([], [], 5).ids.shape == (0, 5)
    with pytest.raises(ValueError):
        one.nearest_batch([1.0, 2.0], [1.0], 1)
