"""Files an import can't use are refused in plain words (`DataError`), never a crash: by
`read_table`, and by `safeplaces import` in one line with a non-zero exit."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from api.cli import EXIT_BAD_INPUT, main
from api.settings import Settings
from geodata.import_files import read_table
from locator.errors import DataError
from locator.settings import ImportSettings

NOT_GPKG = "This file is not a GeoPackage we can read: "
NOT_GEOJSON = "This file is not a GeoJSON file we can read: "
NOT_CSV = "This file is not a CSV file we can read: "


def _geopackage(path: Path, count: int = 1) -> Path:
    frame = gpd.GeoDataFrame(
        {
            "external_ref": [f"G{i}" for i in range(count)],
            "name": ["Map Shop"] * count,
            "category": ["shop"] * count,
            "postcode": ["DE4 3AG"] * count,
        },
        geometry=[Point(-1.552, 53.141)] * count,
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GPKG")
    return path


def _sqlite_not_gpkg(path: Path) -> bytes:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    return path.read_bytes()


def _deep_feature_collection() -> bytes:
    deep = b"[" * 100_000 + b"]" * 100_000
    return (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        b'"geometry": {"type": "Point", "coordinates": ' + deep + b"}}]}"
    )


BAD_FILES = {
    "random.gpkg": (lambda p: os.urandom(64 * 1024), NOT_GPKG + "it is not an SQLite database"),
    "text.gpkg": (lambda p: b"name,category\nShop,shop\n" * 50, NOT_GPKG + "it is not an SQLite"),
    "empty.gpkg": (lambda p: b"", NOT_GPKG + "it is empty."),
    "cut.gpkg": (
        lambda p: _geopackage(p).read_bytes()[: p.stat().st_size // 2],
        NOT_GPKG + "it is cut short",
    ),
    "sqlite.gpkg": (_sqlite_not_gpkg, NOT_GPKG + "it is an SQLite database but not a GeoPackage."),
    "arrays.geojson": (
        lambda p: b"[" * 100_000 + b"]" * 100_000,
        NOT_GEOJSON + "it is nested too deeply.",
    ),
    "deep.geojson": (
        lambda p: _deep_feature_collection(),
        NOT_GEOJSON + "it is nested too deeply.",
    ),
    "feature.geojson": (
        lambda p: json.dumps({"type": "Feature", "properties": {}, "geometry": None}).encode(),
        NOT_GEOJSON + "it is a Feature, not a FeatureCollection of places.",
    ),
    "list.geojson": (lambda p: b"[1, 2, 3]", NOT_GEOJSON + "it is not a FeatureCollection"),
    "half.geojson": (
        lambda p: b'{"type": "FeatureCollection", "feat',
        NOT_GEOJSON + "it is not valid JSON",
    ),
    "latin.geojson": (lambda p: b'{"type": "Caf\xe9"}', NOT_GEOJSON + "it is not valid JSON"),
    "empty.geojson": (lambda p: b"", NOT_GEOJSON + "it is empty."),
    "binary.csv": (lambda p: os.urandom(4096) + b"\x00", NOT_CSV + "it is not text"),
    "undecodable.csv": (
        lambda p: b"external_ref,name\nA,\x81\x8d\x8f\x90\x9d\n",
        NOT_CSV + "it is not text",
    ),
    "noheader.csv": (
        lambda p: b"S1,Matlock Library,library,DE4 3AH\nS2,Corner Cafe,cafe,DE4 3AG\n",
        "This CSV file has no header row: its first line must name the columns",
    ),
    "blank.csv": (lambda p: b"\n\n\n", NOT_CSV + "it has no rows."),
    "ragged.csv": (
        lambda p: b"external_ref,name\nA,Shop\nB,Shop,extra\n",
        NOT_CSV + "line 3 has 3 cells but the header has 2.",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_in_words(name: str, tmp_path: Path) -> None:
    make, words = BAD_FILES[name]
    path = tmp_path / name
    content = make(path)
    path.write_bytes(content)
    with pytest.raises(DataError) as refused:
        read_table(path)
    assert str(refused.value).startswith(words), str(refused.value)


def test_a_file_over_the_row_limit_is_refused_after_one_row_more(tmp_path: Path) -> None:
    limits = ImportSettings(max_rows=50)
    good = "".join(f"R{i},Shop,shop,DE4 3AG\n" for i in range(51))
    path = tmp_path / "long.csv"
    # A broken line after row 51: reading stopped before it, so the limit is what is said.
    path.write_text("external_ref,name,category,postcode\n" + good + "X,1,2,3,4,5,6\n")
    with pytest.raises(DataError, match=r"^This file has more than 50 rows: import at most 50"):
        read_table(path, limits)
    path.write_text("external_ref,name,category,postcode\n" + good[: good.index("R50,")])
    assert len(read_table(path, limits)) == 50  # the limit itself is allowed
    gpkg = _geopackage(tmp_path / "long.gpkg", 51)
    with pytest.raises(DataError, match="more than 50 rows"):
        read_table(gpkg, limits)


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"external_ref,name\n" + b"A,B\n" * 400)
    with pytest.raises(DataError, match=r"^The file is too big \(at most 0.001 MB\)\.$"):
        read_table(path, ImportSettings(max_bytes=1000))


def test_good_geopackage_and_geojson_still_read(tmp_path: Path) -> None:
    gpkg = _geopackage(tmp_path / "ok.gpkg")
    [row] = read_table(gpkg)
    assert row["external_ref"] == "G0" and row["latitude"] == pytest.approx(53.141)
    geojson = tmp_path / "ok.geojson"
    gpd.read_file(gpkg).to_file(geojson, driver="GeoJSON")
    assert read_table(geojson)[0]["name"] == "Map Shop"


def test_the_command_line_says_why_in_one_line(
    synthetic_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(synthetic_settings.data.dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", f"sqlite:///{tmp_path / 'places.db'}")
    for name in ("random.gpkg", "deep.geojson", "binary.csv"):
        path = tmp_path / name
        path.write_bytes(BAD_FILES[name][0](path))
        out = io.StringIO()
        assert main(["import", str(path), "--yes", "--quiet"], out=out) == EXIT_BAD_INPUT
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"{path}: This file is not a "), err
        assert err.endswith("Nothing was imported.\n") and "Traceback" not in err
        assert out.getvalue() == ""
