"""Postcodes in batches, near a point and by outcode, without HTTP: each answer is the
resolver's own lookup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from synthetic import write_national_postcodes, write_synthetic_data

from geodata.gazetteer import Gazetteer, PostcodeLocation
from geodata.national import NationalLocation, NationalPostcodes
from geodata.placenames import PlaceNames
from geodata.postcode_lookup import PostcodeLookup, load_district_areas, load_grid
from geodata.postcodes import Postcode, PostcodeDistrict
from geodata.resolver import LocationResolver
from locator.errors import InvalidCoordinates, InvalidPostcode, UnknownPostcode


@pytest.fixture(scope="module")
def lookup(tmp_path_factory: pytest.TempPathFactory) -> PostcodeLookup:
    data = write_national_postcodes(write_synthetic_data(tmp_path_factory.mktemp("data")))
    local, far = data / "postcodes_derbyshire.csv.gz", data / "postcodes_uk.parquet"
    gazetteer = Gazetteer.load(local)
    national = NationalPostcodes.load(far)
    resolver = LocationResolver(
        gazetteer, PlaceNames.load(data / "places_derbyshire.csv"), national=national
    )
    return PostcodeLookup(resolver, load_grid(gazetteer, national, [local, far], None))


def test_a_batch_is_each_lookup_in_order_with_none_for_the_bad_ones(
    lookup: PostcodeLookup,
) -> None:
    texts = ["de43ag", "M12 4HP", "not one", "DE4 9ZZ", "DE4 3AG"]
    found = lookup.many(texts)
    assert isinstance(found[0], PostcodeLocation) and found[0].postcode == Postcode("DE4 3AG")
    assert isinstance(found[1], NationalLocation) and found[1].country == "England"
    assert found[2] is None and found[3] is None and found[4] == found[0]
    for text, one in zip(texts, found, strict=True):
        if one is None:
            with pytest.raises((InvalidPostcode, UnknownPostcode)):
                lookup.resolver.locate(text)
        else:
            assert lookup.resolver.locate(text) == one


def test_nearby_is_nearest_first_live_postcodes_only(lookup: PostcodeLookup) -> None:
    near = lookup.nearby(53.142342, -1.551396, radius_m=1000, limit=10)
    assert [str(n.found.postcode) for n in near] == ["DE4 3AG", "DE4 3AH"]  # not DE4 3ZZ
    assert near[0].distance_m == 0.0 < near[1].distance_m
    assert lookup.nearby(53.142342, -1.551396, radius_m=1000, limit=1)[0] == near[0]
    assert lookup.nearby(53.16, -1.551396) == []  # 2 km from any: none within 100 m
    with pytest.raises(InvalidCoordinates) as dublin:
        lookup.nearby(53.35, -6.26)
    assert "we know the postcodes in Great Britain" in dublin.value.user_message
    with pytest.raises(InvalidCoordinates) as north:
        lookup.nearby(91, 0)
    assert "between -90 and 90" in north.value.user_message


def test_an_outcode_from_the_gazetteer_first_then_the_national_table(
    lookup: PostcodeLookup,
) -> None:
    de4 = lookup.outcode("de4")
    assert de4.outcode == PostcodeDistrict("DE4") and de4.postcode_count == 4
    assert de4.local_authority_codes == ("E07000035",) and de4.country == "England"
    m12 = lookup.outcode("M12")
    assert (m12.postcode_count, m12.local_authority_codes) == (2, ())
    with pytest.raises(UnknownPostcode):
        lookup.outcode("SW1A")
    for bad in ("DE4 3AG", "QQ1", ""):
        with pytest.raises(InvalidPostcode):
            lookup.outcode(bad)


def test_the_grid_cache_is_named_for_its_sources(tmp_path: Path, lookup: PostcodeLookup) -> None:
    data = write_synthetic_data(tmp_path / "data")
    local = data / "postcodes_derbyshire.csv.gz"
    gazetteer = Gazetteer.load(local)
    cache = tmp_path / "cache"
    load_grid(gazetteer, None, [local], cache)
    first = {p.name for p in cache.iterdir()}
    stat = local.stat()
    os.utime(local, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a changed file
    load_grid(gazetteer, None, [local], cache)
    assert len(first) == 1 and len({p.name for p in cache.iterdir()}) == 2


def test_districts_beyond_the_gazetteer_have_the_national_files_areas(
    tmp_path: Path, lookup: PostcodeLookup
) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "postcode": ["M12 4HP", "M12 4AB", "m12 5zz", "M1 1AE", "EH1 1YZ", "EH1 1AB"],
            "local_authority_code": pd.Categorical(
                ["E08000003", "E08000007", "E08000007", "E08000003", "S12000036", None]
            ),
        }
    )
    path = tmp_path / "postcodes_uk.parquet"
    frame.to_parquet(path, index=False)
    cache = tmp_path / "cache"
    areas = load_district_areas(path, cache)
    # Most postcodes first, ties by code; a postcode without one counts for none.
    assert areas == {
        "M12": ("E08000007", "E08000003"),
        "M1": ("E08000003",),
        "EH1": ("S12000036",),
    }
    assert load_district_areas(path, cache) == areas  # from the cache, as built
    assert load_district_areas(None, cache) == {}
    with_areas = PostcodeLookup(lookup.resolver, lookup.grid, areas)
    assert with_areas.outcode("M12").local_authority_codes == ("E08000007", "E08000003")
    # The gazetteer's own areas win where it has the district.
    assert with_areas.outcode("DE4").local_authority_codes == ("E07000035",)
