"""Start-up and the public requests under staff work, on the synthetic data with tiny numbers:
real processes, a real import and real wrong logins. The figures are for `make bench`."""

from __future__ import annotations

import pytest

from api.settings import Settings
from bench.data import walk_postcodes
from bench.stall import run_stalls
from bench.startup import run_startup


@pytest.fixture(autouse=True)
def on_synthetic_data(synthetic_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(synthetic_settings.data.dir))


def test_start_up_is_timed_to_ready_with_the_import_cost_beside_it() -> None:
    found = run_startup(repeats=1)
    assert found.first_s > 0 and len(found.ready.samples) == 1 and found.ready.median > 0
    assert len(found.import_cpu.samples) == 1 and found.import_cpu.median > 0


def test_lookups_are_timed_before_and_during_an_import_and_a_login_flood() -> None:
    imports, logins = run_stalls(walk_postcodes(), quiet_s=0.5, import_s=0.1, logins=4)
    assert "import" in imports.label and "4 wrong logins" in logins.label
    for found in (imports, logins):
        assert found.quiet > 2 and found.busy > 0 and found.busy_s > 0
        assert found.quiet_p99_s > 0
