"""The container recipe (Dockerfile, compose.yaml) read and checked, since no container engine
runs in CI; and the real nginx with deploy/nginx.conf in front of two real replicas on
loopback: shared out in turn, one request id end to end, a replica down ridden out."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from live import serve_in_process

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) for each instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _final_stage() -> list[tuple[str, str]]:
    steps = _dockerfile()
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


def _healthcheck_command() -> list[str]:
    (args,) = [a for op, a in _final_stage() if op == "HEALTHCHECK"]
    return [str(part) for part in yaml.safe_load(args.split("CMD", 1)[1].strip())]


def test_the_image_runs_the_locked_install_as_a_user_without_root() -> None:
    steps = _dockerfile()
    assert steps[0] == ("ARG", "PYTHON_VERSION=3.11")
    froms = [a for op, a in steps if op == "FROM"]
    assert froms[0].startswith("python:${PYTHON_VERSION}-slim")
    assert froms[-1] == "python:${PYTHON_VERSION}-slim"
    runs = " ".join(a for op, a in steps if op == "RUN")
    assert "uv sync --locked --no-editable" in runs  # exactly uv.lock; not the test tools
    assert "--extra test" not in runs and "--all-extras" not in runs
    extras = set(re.findall(r"--extra (\w+)", " ".join(a for op, a in steps if op == "ARG")))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert extras and extras <= set(pyproject["project"]["optional-dependencies"])
    # Every package the project installs is copied in, and let through .dockerignore.
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {a.split()[0] for op, a in steps if op == "COPY" and "--from" not in a}
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    for package in (p.rstrip("*") for p in packages):
        assert package in copied and f"!{package}/" in ignore, package
    final = _final_stage()
    users = [a for op, a in final if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert [op for op, _ in final][-1] == "CMD" and "serve" in final[-1][1]


def test_the_image_settings_are_real_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SAFEPLACES_ variable the image sets is read (an unknown name would be ignored)."""
    env = {}
    for op, args in _final_stage():
        if op == "ENV":
            env |= dict(re.findall(r"(SAFEPLACES_\w+)=(\S+)", args))
    assert {"SAFEPLACES_DATA_DIR", "SAFEPLACES_CACHE_DIR", "SAFEPLACES_SERVER__HOST"} <= set(env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    for name, value in env.items():
        node: object = settings
        for part in name.removeprefix("SAFEPLACES_").lower().split("__"):
            node = getattr(node, part)
        assert str(node) == value, name


def test_compose_runs_postgis_replicas_and_nginx() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    db, app, proxy = services["db"], services["app"], services["proxy"]
    assert db["image"].startswith("postgis/postgis:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.startswith("db:/var/lib/postgresql/data") for v in db["volumes"])
    assert app["build"] == "."
    assert app["deploy"]["replicas"] >= 2
    url = app["environment"]["SAFEPLACES_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
    assert "${SAFEPLACES_DB_PASSWORD}" in url  # from .env, never written here
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert any(v.endswith(":/data:ro") for v in app["volumes"])
    # Only the proxy's network is trusted for X-Forwarded-*, and it is the compose network.
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert app["environment"]["SAFEPLACES_SERVER__TRUSTED_PROXIES"] == f'["{subnet}"]'
    assert proxy["image"].startswith("nginx:")
    config = [v.split(":")[0] for v in proxy["volumes"]]
    assert config == ["./deploy/nginx.conf"] and (ROOT / "deploy" / "nginx.conf").is_file()
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert "server app:8000" in (ROOT / "deploy" / "nginx.conf").read_text()
    example = (ROOT / "deploy" / "example.env").read_text()
    for name in re.findall(r"\$\{(\w+)", (ROOT / "compose.yaml").read_text()):
        assert f"{name}=" in example, name


def test_the_healthcheck_asks_readyz(synthetic_settings: Settings, tmp_path: Path) -> None:
    """The image's HEALTHCHECK command, run as it is: passes on a ready app, fails without."""
    command = _healthcheck_command()
    assert command[0] == "python" and "http://127.0.0.1:8000/readyz" in command[-1]
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/p.db"})
    with serve_in_process(settings) as base:
        check = [sys.executable, *command[1:-1], command[-1].replace("http://127.0.0.1:8000", base)]
        assert subprocess.run(check, capture_output=True, timeout=30).returncode == 0
    # The server is gone now: the same check fails.
    assert subprocess.run(check, capture_output=True, timeout=30).returncode != 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _nginx_in_front(folder: Path, upstreams: list[str]) -> Iterator[str]:
    """deploy/nginx.conf as committed, only its upstream, port and files moved to loopback."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is needed for this test: apt-get install -y nginx")
    port = _free_port()
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(
        f"server {u.removeprefix('http://')} max_fails=1 fail_timeout=5s;\n" for u in upstreams
    )
    text = re.sub(r"server app:8000[^;]*;\n", servers, text)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace("worker_processes auto;", "worker_processes 1;\npid nginx.pid;")
    text = text.replace("access_log /dev/stdout private;", "access_log access.log private;")
    text = text.replace("error_log /dev/stderr warn;", "error_log error.log warn;")
    (folder / "nginx.conf").write_text(text)
    proc = subprocess.Popen([nginx, "-p", str(folder), "-c", "nginx.conf", "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                assert proc.poll() is None, (folder / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _search(client: httpx.Client) -> httpx.Response:
    return client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})


def test_nginx_shares_requests_between_replicas_and_rides_out_one_down(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/p.db"})
    (tmp_path / "nginx").mkdir()
    log = tmp_path / "nginx" / "access.log"
    with ExitStack() as first, ExitStack() as second:
        replicas = [s.enter_context(serve_in_process(settings)) for s in (first, second)]
        with (
            _nginx_in_front(tmp_path / "nginx", replicas) as front,
            httpx.Client(base_url=front) as client,
        ):
            answers = [_search(client) for _ in range(10)]
            assert all(r.status_code == 200 for r in answers)
            # nginx's own $request_id reached the app, which sent it back with its answer.
            ids = [r.headers["x-request-id"] for r in answers]
            assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 10
            lines = [line.split() for line in log.read_text().splitlines()]
            answered_by = {line[-2] for line in lines if line[-1] in ids}
            assert answered_by == {r.removeprefix("http://") for r in replicas}
            # One replica stops: every search still answers, from the other.
            first.close()
            after = [_search(client) for _ in range(10)]
            assert [r.status_code for r in after] == [200] * 10
    text = log.read_text()
    for secret in ("DE4", "3AG", "nearest", "postcode"):
        assert secret not in text  # no path, no query: nothing searched is logged
