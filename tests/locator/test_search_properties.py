"""Properties of the nearest search on random small sets of places: the answer is the k
nearest by a brute-force distance on the British National Grid (EPSG:27700), nearest first,
with ties, places sharing a spot, filters, a distance cap, and k larger than the set."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer
from synthetic import venue_at
from verify_budget import examples

from locator.filter import VenueFilter
from locator.index import VenueIndex
from locator.match import VenueMatch
from locator.venues import Kind, Venue

BUDGET = settings(max_examples=examples(100))
# An independent projection and ellipsoid: not the locator's own cached ones.
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
GEOD = Geod(ellps="WGS84")
EPS_M = 1e-6  # grid metres: the same sum done two ways differs by rounding only

# In and around Derbyshire, where the grid's scale differs from the ground's by under 0.1%.
LON = st.floats(-2.1, -1.1, allow_nan=False)
LAT = st.floats(52.6, 53.6, allow_nan=False)
SPOT = st.tuples(LON, LAT)


@st.composite
def places(draw: st.DrawFn) -> list[Venue]:
    """Up to 15 places on up to 8 spots: several places often share one (exact ties)."""
    spots = draw(st.lists(SPOT, min_size=1, max_size=8))
    picks = draw(st.lists(st.integers(0, len(spots) - 1), min_size=1, max_size=15))
    kinds = draw(st.lists(st.sampled_from(Kind), min_size=len(picks), max_size=len(picks)))
    return [
        venue_at(i, *spots[spot], kind=kind)
        for i, (spot, kind) in enumerate(zip(picks, kinds, strict=True))
    ]


def grid_m(venue: Venue, lon: float, lat: float) -> float:
    x0, y0 = TO_GRID.transform(lon, lat)
    x, y = TO_GRID.transform(venue.longitude, venue.latitude)
    return math.hypot(x - x0, y - y0)


def geodesic_m(venue: Venue, lon: float, lat: float) -> float:
    return float(GEOD.inv(lon, lat, venue.longitude, venue.latitude)[2])


def assert_k_nearest(found: list[VenueMatch], eligible: list[Venue], k: int, at: SPOT) -> None:
    """`found` is k (or all) of `eligible`, nearest first, none nearer left out."""
    lon, lat = at
    expected = sorted(grid_m(v, lon, lat) for v in eligible)[:k]
    got = [grid_m(m.venue, lon, lat) for m in found]
    assert len(got) == len(expected) == min(k, len(eligible))
    assert all(a <= b + EPS_M for a, b in zip(got, got[1:], strict=False)), "not nearest first"
    # The same distances, so every place left out is at least as far as the k-th given.
    assert all(math.isclose(a, b, abs_tol=EPS_M) for a, b in zip(got, expected, strict=True))
    ids = [m.venue.id for m in found]
    assert len(set(ids)) == len(ids), "a place given twice"
    assert set(ids) <= {v.id for v in eligible}
    for match in found:
        assert math.isclose(match.distance_m, geodesic_m(match.venue, lon, lat), abs_tol=1e-3)


@st.composite
def search_point(draw: st.DrawFn, venues: list[Venue]) -> tuple[float, float]:
    """Anywhere, or exactly on a place (a distance of 0, tied with its neighbours there)."""
    on_place = st.sampled_from([(v.longitude, v.latitude) for v in venues])
    return draw(SPOT | on_place)


@BUDGET
@given(st.data(), places(), st.integers(1, 20))
def test_nearest_is_the_brute_force_k_nearest(
    data: st.DataObject, venues: list[Venue], k: int
) -> None:
    at = data.draw(search_point(venues))
    found = VenueIndex(venues).nearest(*at, k=k)
    assert_k_nearest(found, venues, k, at)


@BUDGET
@given(st.data(), places(), st.integers(1, 20), st.sampled_from(Kind))
def test_nearest_of_one_kind_is_the_brute_force_k_nearest_of_it(
    data: st.DataObject, venues: list[Venue], k: int, kind: Kind
) -> None:
    at = data.draw(search_point(venues))
    found = VenueIndex(venues).nearest(*at, k=k, filter=VenueFilter.of(kinds=[kind]))
    assert_k_nearest(found, [v for v in venues if v.kind is kind], k, at)


@BUDGET
@given(st.data(), places(), st.integers(1, 20), st.floats(1, 60_000))
def test_nearest_within_a_distance_leaves_out_only_the_places_beyond_it(
    data: st.DataObject, venues: list[Venue], k: int, max_m: float
) -> None:
    at = data.draw(search_point(venues))
    # The cap is on the ground (geodesic metres); a place a hair from it is a rounding coin toss.
    assume(all(abs(geodesic_m(v, *at) - max_m) > 1e-3 for v in venues))
    within = [v for v in venues if geodesic_m(v, *at) <= max_m]
    found = VenueIndex(venues).nearest(*at, k=k, max_distance_m=max_m)
    assert_k_nearest(found, within, k, at)


@BUDGET
@given(st.data(), places(), st.integers(1, 20))
def test_a_batch_is_the_brute_force_k_nearest_of_every_point_as_nearest_gives_it(
    data: st.DataObject, venues: list[Venue], k: int
) -> None:
    points = data.draw(st.lists(search_point(venues), min_size=1, max_size=12))
    index = VenueIndex(venues)
    batch = index.nearest_batch([p[0] for p in points], [p[1] for p in points], k)
    for i, at in enumerate(points):
        one = index.nearest(*at, k=k)
        assert_k_nearest(one, venues, k, at)
        # The same places in the same order (ties too), the same metres to the last bit.
        assert [str(v) for v in batch.ids[i] if v] == [m.venue.id for m in one]
        assert batch.distance_m[i, : len(one)].tolist() == [m.distance_m for m in one]


@BUDGET
@given(
    st.data(),
    places(),
    st.integers(1, 20),
    st.sampled_from([None, *Kind]),
    st.none() | st.floats(1, 60_000),
)
def test_a_small_index_measuring_every_place_answers_as_the_tree_does(
    data: st.DataObject, venues: list[Venue], k: int, kind: Kind | None, max_m: float | None
) -> None:
    """Measured to every place (a county's index) or searched in the tree: the same places
    in the same order (ties too, places sharing a spot), the same metres."""
    at = data.draw(search_point(venues))
    filter = VenueFilter.of(kinds=None if kind is None else [kind])
    small, tree = VenueIndex(venues), VenueIndex(venues, few=0)
    assert small.nearest(*at, k, filter, max_m) == tree.nearest(*at, k, filter, max_m)
    # A second search from the same point (a search's police office) measures again.
    police = VenueFilter.of(kinds=[Kind.POLICE_ENQUIRY_OFFICE])
    assert small.nearest(*at, 1, police) == tree.nearest(*at, 1, police)
