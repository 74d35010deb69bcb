"""Coverage: the batch nearest query against brute force, shares and tables against figures
worked out by hand on a tiny area, and greedy recruitment against a brute-force optimum."""

from __future__ import annotations

import itertools
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from synthetic import venue_at

from locator import coverage
from locator.filter import VenueFilter
from locator.geo import bng_to_wgs84
from locator.hours import LONDON, OpeningHours
from locator.index import VenueIndex
from locator.venues import Category, Kind, Status, Venue

GEOD = Geod(ellps="WGS84")
# Grid metres near Matlock are about 0.04% shorter than true metres (the grid's scale factor):
# hand-computed grid distances are compared with this tolerance.
SCALE = 1e-3
ORIGIN = (430_000.0, 360_000.0)  # British National Grid, near Matlock


def _venue(i: int, lon: float, lat: float, **kw: object) -> Venue:
    return venue_at(i, lon, lat, **kw)


def _at(dx: float, dy: float) -> tuple[float, float]:
    """(lon, lat) of a point `dx` m east and `dy` m north of ORIGIN on the grid."""
    lon, lat = bng_to_wgs84(ORIGIN[0] + dx, ORIGIN[1] + dy)
    return float(lon), float(lat)


# -- the batch nearest query --------------------------------------------------------------------


