"""`safeplaces serve --workers N`: every worker gets a share of the connections, a worker that
dies is replaced, and the whole server stops cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from api.settings import Settings
from api.workers import SHARED_PORTS, worker_sockets
from geodata.datasets import open_users
from locator.accounts import Role

pytestmark = pytest.mark.skipif(not SHARED_PORTS, reason="SO_REUSEPORT is Linux and BSD only")


def test_worker_sockets_share_one_port_and_its_connections() -> None:
    sockets = worker_sockets("127.0.0.1", 0, 2)
    clients: list[socket.socket] = []
    try:
        port = sockets[0].getsockname()[1]
        assert port and all(s.getsockname()[1] == port for s in sockets)
        assert all(s.proto == socket.IPPROTO_TCP and s.get_inheritable() for s in sockets)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
        taken = []
        for sock in sockets:
            sock.settimeout(0.5)
            n = 0
            try:
                while True:
                    sock.accept()[0].close()
                    n += 1
            except TimeoutError:
                pass
            taken.append(n)
        # The kernel hashes each connection to a socket: all 64 on one has odds of 2**-63.
        assert sum(taken) == 64 and min(taken) > 0, taken
    finally:
        for s in clients + sockets:
            s.close()


def test_a_port_in_use_is_refused_even_with_sharing() -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        with pytest.raises(OSError):
            worker_sockets("127.0.0.1", busy.getsockname()[1], 2)
    finally:
        busy.close()


@contextlib.contextmanager
def _serving(
    settings: Settings, tmp_path: Path, workers: int, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, psutil.Popen]]:
    """`safeplaces serve` on a free port with `workers` (and `extra_env` in its environment),
    killed at the end if still running."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "SAFEPLACES_DATA_DIR": str(settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(tmp_path / "cache"),
        **(extra_env or {}),
    }
    log = (tmp_path / "server.log").open("w")
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    proc = psutil.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        if proc.poll() is None:
            # The workers first: once the supervisor is gone they are nobody's children.
            for child in proc.children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            proc.kill()
            proc.wait(timeout=30)
        log.close()


@pytest.fixture
def two_workers(synthetic_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, psutil.Popen]]:
    with _serving(synthetic_settings, tmp_path, 2) as (base, proc):
        _wait(lambda: len(_workers(proc)) == 2 and _ready(base), proc, tmp_path)
        yield base, proc


@pytest.mark.parametrize(
    ("workers", "sig"), [(1, signal.SIGTERM), (1, signal.SIGINT), (2, signal.SIGTERM)]
)
def test_the_server_stops_on_sigterm_or_sigint_with_status_0_however_many_workers(
    workers: int, sig: signal.Signals, synthetic_settings: Settings, tmp_path: Path
) -> None:
    """What a service manager or Ctrl+C sends: the requests under way are finished and the
    server says it has stopped, with status 0 (not 143, nor a KeyboardInterrupt traceback)."""
    with _serving(synthetic_settings, tmp_path, workers) as (base, proc):
        _wait(lambda: _ready(base), proc, tmp_path)
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 0
    log = (tmp_path / "server.log").read_text()
    assert "Application shutdown complete" in log and "Traceback" not in log, log


@pytest.mark.parametrize(("workers", "loop"), [(1, None), (1, "uvloop"), (2, None), (2, "uvloop")])
def test_every_worker_runs_the_event_loop_the_settings_name(
    workers: int, loop: str | None, synthetic_settings: Settings, tmp_path: Path
) -> None:
    """asyncio's loop unless SAFEPLACES_SERVER__LOOP=uvloop: seen in what each serving
    process has loaded (uvloop is a compiled module, imported only to run its loop)."""
    env = {"SAFEPLACES_SERVER__LOOP": loop} if loop else {}
    with _serving(synthetic_settings, tmp_path, workers, env) as (base, proc):
        _wait(
            lambda: _ready(base) and len(_workers(proc)) == (workers if workers > 1 else 0),
            proc,
            tmp_path,
        )
        serving = _workers(proc) if workers > 1 else [proc]
        for process in serving:
            loaded = {m.path for m in process.memory_maps()}
            on_uvloop = any("/uvloop/loop." in path for path in loaded)
            assert on_uvloop == (loop == "uvloop"), (process.pid, sorted(loaded)[:5])


