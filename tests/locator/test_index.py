"""The locator against an independent brute-force geodesic search, and its filters."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest
from pyproj import Geod
from synthetic import venue_at

from api.settings import Settings
from geodata.datasets import load_datasets, load_venue_files
from locator.filter import VenueFilter
from locator.hours import LONDON, OpeningHours
from locator.index import VenueIndex
from locator.match import walk_minutes
from locator.origin import Origin, OriginSource
from locator.registry import LocatorRegistry
from locator.search import Locator
from locator.settings import SearchSettings
from locator.venues import Category, Kind, Status, Venue

GEOD = Geod(ellps="WGS84")


def _venue(i: int, lat: float, lon: float, **kw: object) -> Venue:
    return venue_at(i, lon, lat, **kw)


def _brute_force(venues: list[Venue], lon: float, lat: float) -> tuple[list[str], np.ndarray]:
    """Geodesic distance to every venue, sorted: the reference answer."""
    lons = np.array([v.longitude for v in venues])
    lats = np.array([v.latitude for v in venues])
    _, _, d = GEOD.inv(np.full(len(venues), lon), np.full(len(venues), lat), lons, lats)
    order = np.argsort(d, kind="stable")
    return [venues[i].id for i in order], d[order]


@pytest.fixture(scope="module")
def real_venues(real_settings: Settings) -> list[Venue]:
    ds = load_datasets(real_settings)
    return load_venue_files(real_settings, ds.gazetteer, ds.places).venues


def test_nearest_matches_brute_force_geodesic_on_real_venues(real_venues: list[Venue]) -> None:
    """2,000 random points in and around Derbyshire: same order, same distances within 1 m."""
    index = VenueIndex(real_venues)
    rng = np.random.default_rng(20261124)
    lons = rng.uniform(-2.3, -0.9, 2000)
    lats = rng.uniform(52.5, 53.7, 2000)
    for lon, lat in zip(lons, lats, strict=True):
        for k in (1, 5, 12):
            got = index.nearest(lon, lat, k)
            ids, dist = _brute_force(real_venues, lon, lat)
            assert [m.venue.id for m in got] == ids[:k]
            assert np.allclose([m.distance_m for m in got], dist[:k], atol=1.0)


def test_nearest_matches_brute_force_on_dense_synthetic_venues() -> None:
    """Thousands of venues packed closely, where grid and geodesic ranking could disagree."""
    rng = np.random.default_rng(7)
    venues = [
        _venue(i, lat, lon)
        for i, (lat, lon) in enumerate(
            zip(rng.uniform(52.6, 53.6, 3000), rng.uniform(-2.1, -1.1, 3000), strict=True)
        )
    ]
    index = VenueIndex(venues)
    for lon, lat in zip(rng.uniform(-2.2, -1.0, 300), rng.uniform(52.5, 53.7, 300), strict=True):
        ids, dist = _brute_force(venues, lon, lat)
        got = index.nearest(lon, lat, 8)
        assert [m.venue.id for m in got] == ids[:8]
        assert np.allclose([m.distance_m for m in got], dist[:8], atol=1.0)


def test_within_radius_matches_brute_force(real_venues: list[Venue]) -> None:
    index = VenueIndex(real_venues)
    rng = np.random.default_rng(3)
    for lon, lat in zip(rng.uniform(-2.0, -1.2, 200), rng.uniform(52.7, 53.5, 200), strict=True):
        ids, dist = _brute_force(real_venues, lon, lat)
        expected = [i for i, d in zip(ids, dist, strict=True) if d <= 5000]
        assert [m.venue.id for m in index.within(lon, lat, 5000)] == expected


def test_a_small_index_answers_as_the_tree_does_on_real_venues(real_venues: list[Venue]) -> None:
    """Measured to every venue or searched in the tree, from 3,000 points: the same places in
    the same order, with open-now, categories and distance limits, and with places sharing
    a spot (ties, which the tree's order settles)."""
    twins = [replace(v, id=f"{v.id}-twin") for v in real_venues[::7]]
    noon = datetime(2026, 11, 24, 12, 0, tzinfo=LONDON)
    filters = [
        VenueFilter.of([Kind.SAFE_PLACE]),
        VenueFilter.of([Kind.POLICE_ENQUIRY_OFFICE]),
        VenueFilter(),
        VenueFilter.of([Kind.SAFE_PLACE], open_at=noon),
        VenueFilter.of(categories=[Category.LIBRARY, Category.PHARMACY]),
    ]
    rng = np.random.default_rng(20261202)
    points = [(v.longitude, v.latitude) for v in real_venues]
    points += list(zip(rng.uniform(-2.3, -0.9, 3000), rng.uniform(52.5, 53.7, 3000), strict=True))
    for venues in (real_venues, real_venues + twins):
        small, tree = VenueIndex(venues), VenueIndex(venues, few=0)
        for i, (lon, lat) in enumerate(points):
            asked = (lon, lat, (1, 5, 12)[i % 3], filters[i % 5], (None, 1500.0, 20000.0)[i % 3])
            assert small.nearest(*asked) == tree.nearest(*asked)


def test_searches_from_one_square_kilometre_rank_its_kept_places_as_the_tree_does(
    real_venues: list[Venue],
) -> None:
    """Many searches from a few cells (each kept the places that can be nearest in it, at its
    first search): from its corners, its edges and anywhere in it, with every k a cell serves
    and just past it, the same places in the same order as the tree, to the last bit."""
    small, tree = VenueIndex(real_venues), VenueIndex(real_venues, few=0)
    filters = [
        VenueFilter.of([Kind.SAFE_PLACE]),
        VenueFilter.of(categories=[Category.LIBRARY]),
        VenueFilter(),
    ]
    rng = np.random.default_rng(20261203)
    # Around Matlock, Derby and Buxton: a handful of places nearby, ranked in and across cells.
    for lon0, lat0 in ((-1.556, 53.138), (-1.476, 52.922), (-1.911, 53.259)):
        lons = lon0 + rng.uniform(-0.03, 0.03, 400)
        lats = lat0 + rng.uniform(-0.02, 0.02, 400)
        for i, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
            asked = (float(lon), float(lat), 1 + i % 11, filters[i % 3], (None, 4000.0)[i % 2])
            assert small.nearest(*asked) == tree.nearest(*asked)


@pytest.fixture
def mixed() -> VenueIndex:
    return VenueIndex(
        [
            _venue(1, 53.10, -1.50),
            _venue(2, 53.11, -1.50, category=Category.PHARMACY),
            _venue(
                3, 53.12, -1.50, kind=Kind.POLICE_ENQUIRY_OFFICE, category=Category.POLICE_STATION
            ),
            _venue(4, 53.13, -1.50, opening_hours=OpeningHours.parse("Mon-Sun 09:00-17:00")),
            _venue(5, 53.105, -1.50, status=Status.SUSPENDED),
        ]
    )


def test_suspended_venues_are_not_indexed(mixed: VenueIndex) -> None:
    assert len(mixed) == 4
    assert mixed.get("T005") is None
    assert "T005" not in [m.venue.id for m in mixed.nearest(-1.5, 53.105, 10)]


def test_filters(mixed: VenueIndex) -> None:
    ids = lambda ms: [m.venue.id for m in ms]  # noqa: E731
    assert ids(mixed.nearest(-1.5, 53.10, 10)) == ["T001", "T002", "T003", "T004"]
    police = VenueFilter.of(kinds=[Kind.POLICE_ENQUIRY_OFFICE])
    assert ids(mixed.nearest(-1.5, 53.10, 10, police)) == ["T003"]
    pharmacy = VenueFilter.of(categories=[Category.PHARMACY])
    assert ids(mixed.nearest(-1.5, 53.10, 10, pharmacy)) == ["T002"]
    noon = datetime(2026, 11, 24, 12, 0, tzinfo=LONDON)
    night = datetime(2026, 11, 24, 23, 0, tzinfo=LONDON)
    # Hours not known never count as open.
    assert ids(mixed.nearest(-1.5, 53.10, 10, VenueFilter.of(open_at=noon))) == ["T004"]
    assert mixed.nearest(-1.5, 53.10, 10, VenueFilter.of(open_at=night)) == []


def test_max_distance_and_k(mixed: VenueIndex) -> None:
    got = mixed.nearest(-1.5, 53.10, 10, max_distance_m=1500)
    assert [m.venue.id for m in got] == ["T001", "T002"]
    assert all(m.distance_m <= 1500 for m in got)
    assert mixed.nearest(-1.5, 53.10, 0) == []
    assert len(mixed.nearest(-1.5, 53.10, 2)) == 2


def test_far_away_point_still_finds_the_nearest(mixed: VenueIndex) -> None:
    # From Inverness: the search radius has to grow a long way.
    got = mixed.nearest(-4.22, 57.48, 1)
    assert [m.venue.id for m in got] == ["T004"]


def test_empty_index() -> None:
    index = VenueIndex([])
    assert index.nearest(-1.5, 53.1, 5) == []
    assert index.within(-1.5, 53.1, 1000) == []
    assert index.counts() == {"safe_place": 0, "police_enquiry_office": 0}


def test_select_by_bbox(mixed: VenueIndex) -> None:
    found = mixed.select(bbox=(-1.6, 53.095, -1.4, 53.115))
    assert [v.id for v in found] == ["T001", "T002"]


def test_walk_minutes() -> None:
    assert walk_minutes(0, 4.8) == 1
    assert walk_minutes(480, 4.8) == 6  # 80 m a minute
    assert walk_minutes(4800, 4.8) == 60


def test_outside_the_service_area_is_flagged(real_settings: Settings) -> None:
    datasets = load_datasets(real_settings)
    locator = datasets.locator(real_settings)
    matlock = Origin(53.1385, -1.5545, "Matlock", OriginSource.PLACE_NAME)
    inside = locator.nearest(matlock)
    assert inside.in_service_area and len(inside.places) == 5
    # Sheffield city centre: outside, but Derbyshire's edge is within 20 km.
    sheffield = locator.nearest(Origin(53.3811, -1.4701, "Sheffield", OriginSource.PLACE_NAME))
    assert not sheffield.in_service_area
    assert sheffield.places and all(m.distance_m <= 20_000 for m in sheffield.places)
    assert any("outside the area we cover" in m for m in sheffield.messages)
    # London: outside, and nothing within the configured distance.
    london = locator.nearest(Origin(51.5010, -0.1416, "London", OriginSource.COORDINATES))
    assert not london.in_service_area and london.places == []
    assert london.nearest_police is None


def test_registry_swap_is_atomic_for_readers() -> None:
    """Readers running while the index is replaced always see one whole index."""
    small = Locator(VenueIndex([_venue(1, 53.1, -1.5)]), None, SearchSettings())
    big = Locator(
        VenueIndex([_venue(i, 53.1 + i / 1000, -1.5) for i in range(1, 51)]), None, SearchSettings()
    )
    registry = LocatorRegistry(small)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            index = registry.current.index
            seen.add(len(index.nearest(-1.5, 53.1, 50)))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for i in range(200):
        registry.swap(big if i % 2 == 0 else small)
    stop.set()
    for t in readers:
        t.join()
    assert seen <= {1, 50}
    assert registry.data_version == 200


def test_registry_rebuilds_once_when_the_data_version_moves() -> None:
    small = Locator(VenueIndex([_venue(1, 53.1, -1.5)]), None, SearchSettings())
    registry = LocatorRegistry(small, data_version=3)
    builds: list[int] = []

    def build() -> Locator:
        builds.append(1)
        return Locator(VenueIndex([]), None, SearchSettings())

    assert registry.current_for(3, build) is small and builds == []
    rebuilt = registry.current_for(4, build)
    assert rebuilt is not small and registry.data_version == 4
    assert registry.current_for(4, build) is rebuilt and len(builds) == 1
    # A search that read the version before that rebuild takes the newer locator, unbuilt.
    assert registry.current_for(3, build) is rebuilt and len(builds) == 1
    assert registry.data_version == 4
