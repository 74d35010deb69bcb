"""The service area's quick test (by lon/lat cells known to be inside or outside) answers as
the polygon does, everywhere: far off, inside, on and just beside the boundary, and on the
cells' own edges."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from locator.area import _CELL_LAT, _CELL_LON, _EDGE, ServiceArea, _Cells
from locator.geo import bng_to_wgs84, wgs84_to_bng

# On the National Grid, around Derbyshire: a box, a concave shape with a hole, two parts.
_BOX = shapely.box(425_000, 355_000, 435_000, 365_000)
_CONCAVE = shapely.Polygon(
    [(400_000, 330_000), (440_000, 330_000), (440_000, 370_000), (420_000, 345_000),
     (400_000, 370_000)],
    holes=[[(410_000, 335_000), (430_000, 335_000), (420_000, 340_000)]],
)  # fmt: skip
_PARTS = shapely.MultiPolygon([shapely.box(400_000, 300_000, 405_000, 305_000), _CONCAVE])


def _polygon_says(area: ServiceArea, lon: np.ndarray, lat: np.ndarray) -> list[bool]:
    # The test as it always was: each point projected on its own, then the polygon asked.
    points = [wgs84_to_bng(float(a), float(b)) for a, b in zip(lon, lat, strict=True)]
    return [bool(shapely.intersects_xy(area.geometry, x, y)) for x, y in points]


def _near_the_boundary(area: ServiceArea, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    rings = shapely.get_rings(shapely.get_parts(area.geometry))
    points = np.concatenate([shapely.get_coordinates(shapely.segmentize(r, 37)) for r in rings])
    lon, lat = bng_to_wgs84(points[:, 0], points[:, 1])
    spread = [0.0, 1e-10, 1e-8, 1e-7, 1e-6, 3e-6, 1e-5, 1e-4]
    return (
        np.concatenate([lon + rng.normal(0, s, len(lon)) for s in spread]),
        np.concatenate([lat + rng.normal(0, s, len(lat)) for s in spread]),
    )


@pytest.mark.parametrize("shape", [_BOX, _CONCAVE, _PARTS], ids=["box", "concave", "parts"])
def test_the_cells_answer_as_the_polygon_does(shape: shapely.Geometry) -> None:
    area = ServiceArea(shape, "Testshire")
    cells = _Cells(area)
    rng = np.random.default_rng(11)
    near_lon, near_lat = _near_the_boundary(area, rng)
    x0, y0, x1, y1 = shapely.bounds(shape)
    lon, lat = bng_to_wgs84(
        rng.uniform(x0 - 5000, x1 + 5000, 4000), rng.uniform(y0 - 5000, y1 + 5000, 4000)
    )
    corner_lon, corner_lat = np.meshgrid(
        cells.lon0 + np.arange(cells.cols + 1) * _CELL_LON,
        cells.lat0 + np.arange(cells.rows + 1) * _CELL_LAT,
    )
    for lons, lats in (
        (near_lon, near_lat),
        (lon, lat),
        (corner_lon.ravel(), corner_lat.ravel()),
    ):
        got = [area.contains(float(a), float(b)) for a, b in zip(lons, lats, strict=True)]
        assert got == _polygon_says(area, lons, lats)
    # And most points of the area's box are answered by their cell alone.
    lon, lat = bng_to_wgs84(rng.uniform(x0, x1, 4000), rng.uniform(y0, y1, 4000))
    states = [cells.state(float(a), float(b)) for a, b in zip(lon, lat, strict=True)]
    assert states.count(_EDGE) < len(states) / 5


def test_points_off_the_grid_or_not_numbers_are_asked_of_the_polygon() -> None:
    area = ServiceArea(_BOX, "Testshire")
    for lon, lat in [(0.0, 0.0), (-1.5, 80.0), (float("nan"), 53.0), (float("inf"), 53.0)]:
        assert area.contains(lon, lat) is False
    inside_lon, inside_lat = bng_to_wgs84(430_000.0, 360_000.0)
    assert area.contains(inside_lon, inside_lat) is True


def test_an_empty_area_contains_nothing() -> None:
    area = ServiceArea(shapely.Polygon(), "Nowhere")
    assert area.contains(-1.5, 53.0) is False


def test_warming_makes_the_cells_once_before_any_search() -> None:
    area = ServiceArea(_BOX, "Testshire")
    area.warm()
    cells = area._cells
    assert cells is not None
    inside_lon, inside_lat = bng_to_wgs84(430_000.0, 360_000.0)
    assert area.contains(inside_lon, inside_lat) is True
    area.warm()
    assert area._cells is cells  # kept, not made again
