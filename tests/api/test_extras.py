"""A setting that needs an optional part of the install (an extra) that is not installed:
the real `safeplaces` command, in a process where that package can't be imported, says so in
one line with the command that installs it (exit 3), never an ImportError's traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from start_line import one_line, run_safeplaces

from api.settings import Settings

# Run first in the child (Python imports `sitecustomize` at start): the named packages then
# can't be imported, as in an install without their extra.
BLOCKER = """
import os, sys
from importlib.abc import MetaPathFinder

BLOCKED = set(os.environ["BLOCK_MODULES"].split(","))


class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
"""


@pytest.fixture(scope="module")
def blocker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blocker")
    (folder / "sitecustomize.py").write_text(BLOCKER)
    return folder


def _without(
    blocked: str, blocker: Path, settings: Settings, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    path = [str(blocker), *filter(None, [os.environ.get("PYTHONPATH")])]
    return run_safeplaces(
        settings, *args, PYTHONPATH=os.pathsep.join(path), BLOCK_MODULES=blocked, **env
    )


def test_a_postgresql_address_without_the_driver(
    blocker: Path, synthetic_settings: Settings
) -> None:
    url = "postgresql+psycopg://places:secret@127.0.0.1:9/places"
    line = one_line(_without("psycopg", blocker, synthetic_settings, SAFEPLACES_DATABASE_URL=url))
    assert line == (
        "SAFEPLACES_DATABASE_URL is a PostgreSQL address, but the PostgreSQL driver is not "
        "installed: pip install 'safeplaces-locator[postgres]'"
    )
    assert "secret" not in line


def test_the_online_geocoder_without_geopy(blocker: Path, synthetic_settings: Settings) -> None:
    # Found by the app's own start-up, inside the server, after its notes about the data.
    r = _without("geopy", blocker, synthetic_settings, SAFEPLACES_GEOCODER__ENABLED="true")
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.endswith(
        "SAFEPLACES_GEOCODER__ENABLED is on, but the online geocoder is not installed: "
        "pip install 'safeplaces-locator[geocoder]'"
    )


def test_the_national_file_without_pyarrow(blocker: Path, national_settings: Settings) -> None:
    r = _without("pyarrow", blocker, national_settings, "nearest", "DE4 3AG")
    assert one_line(r) == (
        "SAFEPLACES_DATA__NATIONAL_POSTCODES_FILE is a Parquet file (postcodes_uk.parquet), "
        "but the Parquet reader is not installed: pip install 'safeplaces-locator[national]'"
    )


def test_without_the_extras_the_default_settings_still_serve(
    blocker: Path, synthetic_settings: Settings
) -> None:
    # The runtime install: no driver, no Parquet, no geopy, and a lookup still answers.
    r = _without("psycopg,pyarrow,geopy", blocker, synthetic_settings, "nearest", "DE4 3AG")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout.strip()
