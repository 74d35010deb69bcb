from pathlib import Path

import pytest
from synthetic import write_synthetic_data

from geodata.areas import load_area_names
from geodata.boundaries import load_service_area
from locator.errors import DataError


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_synthetic_data(tmp_path / "data")


def test_the_cached_area_is_the_area_the_file_gives(data: Path, tmp_path: Path) -> None:
    boundary = data / "boundaries_derbyshire.geojson"
    fresh = load_service_area(boundary)
    cache = tmp_path / "cache"
    first = load_service_area(boundary, cache)
    [kept] = cache.iterdir()
    again = load_service_area(boundary, cache)
    for area in (first, again):
        assert area.name == fresh.name
        assert area.geometry.equals_exact(fresh.geometry, 0)
    # A cache that can't be read is worked out again from the file, and written anew.
    kept.write_bytes(b"not a cache")
    assert load_service_area(boundary, cache).geometry.equals_exact(fresh.geometry, 0)
    assert kept.stat().st_size > len(b"not a cache")


def test_a_changed_file_is_read_again(data: Path, tmp_path: Path) -> None:
    boundary = data / "boundaries_derbyshire.geojson"
    cache = tmp_path / "cache"
    load_service_area(boundary, cache)
    boundary.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(DataError, match="no features"):
        load_service_area(boundary, cache)


def test_area_names_are_the_name_most_rows_give(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        "name,local_authority,local_authority_code\n"
        "A,Amber Valley,E07000032\n"
        "B,Amber Vale,E07000032\n"
        "C,Amber Valley,E07000032\n"
        "D,High Peak,E07000037\n"
        "E,,E07000038\n"
        "F,Erewash,\n"
    )
    assert load_area_names(path) == {"E07000032": "Amber Valley", "E07000037": "High Peak"}
    lacking = tmp_path / "lacking.csv"
    lacking.write_text("name,local_authority\nA,Amber Valley\n")
    assert load_area_names(lacking) == {}
