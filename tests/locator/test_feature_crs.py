"""The CRSs the places are served in (locator.feature_crs): which names are read, each CRS's
axis order, grid positions against the Ordnance Survey's own, and a bbox in each."""

from __future__ import annotations

import pytest
from pyproj import Transformer

from locator.errors import BadQueryParameter
from locator.feature_crs import CRS84, EPSG_4326, EPSG_27700, parse_bbox, parse_crs
from locator.venues import Category, LocationPrecision, Venue

# Two places near Matlock and Alfreton (tests/synthetic.py's postcodes): (latitude, longitude).
DE4_3AH = (53.138000, -1.555000)
DE55_7BQ = (53.096500, -1.387200)
# The Ordnance Survey's worked example (its guide to coordinate systems in Great Britain):
# Caister water tower, ETRS89 52°39'28.8282"N 1°42'57.8663"E, is E 651409.903 N 313177.270.
CAISTER = (52 + 39 / 60 + 28.8282 / 3600, 1 + 42 / 60 + 57.8663 / 3600)
CAISTER_GRID = (651409.903, 313177.270)


def _at(id: str, latlon: tuple[float, float]) -> Venue:
    return Venue(
        id=id, name=id, kind=Category.LIBRARY.kind, category=Category.LIBRARY, address="",
        postcode=None, latitude=latlon[0], longitude=latlon[1],
        location_precision=LocationPrecision.BUILDING,
    )  # fmt: skip


MATLOCK, ALFRETON = _at("M", DE4_3AH), _at("A", DE55_7BQ)


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        (None, CRS84),
        (CRS84, CRS84),
        (f"<{CRS84}>", CRS84),
        ("[OGC:CRS84]", CRS84),
        (EPSG_4326, EPSG_4326),
        ("EPSG:4326", EPSG_4326),
        (EPSG_27700, EPSG_27700),
        ("https://www.opengis.net/def/crs/EPSG/0/27700", EPSG_27700),
        ("epsg:27700", EPSG_27700),
        ("[EPSG:27700]", EPSG_27700),
    ],
)
def test_crs_names(text: str | None, uri: str) -> None:
    assert parse_crs(text, "crs").uri == uri


@pytest.mark.parametrize(
    "text", ["http://www.opengis.net/def/crs/EPSG/0/3857", "EPSG:2770", "27700", ""]
)
def test_other_crss_are_refused(text: str) -> None:
    with pytest.raises(BadQueryParameter) as caught:
        parse_crs(text, "bbox-crs")
    assert caught.value.user_message.startswith("bbox-crs must be one of: ")
    assert EPSG_27700 in caught.value.user_message


def test_axis_order() -> None:
    assert parse_crs(CRS84, "crs").positions([MATLOCK]) == [(-1.555, 53.138)]
    assert parse_crs(EPSG_4326, "crs").positions([MATLOCK]) == [(53.138, -1.555)]
    assert parse_crs(EPSG_27700, "crs").axes == ("easting", "northing")


def test_grid_positions_are_the_ordnance_surveys() -> None:
    grid = parse_crs(EPSG_27700, "crs")
    [(x, y)] = grid.positions([_at("C", CAISTER)])
    # Within 5 m: pyproj without the OSTN15 grid file reprojects by a Helmert fit, good to a
    # few metres (the OS's own figure uses OSTN15).
    assert abs(x - CAISTER_GRID[0]) < 5 and abs(y - CAISTER_GRID[1]) < 5, (x, y)
    # And as pyproj gives them from a transformer of its own, to the centimetre.
    own = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = own.transform(MATLOCK.longitude, MATLOCK.latitude)
    assert grid.positions([MATLOCK]) == [(round(x, 2), round(y, 2))]
    assert grid.positions([]) == []


def test_a_grid_box_holds_what_is_inside_it_on_the_grid() -> None:
    grid = parse_crs(EPSG_27700, "bbox-crs")
    box = parse_bbox("429000,360000,430000,361000", grid)
    assert box is not None and box.lonlat is None
    assert box.holds([MATLOCK, ALFRETON]) == [MATLOCK]
    wide = parse_bbox("420000,350000,450000,370000", grid)
    assert wide is not None and wide.holds([MATLOCK, ALFRETON]) == [MATLOCK, ALFRETON]


def test_a_lat_lon_box_is_read_in_its_axis_order() -> None:
    box = parse_bbox("53.1,-1.6,53.2,-1.5", parse_crs(EPSG_4326, "bbox-crs"))
    assert box is not None and box.lonlat == (-1.6, 53.1, -1.5, 53.2)
    assert box.holds([MATLOCK, ALFRETON]) == [MATLOCK]
    default = parse_bbox("-1.6,53.1,-1.5,53.2")
    assert default is not None and default.lonlat == (-1.6, 53.1, -1.5, 53.2)


@pytest.mark.parametrize(
    ("text", "crs", "message"),
    [
        ("1,2,3", EPSG_27700, "min easting, min northing, max easting, max northing"),
        ("430000,361000,429000,362000", EPSG_27700, "minimums must not be larger"),
        ("53.1,-1.6,95,-1.5", EPSG_4326, "latitudes must be between"),
        ("53.2,-1.6,53.1,-1.5", EPSG_4326, "minimums must not be larger"),
        ("1,2,3", EPSG_4326, "min latitude, min longitude"),
    ],
)
def test_bad_boxes(text: str, crs: str, message: str) -> None:
    with pytest.raises(BadQueryParameter) as caught:
        parse_bbox(text, parse_crs(crs, "bbox-crs"))
    assert message in caught.value.user_message
