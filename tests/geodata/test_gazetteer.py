import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodata.gazetteer import Gazetteer
from geodata.postcodes import Postcode, PostcodeDistrict, parse_postcode
from locator.errors import DataError, UnknownPostcode


def _frame(**extra: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "postcode": ["DE4 3AG", "DE1 1AA", "DE4 3AH", "DE1 9AB"],
            "latitude": [53.142342, 52.92, 53.138, 52.93],
            "longitude": [-1.551396, -1.47, -1.555, -1.48],
            **extra,
        }
    )


def test_lookup_returns_both_coordinate_systems() -> None:
    g = Gazetteer.from_frame(_frame())
    found = g.lookup(Postcode("DE4 3AG"))
    assert (found.latitude, found.longitude) == (53.142342, -1.551396)
    # Converted to British National Grid when the file has no easting/northing.
    assert found.easting == pytest.approx(430105, abs=5)
    assert found.northing == pytest.approx(360671, abs=5)
    assert not found.terminated


def test_unknown_postcode() -> None:
    g = Gazetteer.from_frame(_frame())
    assert g.find(Postcode("DE4 9ZZ")) is None
    with pytest.raises(UnknownPostcode) as err:
        g.lookup(Postcode("DE4 9ZZ"))
    assert "DE4 9ZZ" in err.value.user_message


def test_lookup_before_first_and_after_last() -> None:
    g = Gazetteer.from_frame(_frame())
    assert g.find(Postcode("AB1 0AA")) is None
    assert g.find(Postcode("ZE9 9ZZ")) is None


def test_district_centroid_is_the_mean_of_its_postcodes() -> None:
    g = Gazetteer.from_frame(_frame())
    d = g.district(PostcodeDistrict("DE4"))
    assert d is not None
    assert d.postcode_count == 2
    assert d.latitude == pytest.approx((53.142342 + 53.138) / 2, abs=1e-4)
    assert d.longitude == pytest.approx((-1.551396 - 1.555) / 2, abs=1e-4)
    assert g.district(PostcodeDistrict("DE99")) is None
    assert g.district_count == 2


@pytest.mark.parametrize(
    "marks",
    [
        {"is_live": [True, True, False, True]},
        {"is_live": ["True", "True", "False", "True"]},
        {"date_of_termination": [None, None, "2019-06-01", None]},
    ],
)
def test_terminated_postcodes_are_known(marks: dict[str, list[object]]) -> None:
    g = Gazetteer.from_frame(_frame(**marks))
    assert g.lookup(Postcode("DE4 3AH")).terminated
    assert not g.lookup(Postcode("DE4 3AG")).terminated


def test_rows_without_coordinates_are_not_known() -> None:
    frame = _frame()
    frame.loc[1, "latitude"] = np.nan
    g = Gazetteer.from_frame(frame)
    assert g.find(Postcode("DE1 1AA")) is None
    assert len(g) == 3


def test_missing_columns_are_a_data_error() -> None:
    with pytest.raises(DataError, match="latitude"):
        Gazetteer.from_frame(pd.DataFrame({"postcode": ["DE4 3AG"], "longitude": [-1.5]}))


