"""Bulk import (preview, then all or nothing) and export."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from api.cli import main
from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.export import export_places
from geodata.import_files import read_table
from geodata.importer import ImportPlan, plan_import
from geodata.validation import PlaceChecker
from locator.errors import PlaceInvalid
from locator.venues import Status

HEADER = "external_ref,name,category,postcode,phone,opening_hours\n"
GOOD = (
    HEADER
    + "NEW-1,Dale Road Pharmacy,pharmacy,DE4 3AG,01629 111111,Mon-Fri 09:00-18:00\n"
    + "NEW-2,Severn Café,cafe,DE55 7BQ,,\n"
    + "S1,Matlock Library,library,DE4 3AH,01629 533400,\n"
)
ONE_BAD = GOOD + "NEW-3,Nowhere Shop,shop,ZZ9 9ZZ,0999999999,Mon 9-5 maybe\n"


@pytest.fixture
def settings(synthetic_settings: Settings, database_url: str) -> Settings:
    return synthetic_settings.model_copy(update={"database_url": database_url})


@pytest.fixture
def datasets(settings: Settings) -> Datasets:
    return load_datasets(settings)


def _plan(datasets: Datasets, path: Path):  # type: ignore[no-untyped-def]
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    return plan_import(read_table(path), datasets.store, checker)


def test_preview_then_apply_then_reimport_changes_nothing(
    datasets: Datasets, tmp_path: Path
) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(GOOD)
    plan = _plan(datasets, path)
    assert plan.ok and (plan.count("add"), plan.count("update"), plan.count("unchanged")) == (
        2,
        1,
        0,
    )
    update = next(r for r in plan.rows if r.action == "update")
    assert set(update.changes) >= {"phone"}
    before = datasets.store.count()
    assert datasets.store.apply_import(plan, "ann") == 3
    assert datasets.store.count() == before + 2
    again = _plan(datasets, path)
    assert again.ok and again.count("unchanged") == 3 and again.count("add") == 0
    version = datasets.store.data_version()
    assert datasets.store.apply_import(again, "ann") == 0
    assert datasets.store.data_version() == version
    new = next(r for r in datasets.store.rows() if r.external_ref == "NEW-1")
    assert [c.action for c in datasets.store.history(new.id)] == ["import"]


def test_one_bad_row_and_nothing_is_applied(datasets: Datasets, tmp_path: Path) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(ONE_BAD)
    plan = _plan(datasets, path)
    assert not plan.ok
    [error] = plan.errors
    assert error.row == 4 and error.ref == "NEW-3"
    assert (
        "postcode" in error.reason and "phone" in error.reason and "opening hours:" in error.reason
    )
    with pytest.raises(ValueError):
        datasets.store.apply_import(plan, "ann")
    assert datasets.store.count() == 6


def test_a_value_too_long_for_its_column_stops_the_whole_import(
    datasets: Datasets, tmp_path: Path
) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(
        "external_ref,name,category,postcode,email\n"
        "NEW-1,Dale Road Pharmacy,pharmacy,DE4 3AG,shop@x.uk\n"
        f"NEW-2,Severn Café,cafe,DE55 7BQ,{'a' * 200}@x.uk\n"
    )
    plan = _plan(datasets, path)
    # The preview says so, by row and field, like any other bad value.
    assert [str(e) for e in plan.errors] == [
        "row 2 (NEW-2): email: This is too long: at most 200 characters."
    ]
    # And the store refuses it too, should a plan ever carry one: nothing is written.
    version = datasets.store.data_version()
    bad = plan.rows[0].fields | {"email": "a" * 200 + "@x.uk"}
    forced = ImportPlan(rows=[replace(plan.rows[0], row=2, ref="NEW-2", fields=bad)])
    with pytest.raises(PlaceInvalid) as err:
        datasets.store.apply_import(forced, "ann")
    assert err.value.user_message.startswith("Row 2 (NEW-2): ")
    assert datasets.store.count() == 6 and datasets.store.data_version() == version


def test_a_failure_half_way_rolls_everything_back(
    datasets: Datasets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geodata.store as store_module

    path = tmp_path / "venues.csv"
    path.write_text(GOOD)
    plan = _plan(datasets, path)
    real = store_module.record
    calls = {"n": 0}

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module, "record", failing)
    version = datasets.store.data_version()
    with pytest.raises(RuntimeError):
        datasets.store.apply_import(plan, "ann")
    assert datasets.store.count() == 6 and datasets.store.data_version() == version


def test_kill_9_during_an_import_leaves_the_database_valid_and_unchanged(
    settings: Settings, datasets: Datasets, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    rows = [f"BIG-{i},Shop {i},shop,DE4 3AG,,\n" for i in range(200)]
    path.write_text(HEADER + "".join(rows))
    script = textwrap.dedent(
        f"""
        import sys, time
        import geodata.store as s
        from geodata.datasets import load_datasets
        from geodata.import_files import read_table
        from geodata.importer import plan_import
        from geodata.validation import PlaceChecker
        from api.settings import Settings
        settings = Settings.model_validate_json({settings.model_dump_json()!r})
        ds = load_datasets(settings)
        plan = plan_import(read_table(__import__("pathlib").Path({str(path)!r})), ds.store,
                           PlaceChecker(ds.gazetteer, ds.area))
        real = s.record
        def slow(*a, **k):
            print("writing", flush=True)
            time.sleep(0.05)
            return real(*a, **k)
        s.record = slow
        ds.store.apply_import(plan, "killed")
        """
    )
    before = datasets.store.count()
    version = datasets.store.data_version()
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(20):  # well inside the import's transaction
        assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    if settings.database.startswith("sqlite"):
        with sqlite3.connect(settings.database.split("///", 1)[1]) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    fresh = load_datasets(settings)
    assert fresh.store.count() == before and fresh.store.data_version() == version
    # The dead writer's lock went with it (PostgreSQL ends its session): the next write goes on.
    fresh.store.set_status("S1", Status.SUSPENDED, "ann")
    assert fresh.store.data_version() == version + 1


def test_geojson_and_geopackage(datasets: Datasets, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"external_ref": ["GJ-1"], "name": ["Map Shop"], "category": ["shop"],
         "postcode": ["DE4 3AG"]},
        geometry=[Point(-1.552, 53.141)],
        crs="EPSG:4326",
    )  # fmt: skip
    for name, driver in [("in.geojson", "GeoJSON"), ("in.gpkg", "GPKG")]:
        path = tmp_path / name
        frame.to_crs("EPSG:27700").to_file(path, driver=driver)  # reprojected on read
        plan = _plan(datasets, path)
        assert plan.ok and plan.rows[0].fields["location_precision"] == "building"
        assert plan.rows[0].fields["latitude"] == pytest.approx(53.141, abs=1e-6)


def test_export_opens_again(datasets: Datasets, tmp_path: Path) -> None:
    for name in ["out.csv", "out.geojson", "out.gpkg"]:
        path = tmp_path / name
        assert export_places(datasets.store, path) == 6
        if name.endswith(".csv"):
            assert path.read_text().splitlines()[0].startswith("id,external_ref,name")
        else:
            back = gpd.read_file(path)
            assert len(back) == 6 and back.crs.to_epsg() == 4326


def test_cli_import(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(settings.data.dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(settings.data.cache_dir))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", settings.database)
    bad = tmp_path / "bad.csv"
    bad.write_text(ONE_BAD)
    out = io.StringIO()
    assert main(["import", str(bad), "--yes", "--quiet"], out=out) == 2
    assert "row 5 (NEW-3)" in out.getvalue() and "Nothing was imported" in out.getvalue()
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    out = io.StringIO()
    assert main(["import", str(good), "--dry-run", "--quiet"], out=out) == 0
    assert "2 to add, 1 to update, 0 unchanged, 0 with errors" in out.getvalue()
    # Which places, and for an update which fields from what to what.
    assert "  add     row 2 (NEW-1): Dale Road Pharmacy\n" in out.getvalue()
    assert "  update  row 4 (S1): Matlock Library: phone 01629 000000 -> 01629 533400" in (
        out.getvalue()
    )
    out = io.StringIO()
    assert main(["import", str(good), "--yes", "--quiet"], out=out) == 0
    assert "Imported: 3 places added or updated." in out.getvalue()
    out = io.StringIO()
    assert main(["import", str(good), "--yes", "--quiet"], out=out) == 0
    assert "0 to add, 0 to update, 3 unchanged" in out.getvalue()
    out = io.StringIO()
    assert main(["export", str(tmp_path / "all.gpkg")], out=out) == 0
    assert out.getvalue().startswith("Wrote 8 places")
    # The staff list's filters choose which (an empty one means any).
    police = tmp_path / "police.csv"
    out = io.StringIO()
    args = ["export", str(police), "--kind", "police_enquiry_office", "--status", ""]
    assert main(args, out=out) == 0
    assert out.getvalue().startswith("Wrote 2 places")
    assert police.read_text().count("Police Station") == 2


def test_an_update_changes_only_what_the_file_gives(datasets: Datasets, tmp_path: Path) -> None:
    """No address column: the address stays; same postcode, no point: the pin stays."""
    before = datasets.store.get("S1")
    path = tmp_path / "phones.csv"
    path.write_text(
        "external_ref,name,category,postcode,phone\n"
        "S1,Matlock Library,library,DE4 3AH,01629 533400\n"
    )
    plan = _plan(datasets, path)
    [row] = plan.rows
    assert row.action == "update" and set(row.changes) == {"phone"}
    datasets.store.apply_import(plan, "ann")
    after = datasets.store.get("S1")
    assert (after.address, after.latitude, after.location_precision) == (
        before.address,
        before.latitude,
        before.location_precision,
    )


def test_an_export_imports_back_with_no_change(datasets: Datasets, tmp_path: Path) -> None:
    datasets.store.create(
        {"name": "Form Shop", "category": "shop", "postcode": "DE4 3AG", "latitude": 53.14,
         "longitude": -1.55, "location_precision": "postcode", "last_checked": date(2026, 11, 1),
         "local_authority_code": "E07000035"},
        "ann",
    )  # fmt: skip
    for name in ["all.csv", "all.geojson", "all.gpkg"]:
        path = tmp_path / name
        export_places(datasets.store, path)
        plan = _plan(datasets, path)
        assert plan.ok, [str(e) for e in plan.errors]
        assert plan.count("add") == 0 and plan.count("update") == 0, name


def test_excel_csv_files_are_read_in_either_encoding(tmp_path: Path) -> None:
    """Excel saves "CSV UTF-8" with a byte-order mark, and plain "CSV" as Windows-1252."""
    text = "external_ref,name,category,postcode\nC1,Severn Café,cafe,DE55 7BQ\n"
    for encoding in ("utf-8-sig", "cp1252"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        rows = read_table(path)
        assert rows == [
            {
                "external_ref": "C1",
                "name": "Severn Café",
                "category": "cafe",
                "postcode": "DE55 7BQ",
            }
        ], encoding
