"""What a server loads: the packages only imports, exports, reports, staff spreadsheets, the
national Parquet file, the online geocoder or a map need are loaded when first used, never
by building or starting the app. A check of the code's layout, in a fresh process each."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from api.settings import Settings

# Each is loaded only by the work that needs it (see each module's imports).
ONLY_WHEN_USED = (
    "alembic",  # bringing the schema up to date (a database already current needs none)
    "folium",  # maps.frame: the maps' frames, drawn once
    "geopandas",  # reading boundary, venue and import files; the GeoPackage download
    "geopy",  # the online geocoder (off by default)
    "matplotlib",  # the staff reports' charts
    "openpyxl",  # staff spreadsheets
    "pandas",  # reading the open-data files (the caches are read without it)
    "pyarrow",  # the national Parquet file
    "pyogrio",
    "segno",  # two-factor QR codes
    "zxcvbn",  # checking a new password
)

_CHECK = """
import json, sys
from fastapi.testclient import TestClient
import api.cli  # the `safeplaces serve` command's own imports
from api.app import create_app
from api.settings import Settings

heavy = json.loads(sys.argv[1])
app = create_app(Settings())
built = [m for m in heavy if m in sys.modules]
with TestClient(app) as client:
    ready = client.get("/readyz").status_code
    found = client.get("/api/v1/places/nearest", params={"lat": 53.14, "lon": -1.55})
    started = [m for m in heavy if m in sys.modules]
print(json.dumps({"built": built, "ready": ready, "found": found.status_code, "started": started}))
"""


def _start(settings: Settings) -> dict[str, object]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLACES_")}
    environ |= {
        "SAFEPLACES_DATA_DIR": str(settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(settings.data.cache_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHECK, json.dumps(ONLY_WHEN_USED)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("which", ["synthetic_settings", "national_settings"])
def test_a_server_loads_no_package_it_does_not_use(
    which: str, request: pytest.FixtureRequest
) -> None:
    settings: Settings = request.getfixturevalue(which)
    # The first start makes the database and reads the files (with pandas), and caches them.
    first = _start(settings)
    assert first["built"] == [] and first["ready"] == 200
    again = _start(settings)
    assert again == {"built": [], "ready": 200, "found": 200, "started": []}
