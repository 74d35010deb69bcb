from pathlib import Path

from synthetic import VENUES, VENUES_HEADER

from api.settings import Settings
from geodata.datasets import load_datasets, load_venue_files
from geodata.gazetteer import Gazetteer
from geodata.placenames import PlaceNames
from geodata.venues import load_police_offices, load_safe_places
from locator.venues import Category, Kind, LocationPrecision


def test_synthetic_venues(synthetic_settings: Settings) -> None:
    data = synthetic_settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file))
    ds = load_safe_places(data.path(data.venues_file), gazetteer)
    by_id = {v.id: v for v in ds.venues}
    assert set(by_id) == {"S1", "S2", "S3", "S4"}
    # No coordinates: placed at its postcode's centre, marked so, and a note recorded.
    cafe = by_id["S2"]
    assert (cafe.latitude, cafe.longitude) == (53.142342, -1.551396)
    assert cafe.location_precision is LocationPrecision.POSTCODE
    assert cafe.category is Category.CAFE
    assert any(p.record_id == "S2" and not p.fatal for p in ds.problems)
    # Nothing to place it by: reported with its row number, never silently dropped.
    [skipped] = ds.skipped
    assert (skipped.row, skipped.record_id) == (5, "S5")
    assert "no coordinates and no postcode" in skipped.reason
    assert by_id["S1"].location_precision is LocationPrecision.BUILDING
    assert by_id["S4"].location_precision is LocationPrecision.POSTCODE
    assert not by_id["S3"].verified and by_id["S1"].verified
    assert by_id["S1"].opening_hours is not None
    assert by_id["S2"].opening_hours is None
    frame = ds.frame()
    assert frame.crs.to_epsg() == 4326
    assert list(frame.index) == ["S1", "S2", "S3", "S4"]


def test_bad_rows_are_reported_with_row_and_reason(tmp_path: Path) -> None:
    rows = [
        VENUES[0],
        "B1,Swapped,library,,,,-1.5,53.1,building_centroid,,,,,x,,",
        "B2,Bad postcode,library,,,NOT A PC,53.1,-1.5,building_centroid,,,,,x,,",
        "B3,Bad hours,library,,,,53.1,-1.5,building_centroid,,,Mon 9-5 maybe,,x,,",
        ",No id,library,,,,53.1,-1.5,building_centroid,,,,,x,,",
    ]
    path = tmp_path / "v.csv"
    path.write_text("\n".join([VENUES_HEADER, *rows]) + "\n")
    ds = load_safe_places(path, Gazetteer.from_frame(_empty_postcodes()))
    reasons = {(p.row, p.fatal): p.reason for p in ds.problems}
    assert "not in Great Britain" in reasons[(2, True)]
    assert "not a postcode" in reasons[(3, True)]
    assert "Mon 9-5 maybe" in reasons[(4, False)]  # kept, hours shown as not known
    assert "venue_id is missing" in reasons[(5, True)]
    assert sorted(v.id for v in ds.venues) == ["B3", "S1"]


def _empty_postcodes():  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.DataFrame({"postcode": [], "latitude": [], "longitude": []})


def test_synthetic_police(synthetic_settings: Settings) -> None:
    data = synthetic_settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file))
    places = PlaceNames.load(data.path(data.places_file))
    ds = load_police_offices(data.path(data.police_file), gazetteer, places)
    by_id = {v.id: v for v in ds.venues}
    assert set(by_id) == {"P1", "P2"}  # P3's counter is closed
    assert by_id["P1"].location_precision is LocationPrecision.TOWN
    assert by_id["P2"].location_precision is LocationPrecision.LOCALITY
    assert by_id["P2"].latitude == 52.904784
    assert by_id["P1"].location_note == "Approximate location: check the address before you go."
    assert all(v.kind is Kind.POLICE_ENQUIRY_OFFICE for v in ds.venues)
    assert any(p.record_id == "P3" and "closed" in p.reason for p in ds.problems)


def test_real_datasets(real_settings: Settings) -> None:
    loaded = load_datasets(real_settings)
    ds_files = load_venue_files(real_settings, loaded.gazetteer, loaded.places)
    venues = ds_files.venues
    safe = [v for v in venues if v.kind is Kind.SAFE_PLACE]
    police = {v.id: v for v in venues if v.kind is Kind.POLICE_ENQUIRY_OFFICE}
    assert len(safe) == 60 and all(v.category is Category.LIBRARY for v in safe)
    # The three venues with no position and no postcode are reported, by row.
    assert sorted((p.row, p.record_id) for p in ds_files.skipped) == [
        (61, "V061"),
        (62, "V062"),
        (63, "V063"),
    ]
    # Only the four open front counters, each placed no better than the data allows.
    assert set(police) == {"P01", "P02", "P03", "P04"}
    assert police["P04"].location_precision is LocationPrecision.LOCALITY  # Pear Tree
    assert {police[i].location_precision for i in ("P01", "P02", "P03")} == {LocationPrecision.TOWN}
    assert all(v.location_note for v in police.values())
    # Derby city libraries are kept but flagged as unverified; county libraries are verified.
    derby = [v for v in safe if v.operator == "Derby City Council"]
    county = [v for v in safe if v.operator == "Derbyshire County Council"]
    assert len(derby) == 15 and not any(v.verified for v in derby)
    assert len(county) == 45 and all(v.verified for v in county)
    # 17 libraries were placed at their postcode centroid in the source; the data says so.
    assert sum(v.location_precision is LocationPrecision.POSTCODE for v in safe) == 17
    # The candidate NHS venues are not Safe Places and are not loaded.
    assert not any(v.id.startswith("C") for v in venues)


def test_duplicate_ids_across_files_are_refused(synthetic_settings: Settings) -> None:
    import pytest

    from geodata.venues import merge
    from locator.errors import DataError

    data = synthetic_settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file))
    ds = load_safe_places(data.path(data.venues_file), gazetteer)
    with pytest.raises(DataError, match="S1"):
        merge(ds, ds)
