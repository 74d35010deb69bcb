"""Nobody can tell from the logs what anyone searched for."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

SECRETS = ["DE4 3AG", "DE43AG", "DE4%203AG", "53.1234", "-1.5678", "Matlock", "matlock", "S1"]


def _searches(client: TestClient) -> None:
    """Every public route, including error paths, with searched values in path and query."""
    client.get("/api/v1/postcodes/DE4 3AG")
    client.get("/api/v1/postcodes/DE43AG")
    client.get("/api/v1/postcodes/Matlock")
    client.get("/api/v1/search", params={"q": "Matlock"})
    client.get("/api/v1/search", params={"q": "matlock bathx"})
    client.get("/api/v1/placenames", params={"prefix": "Matlock"})
    client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
    client.get("/api/v1/places/nearest", params={"lat": "53.1234", "lon": "-1.5678"})
    client.get("/api/v1/places/nearest", params={"lat": "953.1234", "lon": "-1.5678"})
    client.get("/api/v1/places/nearest", params={"q": "Matlock", "k": "53.1234"})
    client.get("/api/v1/places/S1")
    client.get("/api/v1/places/nearest/DE4 3AG")
    client.post("/api/v1/postcodes", json={"postcodes": ["DE4 3AG", "Matlock", "DE43AG"]})
    client.post("/api/v1/postcodes", json={"postcodes": "DE4 3AG"})
    client.get("/api/v1/postcodes", params={"lat": "53.1234", "lon": "-1.5678"})
    client.get("/api/v1/postcodes", params={"lat": "53.1234", "lon": "-1.5678", "radius": "-1"})
    client.get("/api/v1/postcodes", params={"lat": "-1.5678", "lon": "53.1234"})
    client.get("/api/v1/outcodes/DE4 3AG")
    client.get("/oruk/service_at_locations", params={"postcode": "DE4 3AG", "proximity": "2000"})
    client.get("/oruk/service_at_locations", params={"postcode": "Matlock"})
    client.get("/oruk/service_at_locations", params={"postcode": "DE4 3AG", "proximity": "-1.5678"})
    client.get("/oruk/services", params={"search": "Matlock", "day": "53.1234"})
    client.get("/oruk/services/DE4 3AG")


def test_no_search_reaches_a_log_line(
    synthetic_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(synthetic_settings)
    boom = APIRouter()

    @boom.get("/boom")
    def explode(q: str) -> None:
        raise RuntimeError(f"failed while handling {q}")

    app.include_router(boom)
    caplog.set_level(logging.DEBUG)
    with TestClient(app, raise_server_exceptions=False) as client:
        _searches(client)
        r = client.get("/boom", params={"q": "DE4 3AG at 53.1234,-1.5678"})
        assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
        assert "DE4 3AG" not in r.text
    # The test client's own request log (httpx) is the searcher's side, not the service's.
    service = [r for r in caplog.records if not r.name.startswith("httpx")]
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in service)
    # The access log is there, with route templates only.
    assert "GET /api/v1/postcodes/{postcode} 200" in text
    assert "GET /api/v1/places/nearest 200" in text
    assert "unhandled RuntimeError" in text
    for secret in SECRETS:
        assert secret not in text, secret


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_server_logs_no_searches(synthetic_settings: Settings, tmp_path: Path) -> None:
    """The real `safeplaces serve` (uvicorn and all) on loopback: its whole output is checked."""
    port = _free_port()
    env = {
        **os.environ,
        "SAFEPLACES_DATA_DIR": str(synthetic_settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(tmp_path / "cache"),
        "SAFEPLACES_SERVER__LOG_LEVEL": "debug",
    }
    log_file = tmp_path / "server.log"
    with log_file.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, log_file.read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            with httpx.Client(base_url=base) as client:
                _searches(client)  # type: ignore[arg-type]
                r = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
                assert r.status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    text = log_file.read_text()
    assert "GET /api/v1/places/nearest 200" in text
    for secret in SECRETS:
        assert secret not in text, secret
