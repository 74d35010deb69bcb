"""Postcodes near a point: the grid's answer is the brute-force answer, from any table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodata.gazetteer import Gazetteer
from geodata.national import NationalPostcodes
from geodata.postcode_grid import PostcodeGrid
from geodata.postcode_lookup import load_grid
from locator.geo import bng_to_wgs84

RNG = np.random.default_rng(19)


def _random_codes(count: int) -> np.ndarray:
    return np.array([f"Q{i // 1000}{i % 1000:03d}".encode() for i in range(count)], dtype="S8")


def _brute(codes, e, n, x, y, radius, limit):  # type: ignore[no-untyped-def]
    """Every point measured, as the grid keeps them (float32 metres)."""
    e, n = e.astype(np.float32).astype(np.float64), n.astype(np.float32).astype(np.float64)
    d = np.hypot(e - x, n - y)
    hits = sorted((float(di), c.decode()) for c, di in zip(codes, d, strict=True) if di <= radius)
    return hits[:limit]


@pytest.mark.parametrize("radius", [50.0, 999.0, 1000.0, 2000.0, 7500.0])
def test_nearest_postcodes_are_the_brute_force_answer(radius: float) -> None:
    count = 20_000
    # Clustered like towns, with some points exactly on square edges.
    e = np.concatenate(
        [RNG.normal(430_000, 3_000, count // 2), RNG.uniform(0, 700_000, count // 2)]
    )
    n = np.concatenate([RNG.normal(360_000, 3_000, count // 2), RNG.uniform(0, 1.2e6, count // 2)])
    e[:50], n[:50] = np.round(e[:50], -3), np.round(n[:50], -3)
    codes = _random_codes(count)
    grid = PostcodeGrid.build(codes, e, n)
    for x, y in [(430_000.0, 360_000.0), (431_000.0, 361_000.0), (12.5, 5.0), (699_999.0, 1.2e6)]:
        for limit in (1, 10, 100):
            got = [(h.distance_m, h.code) for h in grid.near(x, y, radius, limit)]
            want = _brute(codes, e, n, x, y, radius, limit)
            assert [g[1] for g in got] == [w[1] for w in want]
            assert [g[0] for g in got] == pytest.approx([w[0] for w in want], abs=0.11)


def test_ties_are_in_code_order_and_the_limit_holds() -> None:
    codes = np.array([b"B1 1AA", b"A1 1AA", b"C1 1AA", b"D1 1AA"], dtype="S8")
    e = np.array([100.0, 100.0, 100.0, 500.0]) + 400_000
    n = np.full(4, 300_000.0)
    grid = PostcodeGrid.build(codes, e, n)
    hits = grid.near(400_000.0, 300_000.0, 200, 2)
    assert [(h.code, h.distance_m) for h in hits] == [("A1 1AA", 100.0), ("B1 1AA", 100.0)]
    assert grid.near(400_000.0, 300_000.0, 50, 10) == []
    assert grid.near(-50_000.0, 300_000.0, 2000, 10) == []  # beyond the grid's edge


def test_cover_is_land_near_a_postcode(tmp_path: Path) -> None:
    grid = PostcodeGrid.build(np.array([b"DE4 3AG"], dtype="S8"), [430105.0], [360671.0])
    assert grid.covers(430105.0, 360671.0) and grid.covers(440_000.0, 370_000.0)
    assert not grid.covers(470_000.0, 360671.0)  # 40 km away
    assert not grid.covers(float("inf"), 0.0) and not grid.covers(-1e7, -1e7)


def test_a_mapped_cache_answers_as_the_built_grid(tmp_path: Path) -> None:
    codes = _random_codes(5000)
    e, n = RNG.uniform(400_000, 460_000, 5000), RNG.uniform(330_000, 390_000, 5000)
    cache = tmp_path / "grid.npz"
    built = PostcodeGrid.cached(cache, lambda: PostcodeGrid.build(codes, e, n))
    assert cache.is_file()
    mapped = PostcodeGrid.cached(cache, lambda: pytest.fail("built again"))  # type: ignore[arg-type,return-value]
    assert len(mapped) == len(built) == 5000
    assert mapped.near(430_000.0, 360_000.0, 2000, 50) == built.near(430_000.0, 360_000.0, 2000, 50)
    cache.write_bytes(b"not a zip")
    rebuilt = PostcodeGrid.cached(cache, lambda: PostcodeGrid.build(codes, e, n))
    assert rebuilt.near(430_000.0, 360_000.0, 2000, 5) == built.near(430_000.0, 360_000.0, 2000, 5)


def _gazetteer() -> Gazetteer:
    return Gazetteer.from_frame(
        pd.DataFrame(
            {
                "postcode": ["DE4 3AG", "DE4 3ZZ", "DE4 3AH"],
                "latitude": [53.142342, 53.14, 53.138],
                "longitude": [-1.551396, -1.56, -1.555],
                "easting": [430105.0, 429535.0, 429870.0],
                "northing": [360671.0, 360408.0, 360187.0],
                "is_live": [True, False, True],
            }
        )
    )


@pytest.mark.parametrize("with_grid_columns", [True, False])
def test_the_grid_holds_every_live_postcode_once(tmp_path: Path, with_grid_columns: bool) -> None:
    """The gazetteer's points where it has the postcode (not its terminated ones), the
    national table's elsewhere: from the file's own easting/northing or projected."""
    e, n = 383_700.0, 396_500.0  # in Manchester
    lon, lat = bng_to_wgs84(e, n)
    frame = pd.DataFrame(
        {
            "postcode": ["DE4 3AG", "M12 4HP", "DE4 3AH", "AB10 1AB"],
            "latitude": np.array([53.142342, lat, 53.138, np.nan], dtype=np.float32),
            "longitude": np.array([-1.551396, lon, -1.555, np.nan], dtype=np.float32),
            "country_code": pd.Categorical(["E92000001"] * 3 + ["S92000003"]),
        }
    )
    if with_grid_columns:
        frame["easting"] = pd.array([430105, int(e), 429870, None], dtype="Int32")
        frame["northing"] = pd.array([360671, int(n), 360187, None], dtype="Int32")
    path = tmp_path / "postcodes_uk.parquet"
    frame.to_parquet(path, index=False)
    national = NationalPostcodes.from_frame(pd.read_parquet(path))
    source = tmp_path / "local.csv"
    source.write_text("x")
    grid = load_grid(_gazetteer(), national, [source, path], tmp_path / "cache")
    assert len(grid) == 3  # DE4 3AG and DE4 3AH once each, M12 4HP; not DE4 3ZZ (terminated)
    near = grid.near(430105.0, 360671.0, 2000, 10)
    assert [h.code for h in near] == ["DE4 3AG", "DE4 3AH"] and near[0].distance_m == 0.0
    manchester = grid.near(e, n, 10, 10)
    assert [h.code for h in manchester] == ["M12 4HP"] and manchester[0].distance_m < 1.0
