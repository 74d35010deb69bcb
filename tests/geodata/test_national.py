"""The national postcode table, and answering a real postcode beyond the service area."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.national import NationalLocation, NationalPostcodes
from geodata.postcodes import Postcode, PostcodeDistrict, PostcodeSector
from geodata.resolver import LocationResolver
from locator.errors import DataError, UnknownPostcode
from locator.hours import LONDON
from locator.origin import Choices, OriginSource, OutsideNote
from locator.search import SearchRequest, SearchResult, search

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
HELP_NOW = "If you need help now, phone 999. To talk to the police, phone 101."


@pytest.fixture(scope="module")
def datasets(national_settings: Settings) -> Datasets:
    return load_datasets(national_settings)


@pytest.fixture(scope="module")
def resolver(datasets: Datasets, national_settings: Settings) -> LocationResolver:
    return datasets.resolver(national_settings)


def _table(settings: Settings, cache: Path | None) -> NationalPostcodes:
    data = settings.data
    path = data.national_postcodes_path
    assert path is not None
    return NationalPostcodes.load(path, cache)


def test_lookups(national_settings: Settings) -> None:
    table = _table(national_settings, None)
    assert len(table) == 10  # the row without coordinates is left out
    found = table.find(Postcode("EH1 1YZ"))
    assert found is not None and found.country == "Scotland" and not found.approximate
    assert found.local_authority_code == "S12000036"
    wales = table.find(Postcode("CF10 1EP"))
    assert wales is not None and wales.local_authority_code is None  # a row without one
    assert (found.latitude, found.longitude) == pytest.approx((55.9507, -3.188), abs=1e-5)
    assert table.find(Postcode("AB10 1AB")) is None and table.find(Postcode("SW1A 1AA")) is None
    sector = table.middle(PostcodeSector("M12 4"))
    assert sector is not None and sector.postcode_count == 2 and sector.approximate
    assert 53.466 < sector.latitude < 53.47
    # A district is the codes before the space: M1 is not M12.
    m1 = table.middle(PostcodeDistrict("M1"))
    assert m1 is not None and m1.postcode_count == 1
    assert table.middle(PostcodeDistrict("M2")) is None


def test_cached_once_and_mapped(national_settings: Settings, tmp_path: Path) -> None:
    first = _table(national_settings, tmp_path)
    [cache] = tmp_path.glob("national-postcodes_uk-*.npz")
    second = _table(national_settings, tmp_path)
    assert len(second) == len(first)
    for code in ("CF10 1EP", "EH1 1YZ", "M1 1AE"):  # with or without a local authority
        assert second.find(Postcode(code)) == first.find(Postcode(code))
    cache.write_bytes(b"not a zip")
    assert len(_table(national_settings, tmp_path)) == len(first)  # rebuilt, not misread


def test_a_file_without_local_authorities(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"postcode": ["M1 1AE"], "latitude": [53.4787], "longitude": [-2.2349]}
    ).assign(country_code="E92000001")
    frame.to_parquet(tmp_path / "older.parquet")
    for cache in (None, tmp_path, tmp_path):  # built, then written to the cache and read
        found = NationalPostcodes.load(tmp_path / "older.parquet", cache).find(Postcode("M1 1AE"))
        assert found is not None and found.country == "England"
        assert found.local_authority_code is None


def test_optional_and_checked(tmp_path: Path) -> None:
    assert NationalPostcodes.load_optional(tmp_path / "none.parquet", tmp_path) is None
    assert NationalPostcodes.load_optional(None, tmp_path) is None
    pd.DataFrame({"postcode": ["M1 1AE"]}).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(DataError, match="lacks columns: country_code, latitude, longitude"):
        NationalPostcodes.load(tmp_path / "bad.parquet")


def test_missing_file_means_no_national_table(synthetic_settings: Settings) -> None:
    assert load_datasets(synthetic_settings).national is None


def test_real_postcode_beyond_the_area(resolver: LocationResolver) -> None:
    origin = resolver.resolve("m12 4hp")
    assert not isinstance(origin, Choices)
    assert origin.label == "M12 4HP" and origin.source is OriginSource.POSTCODE
    assert (origin.latitude, origin.longitude) == pytest.approx((53.466, -2.206), abs=1e-5)
    note = origin.outside_note
    assert isinstance(note, OutsideNote) and note.country == "England"
    # The synthetic area is a box whose north-west corner is at -1.75, 53.30.
    assert note.direction == "north-west" and 35_000 < note.distance_m < 36_000
    assert origin.message == "M12 4HP is in England, about 36 km north-west of the area we cover."
    wales = resolver.postcode("CF10 1EP")
    assert wales.message == "CF10 1EP is in Wales, about 181 km south-west of the area we cover."


def test_sectors_and_districts_beyond_the_area(resolver: LocationResolver) -> None:
    for typed, label, source in [
        ("M12 4", "M12 4", OriginSource.POSTCODE_SECTOR),
        ("M12", "M12", OriginSource.POSTCODE_DISTRICT),
    ]:
        origin = resolver.resolve(typed)
        assert not isinstance(origin, Choices)
        assert (origin.label, origin.source, origin.approximate) == (label, source, True)
        assert origin.message is not None and origin.message.startswith(f"{label} is in England")


def test_local_data_comes_first(resolver: LocationResolver) -> None:
    origin = resolver.resolve("DE4 3AG")
    assert not isinstance(origin, Choices)
    assert origin.outside_note is None and origin.message is None
    # Not in the local data, in a local district: its middle, as before.
    assert resolver.postcode("DE4 9ZZ").label == "DE4"


@pytest.mark.parametrize("typed", ["SW1A 1AA", "ZZ9 9ZZ", "M12 9ZZ", "XX1 1XX"])
def test_unknown_anywhere(resolver: LocationResolver, typed: str) -> None:
    with pytest.raises(UnknownPostcode) as err:
        resolver.resolve(typed)
    assert err.value.user_message == (
        f"We don't know the postcode {typed}. Check it on a letter or ask someone. "
        "Or type the name of your town or village."
    )


def test_locate_beyond_the_area(resolver: LocationResolver) -> None:
    found = resolver.locate("EH1 1YZ")
    assert isinstance(found, NationalLocation) and found.country == "Scotland"


def _search(datasets: Datasets, settings: Settings, **asked: object) -> SearchResult:
    found = search(
        SearchRequest(**asked),  # type: ignore[arg-type]
        datasets.resolver(settings),
        datasets.locator(settings),
        NOW,
    )
    assert isinstance(found, SearchResult)
    return found


def test_search_from_beyond_the_area_says_how_far(
    datasets: Datasets, national_settings: Settings
) -> None:
    result = _search(datasets, national_settings, text="M12 4HP")
    assert result.in_service_area is False
    # The nearest few, though they are further than `outside_area_max_distance_m`.
    assert [m.venue.id for m in result.places] == ["S2", "S1", "S4"]
    assert result.places[0].distance_m > national_settings.search.outside_area_max_distance_m
    assert result.messages == [
        "M12 4HP is in England, about 36 km north-west of the area we cover.",
        "This service covers Derbyshire and Derby only.",
        "These are the nearest Safe Places we know. The nearest is about 57 km away.",
        HELP_NOW,
    ]
    # A point beyond the area that is no postcode: the edge of the area only, as before.
    point = _search(datasets, national_settings, latitude=53.466, longitude=-2.206)
    assert point.places == [] and HELP_NOW not in point.messages


def test_search_from_beyond_the_area_with_nothing_near(
    datasets: Datasets, national_settings: Settings
) -> None:
    result = _search(datasets, national_settings, text="EH1 1YZ", radius_m=1000)
    assert result.places == []
    assert result.messages[1:] == [
        "This service covers Derbyshire and Derby only.",
        "We couldn't find a Safe Place near here.",
        HELP_NOW,
    ]
