"""`safeplaces report coverage|quality`: the CSV tables, one self-contained HTML page each,
plain errors for a bad --out, and every piece of venue text escaped."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from synthetic import write_synthetic_data

from api.cli import EXIT_BAD_INPUT, EXIT_DATA, main
from locator.settings import DEFAULT_ATTRIBUTION

CANDIDATES = """\
candidate_id,ods_code,name,venue_type,address,postcode,phone,latitude,longitude,coordinate_source
C1,X1,SPIRE PHARMACY,pharmacy,"1 HIGH ST, CHESTERFIELD",S40 1AA,01246 000000,,,
C2,X2,<b>MOOR</b> SURGERY,gp_practice,MOOR LANE,DE4 5AA,,53.30,-1.75,postcode_centroid
C3,X3,NO PLACE CHEMIST,pharmacy,NOWHERE,,,,,
"""
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", re.IGNORECASE)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic data (5 live postcodes, 4 Safe Places) and three candidates."""
    data = write_synthetic_data(tmp_path_factory.mktemp("reports") / "data")
    (data / "candidate_venues_derbyshire.csv").write_text(CANDIDATES)
    return data


@pytest.fixture(autouse=True)
def _env(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", f"sqlite:///{tmp_path / 'places.db'}")
    yield


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _self_contained(page: str) -> None:
    """One file: no script, stylesheet, image or frame loaded from anywhere."""
    assert not EXTERNAL.findall(page)
    assert "<script>" in page and "L.map(" in page  # Leaflet and the map are inline
    # Stylesheets fetch nothing either: images are data: URIs (Leaflet's old-IE VML rule
    # names a fragment), nothing is imported, and no source map is asked for.
    assert all(u.startswith(("data:", "#")) for u in CSS_URL.findall(page))
    assert "@import" not in page and "sourceMappingURL" not in page
    text = html.unescape(page)
    for line in DEFAULT_ATTRIBUTION:
        assert line in text


def test_coverage_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r"
    code, text = _run("report", "coverage", "--out", str(out))
    assert code == 0
    assert "80.0% of 5 postcodes are within 800 m" in text and "100.0%" in text
    assert "Writing the files" in capsys.readouterr().err  # the progress bar
    assert sorted(p.name for p in out.iterdir()) == [
        "coverage.html",
        "coverage_by_district.csv",
        "coverage_by_local_authority.csv",
        "coverage_postcodes.csv",
        "coverage_recruitment.csv",
        "coverage_summary.csv",
        "coverage_worst_districts.csv",
    ]
    # 5 live postcodes (DE4 3ZZ is terminated): 4 have a Safe Place at or beside them, S40 1AA
    # is 13 km from one. The police offices are placed by town: Chesterfield is at S40 1AA.
    summary = _csv(out / "coverage_summary.csv")
    assert summary == [
        {
            "area": "Whole area",
            "postcodes": "5",
            "safe_place_within_400m_pct": "80.0",
            "safe_place_within_800m_pct": "80.0",
            "safe_place_within_1600m_pct": "80.0",
            "safe_place_median_m": "4.0",
            "police_within_400m_pct": "20.0",
            "police_within_800m_pct": "20.0",
            "police_within_1600m_pct": "20.0",
            "police_median_m": "13775.0",
        }
    ]
    districts = {r["district"]: r for r in _csv(out / "coverage_by_district.csv")}
    assert {d: r["postcodes"] for d, r in districts.items()} == {
        "DE4": "3",
        "DE55": "1",
        "S40": "1",
    }
    assert {d: r["safe_place_within_800m_pct"] for d, r in districts.items()} == {
        "DE4": "100.0",
        "DE55": "100.0",
        "S40": "0.0",
    }
    areas = _csv(out / "coverage_by_local_authority.csv")
    assert [r["local_authority_code"] for r in areas] == ["E07000032", "E07000034", "E07000035"]
    postcodes = {r["postcode"]: r for r in _csv(out / "coverage_postcodes.csv")}
    assert sorted(postcodes) == ["DE4 3AG", "DE4 3AH", "DE4 5AA", "DE55 7BQ", "S40 1AA"]
    assert postcodes["DE4 3AG"]["safe_place_id"] == "S2"  # placed at its postcode's centre
    assert postcodes["DE4 3AG"]["safe_place_m"] == "0.0"
    assert postcodes["S40 1AA"]["police_id"] == "P1"
    # C1 brings S40 1AA within 800 m; C2 is far from every gap; C3 can't be placed.
    picks = _csv(out / "coverage_recruitment.csv")
    assert [(r["rank"], r["candidate_id"], r["new_postcodes"]) for r in picks] == [("1", "C1", "1")]
    assert picks[0]["within_pct_after"] == "100.0" and picks[0]["districts"] == "S40 (1)"
    assert picks[0]["phone"] == "01246 000000" and picks[0]["category_label"] == "Pharmacy"
    _coverage_page((out / "coverage.html").read_text(encoding="utf-8"))


def _coverage_page(page: str) -> None:
    """One document with the tables, the chart and the map; venue text never as markup."""
    _self_contained(page)
    assert '<html lang="en-GB">' in page and "<caption" in page and 'scope="col"' in page
    assert "SPIRE PHARMACY" in page and "Where to recruit next" in page
    assert "<svg" in page and 'role="img"' in page  # the distribution chart
    assert "1 candidate row could not be used" in page and "(C3)" in page
    # A venue named <script>alert(1)</script> (S4) is on the map: never as markup.
    assert "<script>alert(1)" not in page and "alert(1)" in page


def test_quality_report(tmp_path: Path) -> None:
    out = tmp_path / "q"
    code, text = _run("report", "quality", "--out", str(out), "--quiet")
    assert code == 0
    assert "No phone number: 3 of 6 places" in text
    assert sorted(p.name for p in out.iterdir()) == [
        "quality.html",
        "quality_issues.csv",
        "quality_summary.csv",
    ]
    summary = {r["rule"]: r for r in _csv(out / "quality_summary.csv")}
    assert list(summary) == [
        "missing_phone",
        "unusable_contact",
        "missing_opening_hours",
        "missing_accessibility_notes",
        "check_overdue",
        "far_from_postcode",
        "likely_duplicate",
        "outside_area",
    ]
    # S2, S3 and S4 have no phone; no place has accessibility notes or has been checked.
    assert summary["missing_phone"]["places"] == "3"
    assert summary["missing_accessibility_notes"]["places"] == "6"
    assert summary["check_overdue"]["places"] == "6"
    assert summary["outside_area"]["places"] == "0"
    assert summary["unusable_contact"]["places"] == "0"  # every number read as a real one
    assert all(r["of"] == "6" for r in summary.values())
    issues = _csv(out / "quality_issues.csv")
    assert list(issues[0]) == ["rule", "id", "name", "status", "local_authority_code", "reason"]
    phone = sorted(r["id"] for r in issues if r["rule"] == "missing_phone")
    assert phone == ["S2", "S3", "S4"]
    page = (out / "quality.html").read_text(encoding="utf-8")
    _self_contained(page)
    assert "Yearly check overdue (6)" in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in page  # in the tables, as text


def test_bad_out_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    assert _run("report", "coverage", "--out", str(a_file), "--quiet")[0] == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"Can't write the report to {a_file}" in err and "Traceback" not in err
    assert _run("report", "quality", "--out", str(a_file / "sub"), "--quiet")[0] == (EXIT_BAD_INPUT)


def test_missing_candidates_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAFEPLACES_DATA__CANDIDATES_FILE", "no-such-file.csv")
    assert _run("report", "coverage", "--out", str(tmp_path / "r"), "--quiet")[0] == EXIT_DATA
    assert "candidates file not found" in capsys.readouterr().err
