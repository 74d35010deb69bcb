"""A big import must not hold up the public service: the audit's 4.9 MB, 180,000-row CSV
blocked /healthz for 16-81 s while it was previewed.

The app runs under a real uvicorn in its own process (`live.serve_in_process`), on the real
shared data, with a staff importer logged in. While that file is uploaded and previewed, again
and again, a second client asks /healthz and the nearest-place search (by a different real
postcode each time), and the test checks the order of events: hundreds of those requests were
asked and answered while a preview was still running. An import that took the event loop
would answer none of them until its preview was done. How long public requests take during
an import is measured by `python -m bench --only stall` (docs/benchmarks.md), not here.
"""

from __future__ import annotations

import csv
import gzip
import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live import serve_in_process
from staff_forms import PASSWORD, csrf

from api.settings import Settings
from geodata.datasets import open_users
from locator.accounts import Role

MIN_SAMPLES = 200  # asked and answered while a preview ran
MAX_MEASURE_S = 20.0  # keeps the test short even on a busy machine


def _live_postcodes(data_dir: Path) -> list[str]:
    with gzip.open(data_dir / "postcodes_derbyshire.csv.gz", "rt") as file:
        rows = [r for r in csv.DictReader(file) if r["is_live"] == r["in_derbyshire"] == "True"]
    return [r["postcode"] for r in rows[::10]]


def _audit_csv(path: Path) -> Path:
    """4.9 MB, 180,000 short rows, like the file in the audit."""
    with path.open("w") as file:
        file.write("id,name,category,postcode\n")
        for i in range(180_000):
            file.write(f"{i:05x},S{i:06x},shop,DE4 3AG\n")
    return path


@pytest.fixture(scope="module")
def live(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("latency")
    settings = real_settings.model_copy(update={"database_url": f"sqlite:///{root / 'places.db'}"})
    users = open_users(settings)
    users.create_user("imp@council.gov.uk", "Imp", Role.ADMIN, PASSWORD)
    with serve_in_process(settings) as base_url:
        yield base_url


def _logged_in(base_url: str) -> httpx.Client:
    headers = {"accept": "text/html", "origin": base_url}  # as a browser posts a form
    client = httpx.Client(base_url=base_url, timeout=120, headers=headers)
    form = client.get("/staff/login")
    logged_in = client.post(
        "/staff/login",
        data={"email": "imp@council.gov.uk", "password": PASSWORD, "csrf_token": csrf(form.text)},
    )
    assert logged_in.status_code == 303, logged_in.text[:300]
    return client


def _preview(staff: httpx.Client, path: Path) -> httpx.Response:
    token = csrf(staff.get("/staff/import").text)
    with path.open("rb") as file:
        return staff.post(
            "/staff/import", data={"csrf_token": token}, files={"file": (path.name, file)}
        )


class Uploader:
    """Posts one prepared import form again and again, through `http.client`: the body is
    built once and each post is one `sendall` and one read, which release the interpreter
    lock, so the uploads don't slow this process's own measuring of the public requests."""

    def __init__(self, staff: httpx.Client, path: Path) -> None:
        token = csrf(staff.get("/staff/import").text)
        request = staff.build_request(
            "POST",
            "/staff/import",
            data={"csrf_token": token},
            files={"file": (path.name, path.read_bytes())},
        )
        self.body = request.read()
        self.headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "accept-encoding")
        }
        self.netloc = request.url.netloc.decode()

    def post(self) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.netloc, timeout=120)
        try:
            connection.request("POST", "/staff/import", body=self.body, headers=self.headers)
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()


def _public(client: httpx.Client, postcodes: list[str], i: int) -> tuple[float, float]:
    """One public request (the search by the i-th postcode, or /healthz): (sent, took)."""
    if i % 2:
        url, params = "/healthz", {}
    else:
        url, params = "/api/v1/places/nearest", {"postcode": postcodes[i // 2 % len(postcodes)]}
    start = time.perf_counter()
    response = client.get(url, params=params)
    took = time.perf_counter() - start
    assert response.status_code == 200, response.text
    return start, took


def test_public_requests_are_answered_while_a_big_import_is_previewed(
    live: str, real_data_dir: Path, tmp_path: Path
) -> None:
    postcodes = _live_postcodes(real_data_dir)
    audit = _audit_csv(tmp_path / "audit.csv")
    assert 4_500_000 < audit.stat().st_size <= 5_000_000
    staff = _logged_in(live)
    public = httpx.Client(base_url=live, timeout=30)
    # The first import starts the import process; what it costs isn't the question here.
    warm = tmp_path / "warm.csv"
    warm.write_text("external_ref,name,category,postcode\nW1,Warm Shop,shop,DE4 3AG\n")
    assert _preview(staff, warm).status_code == 200

    windows: list[tuple[float, float]] = []
    answers: list[tuple[int, str]] = []
    stop = threading.Event()
    uploader = Uploader(staff, audit)

    def preview_and_pause() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            answers.append(uploader.post())
            windows.append((start, time.perf_counter()))
            stop.wait((windows[-1][1] - start) / 2)

    importer = threading.Thread(target=preview_and_pause, daemon=True)
    samples: list[tuple[float, float]] = []
    importer.start()
    deadline = time.perf_counter() + MAX_MEASURE_S
    try:
        while time.perf_counter() < deadline and importer.is_alive():
            samples.append(_public(public, postcodes, len(samples)))
            if len(samples) % 50 == 0 and len(_within(samples, windows)) >= MIN_SAMPLES:
                break
    finally:
        stop.set()
        importer.join(timeout=60)
    during = _within(samples, windows)
    # Each preview said what it should: the file is over the row limit, read no further.
    assert answers and all(status == 422 for status, _ in answers)
    assert all("more than 20,000 rows" in text for _, text in answers)
    # The previews overlapped the public requests, and did not hold them back.
    assert len(during) >= MIN_SAMPLES, (
        f"only {len(during)} requests answered during {len(windows)} previews; longest "
        f"preview {max(b - a for a, b in windows):.1f} s"
    )


def _within(samples: list[tuple[float, float]], windows: list[tuple[float, float]]) -> list[float]:
    """The requests both asked and answered while one preview ran."""
    return [
        took for sent, took in samples if any(a <= sent and sent + took <= b for a, b in windows)
    ]