def _workers(proc: psutil.Popen) -> list[psutil.Process]:
    """The worker processes (multiprocessing's resource tracker is a child too)."""
    found = []
    for child in proc.children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # just ended (a zombie until its parent collects it)
            pass
    return found


def _descendants(worker: psutil.Process) -> list[psutil.Process]:
    """The worker's import processes: its fork server and the fork server's child."""
    try:
        return [p for p in worker.children(recursive=True) if "forkserver" in " ".join(p.cmdline())]
    except psutil.Error:
        return []


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _wait(done: object, proc: psutil.Popen, tmp_path: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
        time.sleep(0.2)


def _connections_by_worker(proc: psutil.Popen, port: int) -> Counter[int]:
    counts: Counter[int] = Counter()
    for child in _workers(proc):
        for c in child.net_connections("tcp"):
            if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port:
                counts[child.pid] += 1
    return counts


def test_connections_opened_together_are_shared_between_the_workers(
    two_workers: tuple[str, psutil.Popen],
) -> None:
    base, proc = two_workers
    port = int(base.rsplit(":", 1)[1])
    # 32 keep-alive connections opened at once, as a load test or a busy moment opens them.
    clients = [httpx.Client(base_url=base) for _ in range(32)]
    try:
        for client in clients:
            assert client.get("/api/v1/ping").status_code == 200
        counts = _connections_by_worker(proc, port)
        assert sum(counts.values()) == 32 and len(counts) == 2, counts
        assert min(counts.values()) >= 4, counts  # binomial(32, 1/2): under 4 has odds < 1e-5
    finally:
        for client in clients:
            client.close()


def test_a_worker_that_dies_is_replaced_and_the_server_stops_cleanly(
    two_workers: tuple[str, psutil.Popen], tmp_path: Path
) -> None:
    base, proc = two_workers
    first, second = _workers(proc)
    # Each worker starts its import process (a fork server and its child) as it starts.
    _wait(lambda: len(_descendants(first)) >= 2, proc, tmp_path)
    importing = _descendants(first)
    first.kill()
    _wait(lambda: {c.pid for c in _workers(proc)} - {first.pid, second.pid}, proc, tmp_path)
    replacement = ({c.pid for c in _workers(proc)} - {second.pid}).pop()
    _wait(lambda: _ready(base), proc, tmp_path)
    # Every connection answers: none is left waiting in the dead worker's queue.
    for _ in range(20):
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"}).is_success
    # Killed outright, the worker can't stop its import process: it ends by itself.
    _wait(lambda: not any(_alive(p) for p in importing), proc, tmp_path, seconds=30)
    workers = [psutil.Process(p) for p in (second.pid, replacement)]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_an_edit_through_one_worker_reaches_every_worker_within_a_second(
    two_workers: tuple[str, psutil.Popen], synthetic_settings: Settings, tmp_path: Path
) -> None:
    """On the shared SQLite file each worker's watcher reads the data version in the
    background (geodata.changes): no request reads it, and no worker keeps the old index."""
    base, _ = two_workers
    # The server's own database file, beside its cache folder.
    database = f"sqlite:///{tmp_path / 'safeplaces.db'}"
    users = open_users(synthetic_settings.model_copy(update={"database_url": database}))
    admin = users.create_user("ann@council.gov.uk", "Ann", Role.ADMIN, "correct horse battery")
    staff = {"Authorization": f"Bearer {users.create_token(admin.id, 'workers test')}"}
    # A new connection for every request: the kernel hands each to either worker.
    fresh = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=base, timeout=30, limits=fresh) as c:
        place = c.get("/api/v1/admin/places/S1", headers=staff)
        assert place.status_code == 200, place.text
        saved = c.patch(
            "/api/v1/admin/places/S1",
            json={"name": "Matlock Library (first floor)"},
            headers={**staff, "If-Match": place.headers["etag"]},
        )
        assert saved.status_code == 200, saved.text
        since = time.monotonic()

        def names() -> list[str]:
            found = c.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG", "k": 10})
            return [p["name"] for p in found.json()["places"]]

        # Twenty connections in a row with the new name: all on one worker has odds 2**-19.
        while not all("Matlock Library (first floor)" in names() for _ in range(20)):
            assert time.monotonic() - since < 1.0, "not seen by every worker within a second"
        assert time.monotonic() - since < 1.0