def test_cache_is_written_once_and_used(tmp_path: Path) -> None:
    source = tmp_path / "pc.csv.gz"
    source.write_bytes(gzip.compress(_frame().to_csv(index=False).encode()))
    cache = tmp_path / "cache"
    first = Gazetteer.load(source, cache)
    files = list(cache.glob("gazetteer-*.npz"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = Gazetteer.load(source, cache)
    assert files[0].stat().st_mtime_ns == stamp
    assert second.lookup(Postcode("DE1 9AB")) == first.lookup(Postcode("DE1 9AB"))
    assert second.district(PostcodeDistrict("DE1")) == first.district(PostcodeDistrict("DE1"))


def test_changed_source_gets_a_new_cache(tmp_path: Path) -> None:
    source = tmp_path / "pc.csv"
    _frame().to_csv(source, index=False)
    Gazetteer.load(source, tmp_path)
    _frame().iloc[:2].to_csv(source, index=False)
    g = Gazetteer.load(source, tmp_path)
    assert len(g) == 2


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    source = tmp_path / "pc.csv"
    _frame().to_csv(source, index=False)
    Gazetteer.load(source, tmp_path / "c")
    for f in (tmp_path / "c").glob("*.npz"):
        f.write_bytes(b"not numpy")
    assert len(Gazetteer.load(source, tmp_path / "c")) == 4


def test_parquet_source(tmp_path: Path) -> None:
    source = tmp_path / "pc.parquet"
    _frame().to_parquet(source)
    assert Gazetteer.load(source).lookup(Postcode("DE4 3AG")).latitude == 53.142342


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        Gazetteer.load(tmp_path / "nope.csv")


def test_real_rows_match_the_file(real_data_dir: Path, tmp_path: Path) -> None:
    """Every 97th row of the real file looks up to exactly its own coordinates."""
    path = real_data_dir / "postcodes_derbyshire.csv.gz"
    g = Gazetteer.load(path, tmp_path)
    rows = pd.read_csv(path, dtype={"postcode": str}).iloc[::97]
    assert len(g) == 40_187
    for row in rows.itertuples():
        found = g.lookup(parse_postcode(row.postcode.lower().replace(" ", "")))
        assert found.latitude == row.latitude
        assert found.longitude == row.longitude
        assert found.easting == row.easting
        assert found.local_authority_code == row.local_authority_code


def test_real_districts(real_data_dir: Path, tmp_path: Path) -> None:
    g = Gazetteer.load(real_data_dir / "postcodes_derbyshire.csv.gz", tmp_path)
    de4 = g.district(PostcodeDistrict("DE4"))
    assert de4 is not None and de4.postcode_count > 500
    # The middle of DE4 is in the Matlock/Wirksworth area.
    assert 53.0 < de4.latitude < 53.25 and -1.7 < de4.longitude < -1.45


def test_districts_agree_with_a_plain_group_by() -> None:
    """Districts whose names prefix each other (DE1, DE10, DE11) and unsorted input: each
    district's count and centroid are those of its own postcodes."""
    from locator.geo import bng_to_wgs84, wgs84_to_bng

    rng = np.random.default_rng(4)
    codes = [
        f"{d} {n}{a}{b}"
        for d in ("DE1", "DE10", "DE11", "S1", "S10", "B1", "W1A")
        for n in range(1, 4)
        for a, b in (("A", "A"), ("B", "Z"))
    ]
    rng.shuffle(codes)
    frame = pd.DataFrame(
        {
            "postcode": codes,
            "latitude": rng.uniform(52.0, 53.5, len(codes)),
            "longitude": rng.uniform(-2.0, -1.0, len(codes)),
        }
    )
    g = Gazetteer.from_frame(frame)
    frame["district"] = frame["postcode"].str.split(" ").str[0]
    expected = frame.groupby("district").size()
    assert g.district_count == len(expected)
    for name, count in expected.items():
        found = g.district(PostcodeDistrict(str(name)))
        assert found is not None and found.postcode_count == count
        # The mean on the National Grid, as the gazetteer averages.
        rows = frame[frame["district"] == name]
        e, n = wgs84_to_bng(rows["longitude"].to_numpy(), rows["latitude"].to_numpy())
        lon, lat = bng_to_wgs84(float(e.mean()), float(n.mean()))
        assert (found.latitude, found.longitude) == pytest.approx((lat, lon), abs=1e-6)


def test_the_cache_gives_what_the_source_gives(tmp_path: Path) -> None:
    """Every postcode, every district, the coordinates and the areas, read back from the
    cache (whose arrays are mapped from the file) as they were from the source."""
    frame = _frame(
        is_live=[True, True, False, True],
        local_authority_code=["E07000035", "E06000015", "E07000035", "E06000015"],
    )
    source = tmp_path / "pc.parquet"
    frame.to_parquet(source)
    first = Gazetteer.load(source, tmp_path / "cache")
    cached = Gazetteer.load(source, tmp_path / "cache")
    assert len(cached) == len(first) == 4
    for code in frame["postcode"]:
        assert cached.lookup(Postcode(code)) == first.lookup(Postcode(code))
    for name in ("DE1", "DE4"):
        assert cached.district(PostcodeDistrict(name)) == first.district(PostcodeDistrict(name))
    assert cached.district_count == first.district_count
    assert cached.postcodes().tolist() == first.postcodes().tolist()
    for a, b in zip(cached.coordinates(), first.coordinates(), strict=True):
        assert a.tolist() == b.tolist()
    assert cached.local_authority_codes() == first.local_authority_codes()
    assert cached.find(Postcode("DE9 9ZZ")) is None


def test_an_empty_gazetteer_caches(tmp_path: Path) -> None:
    source = tmp_path / "pc.csv"
    _frame().iloc[:0].to_csv(source, index=False)
    Gazetteer.load(source, tmp_path / "cache")
    g = Gazetteer.load(source, tmp_path / "cache")
    assert len(g) == 0 and g.district_count == 0 and g.find(Postcode("DE4 3AG")) is None
