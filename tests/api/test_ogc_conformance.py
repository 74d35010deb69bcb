"""OGC API - Features conformance, by an offline runner nobody here wrote (ogctests, which
follows the OGC's own test suite), against the app served by uvicorn: every abstract test of
Part 1 Core it has, and the conformance declarations of Part 3's queryables classes.

ogctests 0.1.15 cannot pass its other Part 3 tests against any server: test_ct2 compares the
Link header's rel with its quotes still on (RFC 8288 quotes a URI rel), test_ct3 keeps each
link's address under "iri" and then requests the list of them as a URL, and test_ct5 to ct10
read what test_ct3 should have stored (ct6 to ct10 are CQL2 filters, which this service does
not offer). What ct2 and ct3 check is checked in tests/api/test_ogc_queryables.py."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from live import serve_in_process
from ogcapi import ogc_settings

from api.settings import Settings

CORE_TESTS = 29  # ogctests 0.1.15: /ats/core/... abstract tests 1 to 29
QUERYABLES_DECLARED = [
    "features/filtering/test_queryables.py::test_ct1",
    "features/filtering/test_queryables_query_parameters.py::test_ct4",
]


@pytest.fixture(scope="module")
def live_url(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with serve_in_process(ogc_settings(synthetic_settings, tmp_path_factory)) as base:
        yield base + "/ogc"


def _run(url: str, tmp_path: Path, scope: str, *more: str) -> dict[str, str]:
    """Run ogctests on `scope` (and `more` tests) in a child interpreter, as its own command
    line does; each test's outcome by name, from its JUnit report."""
    import ogctests

    package = Path(ogctests.__file__).parent
    report = tmp_path / "report.xml"
    # An empty configuration of its own, so none of this project's pytest settings apply.
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    flags = ["-c", str(tmp_path / "pytest.ini"), "-p", "no:cacheprovider", "-q"]
    flags += [f"--junit-xml={report}", *(str(package / m) for m in more)]
    program = (
        "import sys\nfrom ogctests.main import run_ogctests\n"
        f"sys.exit(run_ogctests({scope!r}, {url!r}, {flags!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=300,
        check=False, cwd=tmp_path, env={**os.environ, "INSTANCE_URL": url},
    )  # fmt: skip
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        outcomes[case.get("name", "")] = "failed" if failed else "skipped" if skipped else "passed"
    assert done.returncode == 0, done.stdout[-3000:]
    return outcomes


def test_every_core_test_passes(live_url: str, tmp_path: Path) -> None:
    outcomes = _run(live_url, tmp_path, "features/core")
    assert len(outcomes) == CORE_TESTS
    assert set(outcomes.values()) == {"passed"}, outcomes
    assert outcomes["test_ast2"] == "passed"  # CRS84 by default, Part 2 declared


def test_the_queryables_classes_are_declared(live_url: str, tmp_path: Path) -> None:
    outcomes = _run(live_url, tmp_path, QUERYABLES_DECLARED[0], *QUERYABLES_DECLARED[1:])
    assert outcomes == {"test_ct1": "passed", "test_ct4": "passed"}
