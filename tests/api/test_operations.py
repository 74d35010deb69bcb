"""What council IT runs the service with: /metrics (Prometheus), request ids, JSON logs,
settings from a .env file and `safeplaces --version`."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.settings import MetricsSettings, Settings

SAFEPLACES = str(Path(sys.executable).parent / "safeplaces")
SECRETS = ["DE4 3AG", "DE43AG", "DE4%203AG", "53.1234", "-1.5678", "Matlock", "matlock"]


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _count(samples: dict, route: str, status: str = "200") -> float:  # type: ignore[type-arg]
    key = ("safeplaces_requests_total", (("method", "GET"), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


def test_metrics_count_requests_by_route_template(synthetic_settings: Settings) -> None:
    with TestClient(create_app(synthetic_settings)) as client:
        for _ in range(3):
            assert client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"}).is_success
        client.get("/api/v1/postcodes/DE4 3AG")
        client.get("/no/such/page/DE4 3AG")
        client.get("/static/css/site.css")
        ready = client.get("/readyz").json()
        r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    for secret in SECRETS:
        assert secret not in r.text, secret
    samples = _samples(r.text)
    assert _count(samples, "/api/v1/places/nearest") == 3
    assert _count(samples, "/api/v1/postcodes/{postcode}") == 1
    assert _count(samples, "<no route>", "404") == 1
    assert _count(samples, "/static") == 1
    latency = (
        "safeplaces_request_duration_seconds_count",
        (("method", "GET"), ("route", "/api/v1/places/nearest")),
    )
    assert samples[latency] == 3
    for kind, count in ready["places"].items():
        assert samples[("safeplaces_places_loaded", (("kind", kind),))] == count
    assert samples[("safeplaces_data_version", ())] == ready["data_version"]
    assert (
        time.time() - 600 < samples[("safeplaces_last_reload_timestamp_seconds", ())] <= time.time()
    )
    assert samples[("safeplaces_info", (("version", version("safeplaces-locator")),))] == 1


def test_metrics_can_be_turned_off_or_kept_to_the_monitoring_server(
    synthetic_settings: Settings,
) -> None:
    for metrics in (MetricsSettings(enabled=False), MetricsSettings(allow_from=["10.0.0.0/8"])):
        settings = synthetic_settings.model_copy(update={"metrics": metrics})
        with TestClient(create_app(settings)) as client:
            assert client.get("/metrics").status_code == 404
    # The test client's address is "testclient": an allowed list of networks never matches it.
    settings = synthetic_settings.model_copy(
        update={"metrics": MetricsSettings(allow_from=["127.0.0.1"])}
    )
    with TestClient(create_app(settings), client=("127.0.0.1", 5000)) as client:
        assert client.get("/metrics").status_code == 200


def test_every_answer_carries_a_request_id(synthetic_settings: Settings) -> None:
    with TestClient(create_app(synthetic_settings)) as client:
        made = client.get("/healthz").headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)
        assert client.get("/healthz").headers["x-request-id"] != made
        from_proxy = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        r = client.get("/healthz", headers={"X-Request-ID": from_proxy})
        assert r.headers["x-request-id"] == from_proxy
        # An id that could carry words (a postcode) is replaced, never logged.
        r = client.get("/healthz", headers={"X-Request-ID": "DE4 3AG was searched"})
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def _free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def test_two_workers_log_json_lines_and_share_their_counts(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    """The real `safeplaces serve --workers 2` with JSON logs: every line is one JSON object,
    each access line has the id its answer was sent with, none has a search in it; and
    /metrics counts the requests of both workers, whichever answers it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLACES_")}
    env |= {
        "SAFEPLACES_DATA_DIR": str(synthetic_settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(tmp_path / "cache"),
        "SAFEPLACES_SERVER__LOG_FORMAT": "json",
    }
    log = tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [SAFEPLACES, "serve", "--port", port, "--workers", "2"], env=env, stdout=out, stderr=out
        )
        try:
            _wait_ready(base, proc, log)
            ids = []
            for _ in range(20):  # a new connection each: the kernel shares them out
                r = httpx.get(f"{base}/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
                assert r.status_code == 200
                ids.append(r.headers["x-request-id"])
            scrapes = [_samples(httpx.get(f"{base}/metrics").text) for _ in range(6)]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert all(_count(s, "/api/v1/places/nearest") == 20 for s in scrapes)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    access = [line for line in lines if line["logger"] == "safeplaces.access"]
    nearest = [a for a in access if a["route"] == "/api/v1/places/nearest"]
    assert sorted(a["request_id"] for a in nearest) == sorted(ids)
    assert all(a["status"] == 200 and a["method"] == "GET" for a in nearest)
    assert len({line.get("request_id") for line in access}) == len(access)
    text = log.read_text()
    for secret in SECRETS:
        assert secret not in text, secret


def _nearest(
    settings: Settings, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLACES_")}
    environ |= {"SAFEPLACES_CACHE_DIR": str(settings.data.cache_dir), **env}
    return subprocess.run(
        [SAFEPLACES, "nearest", "DE4 3AG"],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_come_from_a_dot_env_file(synthetic_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"# The synthetic data, not the real data beside the project\n"
        f"SAFEPLACES_DATA_DIR={synthetic_settings.data.dir}\n"
    )
    r = _nearest(synthetic_settings, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Corner Café" in r.stdout  # a place only the synthetic data has
    # A variable in the environment wins over the file.
    r = _nearest(synthetic_settings, tmp_path, SAFEPLACES_DATA_DIR=str(tmp_path / "nowhere"))
    assert r.returncode == 3 and "nowhere" in r.stderr
    # Another file, named by SAFEPLACES_ENV_FILE, read from any working directory.
    (tmp_path / "other.env").write_text("SAFEPLACES_SEARCH__DEFAULT_K=abc\n")
    r = _nearest(synthetic_settings, SAFEPLACES_ENV_FILE=str(tmp_path / "other.env"))
    assert r.returncode == 3 and "SAFEPLACES_SEARCH__DEFAULT_K" in r.stderr


def test_the_version() -> None:
    r = subprocess.run([SAFEPLACES, "--version"], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == f"safeplaces {version('safeplaces-locator')}"