def _brute(venues: list[Venue], lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic distance from every point to every venue; the nearest of each."""
    vlon = np.array([v.longitude for v in venues])
    vlat = np.array([v.latitude for v in venues])
    n, m = len(lon), len(venues)
    _, _, d = GEOD.inv(np.repeat(lon, m), np.repeat(lat, m), np.tile(vlon, n), np.tile(vlat, n))
    d = d.reshape(n, m)
    best = d.argmin(axis=1)
    return np.array([venues[i].id for i in best]), d[np.arange(n), best]


@pytest.fixture(scope="module")
def random_venues() -> list[Venue]:
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(-2.1, -1.2, 300), rng.uniform(52.7, 53.5, 300)
    cats = [Category.LIBRARY, Category.PHARMACY, Category.POLICE_STATION]
    return [
        _venue(i, lo, la, category=cats[i % 3], kind=cats[i % 3].kind)
        for i, (lo, la) in enumerate(zip(lons.tolist(), lats.tolist(), strict=True))
    ]


def test_nearest_distances_matches_brute_force(random_venues: list[Venue]) -> None:
    """2,000 random points in and around Derbyshire: the same venue, within 1 mm."""
    index = VenueIndex(random_venues)
    rng = np.random.default_rng(8)
    lon, lat = rng.uniform(-2.4, -0.9, 2000), rng.uniform(52.5, 53.7, 2000)
    found = index.nearest_distances(lon, lat)
    ids, metres = _brute(random_venues, lon, lat)
    assert (found.ids == ids).all()
    np.testing.assert_allclose(found.distance_m, metres, atol=1e-3)


def test_nearest_distances_filters_like_nearest(random_venues: list[Venue]) -> None:
    index = VenueIndex(random_venues)
    rng = np.random.default_rng(9)
    lon, lat = rng.uniform(-2.2, -1.1, 300), rng.uniform(52.6, 53.6, 300)
    for filter in (
        VenueFilter.of(kinds=[Kind.POLICE_ENQUIRY_OFFICE]),
        VenueFilter.of(categories=[Category.PHARMACY]),
    ):
        eligible = index.select(filter)
        found = index.nearest_distances(lon, lat, filter)
        ids, metres = _brute(eligible, lon, lat)
        assert (found.ids == ids).all()
        np.testing.assert_allclose(found.distance_m, metres, atol=1e-3)
        # The same answer, one point at a time, as the public search gives it.
        for i in range(0, 300, 37):
            match = index.nearest(float(lon[i]), float(lat[i]), 1, filter)[0]
            assert match.venue.id == found.ids[i]
            assert match.distance_m == pytest.approx(found.distance_m[i], abs=1e-6)


def test_nearest_distances_limit_open_now_and_nothing_to_find() -> None:
    hours = OpeningHours.parse("Mon 09:00-17:00")
    venues = [
        _venue(1, *_at(0, 0), opening_hours=hours),
        _venue(2, *_at(3000, 0)),
        _venue(3, *_at(100, 0), status=Status.SUSPENDED),  # not in the index at all
    ]
    index = VenueIndex(venues)
    lon, lat = np.array([_at(50, 0), _at(2900, 0)]).T
    near = index.nearest_distances(lon, lat, max_distance_m=500)
    assert near.ids.tolist() == ["T001", "T002"]
    assert near.distance_m == pytest.approx([50, 100], rel=SCALE)
    far = index.nearest_distances(lon, lat, max_distance_m=60)
    assert far.ids.tolist() == ["T001", ""] and np.isinf(far.distance_m[1])
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=LONDON)
    assert index.nearest_distances(lon, lat, VenueFilter.of(open_at=monday_noon)).ids.tolist() == [
        "T001",
        "T001",
    ]
    closed = index.nearest_distances(lon, lat, VenueFilter.of(open_at=sunday))
    assert closed.ids.tolist() == ["", ""] and np.isinf(closed.distance_m).all()
    empty = VenueIndex([]).nearest_distances(lon, lat)
    assert empty.ids.tolist() == ["", ""]
    assert len(index.nearest_distances([], []).ids) == 0


# -- a tiny area, worked out by hand ------------------------------------------------------------

# Grid offsets from ORIGIN (metres), district and local authority of each postcode.
POSTCODES = [
    ("DE4 1AA", 100, 0, "DE4", "L1"),
    ("DE4 1AB", 0, 300, "DE4", "L1"),
    ("DE4 1AD", -600, 0, "DE4", "L1"),
    ("DE4 1AE", 0, -1000, "DE4", "L1"),
    ("DE5 1AA", 1500, 0, "DE5", "L1"),
    ("DE5 1AB", 2500, 0, "DE5", "L2"),
    ("DE5 1AD", 0, 5000, "DE5", "L2"),
]
# One Safe Place at ORIGIN, one police office at DE5 1AB.
SAFE_M = [100, 300, 600, 1000, 1500, 2500, 5000]
POLICE_M = [2400, np.hypot(2500, 300), 3100, np.hypot(2500, 1000), 1000, 0, np.hypot(2500, 5000)]


def _postcode_table() -> pd.DataFrame:
    rows = []
    for code, dx, dy, district, la in POSTCODES:
        lon, lat = _at(dx, dy)
        rows.append(
            {
                "postcode": code,
                "district": district,
                "local_authority_code": la,
                "latitude": lat,
                "longitude": lon,
                "easting": ORIGIN[0] + dx,
                "northing": ORIGIN[1] + dy,
            }
        )
    return pd.DataFrame(rows, columns=list(coverage.POSTCODE_COLUMNS))


@pytest.fixture(scope="module")
def tiny() -> pd.DataFrame:
    index = VenueIndex(
        [
            _venue(1, *_at(0, 0)),
            _venue(
                2,
                *_at(2500, 0),
                kind=Kind.POLICE_ENQUIRY_OFFICE,
                category=Category.POLICE_STATION,
            ),
        ]
    )
    return coverage.nearest_help(_postcode_table(), index)


def test_nearest_help_distances(tiny: pd.DataFrame) -> None:
    assert tiny["safe_place_id"].tolist() == ["T001"] * 7
    assert tiny["police_id"].tolist() == ["T002"] * 7
    assert tiny["safe_place_m"].tolist() == pytest.approx(SAFE_M, rel=SCALE)
    assert tiny["police_m"].tolist() == pytest.approx(POLICE_M, rel=SCALE, abs=0.5)


def test_coverage_shares_match_hand_figures(tiny: pd.DataFrame) -> None:
    whole = coverage.coverage_by(tiny).iloc[0]
    assert whole["postcodes"] == 7
    # Safe Place: 100, 300 | 600 | 1000, 1500 | 2500, 5000.
    assert whole["safe_place_within_400m_pct"] == 28.6  # 2/7
    assert whole["safe_place_within_800m_pct"] == 42.9  # 3/7
    assert whole["safe_place_within_1600m_pct"] == 71.4  # 5/7
    assert whole["safe_place_median_m"] == pytest.approx(1000, rel=SCALE)
    # Police: 0 | 1000 | 2400, 2518, 2693, 3100, 5590.
    assert whole["police_within_400m_pct"] == 14.3  # 1/7
    assert whole["police_within_800m_pct"] == 14.3
    assert whole["police_within_1600m_pct"] == 28.6  # 2/7
    assert whole["police_median_m"] == pytest.approx(2518, rel=SCALE)


def test_coverage_by_district_and_local_authority(tiny: pd.DataFrame) -> None:
    by_district = coverage.coverage_by(tiny, "district").set_index("district")
    assert by_district["postcodes"].to_dict() == {"DE4": 4, "DE5": 3}
    assert by_district["safe_place_within_400m_pct"].to_dict() == {"DE4": 50.0, "DE5": 0.0}
    assert by_district["safe_place_within_800m_pct"].to_dict() == {"DE4": 75.0, "DE5": 0.0}
    assert by_district["safe_place_within_1600m_pct"].to_dict() == {"DE4": 100.0, "DE5": 33.3}
    by_la = coverage.coverage_by(tiny, "local_authority_code", names={"L1": "One"})
    assert by_la["name"].tolist() == ["One", ""]
    la = by_la.set_index("local_authority_code")
    assert la["postcodes"].to_dict() == {"L1": 5, "L2": 2}
    assert la["safe_place_within_400m_pct"].to_dict() == {"L1": 40.0, "L2": 0.0}
    assert la["safe_place_within_800m_pct"].to_dict() == {"L1": 60.0, "L2": 0.0}
    assert la["safe_place_within_1600m_pct"].to_dict() == {"L1": 100.0, "L2": 0.0}
    assert la["police_within_1600m_pct"].to_dict() == {"L1": 20.0, "L2": 50.0}
    # Worst first; with a minimum size, the small district is left out.
    worst = coverage.worst_served(by_district.reset_index(), n=20, min_postcodes=1)
    assert worst["district"].tolist() == ["DE5", "DE4"]
    assert coverage.worst_served(by_district.reset_index(), min_postcodes=4)[
        "district"
    ].tolist() == ["DE4"]


def test_histogram_bands_and_grid(tiny: pd.DataFrame) -> None:
    hist = coverage.distance_histogram(tiny["safe_place_m"], bin_m=500, max_m=2000)
    assert hist["from_m"].tolist() == [0, 500, 1000, 1500, 2000]
    # 100, 300 | 600 | 1000 | 1500 | 2500, 5000 (1000 and 1500 are a little over, true metres)
    assert hist["postcodes"].tolist() == [2, 1, 1, 1, 2]
    assert np.isinf(hist["to_m"].iloc[-1])
    assert coverage.bands([0, 400, 400.5, 800, 1600, 1601]).tolist() == [0, 0, 1, 1, 2, 3]
    grid = coverage.distance_grid(tiny, cell_m=500).set_index(["x0", "y0"])
    assert grid["postcodes"].sum() == 7 and len(grid) == 6
    home = grid.loc[(430_000.0, 360_000.0)]  # DE4 1AA and DE4 1AB share the first square
    assert home["postcodes"] == 2 and home["within"] == 2
    assert home["median_m"] == pytest.approx(200, rel=SCALE)


# -- recruitment --------------------------------------------------------------------------------


def _best_possible(covers: np.ndarray, k: int) -> int:
    """Brute force: the most postcodes any `k` candidates can cover together."""
    best = 0
    for combo in itertools.combinations(range(covers.shape[0]), min(k, covers.shape[0])):
        best = max(best, int(covers[list(combo)].any(axis=0).sum()))
    return best


def _laminar(rng: np.random.Generator, postcodes: int, candidates: int) -> np.ndarray:
    """Candidate sets that are pairwise nested or disjoint (intervals of a random split tree):
    a family on which greedy maximum coverage is provably optimal."""
    nodes = [(0, postcodes)]
    frontier = [(0, postcodes)]
    while frontier:
        lo, hi = frontier.pop()
        if hi - lo >= 2:
            cut = int(rng.integers(lo + 1, hi))
            for part in ((lo, cut), (cut, hi)):
                nodes.append(part)
                frontier.append(part)
    chosen = rng.choice(len(nodes), size=min(candidates, len(nodes)), replace=False)
    covers = np.zeros((len(chosen), postcodes), dtype=bool)
    for row, i in enumerate(chosen.tolist()):
        lo, hi = nodes[i]
        covers[row, lo:hi] = True
    return covers


def test_greedy_matches_brute_force_where_greedy_is_optimal() -> None:
    fixed = np.zeros((6, 10), dtype=bool)
    for row, members in enumerate([range(6), range(3), [6, 7], [6], [8], [3, 4]]):
        fixed[row, list(members)] = True
    picks = coverage.greedy_max_coverage(fixed, 4)
    assert [(p.candidate, p.new, p.covered) for p in picks] == [(0, 6, 6), (2, 2, 8), (4, 1, 9)]
    rng = np.random.default_rng(11)
    cases = [fixed] + [_laminar(rng, 14, 9) for _ in range(25)]
    for covers in cases:
        for k in range(1, 6):
            picks = coverage.greedy_max_coverage(covers, k)
            got = picks[-1].covered if picks else 0
            assert got == _best_possible(covers, k)
            assert got == int(covers[[p.candidate for p in picks]].any(axis=0).sum())


def test_greedy_counts_only_what_earlier_picks_left() -> None:
    covers = np.array(
        [
            [1, 1, 1, 1, 0, 0],  # A: 4
            [1, 1, 1, 0, 0, 0],  # B: 3, but all inside A
            [0, 0, 0, 0, 1, 1],  # C: 2 new after A
        ],
        dtype=bool,
    )
    picks = coverage.greedy_max_coverage(covers, 3)
    assert [(p.candidate, p.new) for p in picks] == [(0, 4), (2, 2)]  # B adds nothing: stop
    assert coverage.greedy_max_coverage(np.zeros((2, 3), dtype=bool), 2) == []


def test_recruit_on_the_tiny_area(tiny: pd.DataFrame) -> None:
    # Under-served (beyond 800 m): DE4 1AE (1000), DE5 1AA (1500), DE5 1AB (2500), DE5 1AD.
    spots = {"C1": (2000, 0), "C2": (0, -500), "C3": (0, 5000), "C4": (2400, 0)}
    candidates = pd.DataFrame(
        [
            {"candidate_id": cid, "name": f"Candidate {cid}", "longitude": lon, "latitude": lat}
            for cid, (lon, lat) in ((c, _at(*xy)) for c, xy in spots.items())
        ]
    )
    result = coverage.recruit(tiny, candidates, radius_m=800, k=3)
    # C1 reaches DE5 1AA and DE5 1AB (500 m each); C2 DE4 1AE; C3 DE5 1AD; C4 only DE5 1AB.
    picks = result.picks
    assert picks["candidate_id"].tolist() == ["C1", "C2", "C3"]
    assert picks["rank"].tolist() == [1, 2, 3]
    assert picks["new_postcodes"].tolist() == [2, 1, 1]
    assert picks["covered_postcodes"].tolist() == [2, 3, 4]
    assert picks["within_pct_after"].tolist() == [71.4, 85.7, 100.0]  # (3+2)/7, 6/7, 7/7
    assert picks["districts"].tolist() == ["DE5 (2)", "DE4 (1)", "DE5 (1)"]
    assert (result.postcodes, result.under_served) == (7, 4)
    assert (result.before_pct, result.after_pct) == (42.9, 100.0)
    none = coverage.recruit(tiny, candidates.iloc[:0], k=3)
    assert none.picks.empty and none.after_pct == none.before_pct


def test_pairs_within_is_geodesic() -> None:
    a = np.array([_at(0, 0)])
    b = np.array([_at(790, 0), _at(810, 0), _at(0, -700)])
    ia, ib, metres = coverage.pairs_within(a[:, 0], a[:, 1], b[:, 0], b[:, 1], 800)
    assert sorted(ib.tolist()) == [0, 2] and (ia == 0).all()
    assert sorted(metres.tolist()) == pytest.approx([700, 790], rel=SCALE)
