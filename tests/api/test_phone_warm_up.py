"""A server loads the phone numbers' formatter while it warms up, in the background: the
first page showing a number doesn't wait for libphonenumber (about 0.1 s). Each in a fresh
process, as a worker starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from api.settings import Settings

_CHECK = """
import json, sys, time
from fastapi.testclient import TestClient
from api.app import create_app
from api.settings import Settings

app = create_app(Settings(), exit_on_failure=True)  # as a server's worker builds it
before = "phonenumbers" in sys.modules
with TestClient(app) as client:
    ready = client.get("/readyz").status_code
    from locator.contact_details import _national

    deadline = time.monotonic() + 60
    while not _national.cache_info().currsize and time.monotonic() < deadline:
        time.sleep(0.05)
    warmed = _national.cache_info().currsize
print(json.dumps({"before": before, "ready": ready, "warmed": warmed}))
"""


def test_a_starting_server_loads_the_phone_formatter_in_the_background(
    synthetic_settings: Settings,
) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLACES_")}
    environ |= {
        "SAFEPLACES_DATA_DIR": str(synthetic_settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(synthetic_settings.data.cache_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHECK], env=environ, capture_output=True, text=True,
        timeout=180, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # Not loaded by building the app; loaded, with a number formatted, once it has started.
    assert found["before"] is False and found["ready"] == 200 and found["warmed"] >= 1
