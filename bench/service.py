"""The service as a real separate process: `safeplaces serve` on a free loopback port, with a
fresh temporary place database and cache, on the shared data."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def peer_command() -> list[str]:
    """The minimal peer (bench/peer.py), from this virtual environment."""
    return [sys.executable, "-m", "bench.peer"]


def granian_command() -> list[str] | None:
    """The service's app under granian (1 worker, its Python work on one thread, uvloop, HTTP/1
    as uvicorn serves it), or None where granian is not installed."""
    if importlib.util.find_spec("granian") is None:
        return None
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory"]
    command += ["--workers", "1", "--runtime-threads", "1", "--loop", "uvloop", "--http", "1"]
    return command + ["--no-ws", "--log-level", "warning", "bench.granian_app:app"]


def serve_command() -> list[str]:
    """`safeplaces serve` from this virtual environment."""
    script = Path(sys.executable).with_name("safeplaces")
    if script.is_file():
        return [str(script), "serve"]
    return [sys.executable, "-m", "api.cli", "serve"]


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds a process has used so far, or None where /proc has no
    such file (not Linux). On a shared machine this moves far less with the load than the
    wall clock does."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # Fields 14 and 15 of stat(5) (utime, stime), counted after the ")" that ends field 2.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Service:
    """`safeplaces serve --workers N` in its own process group; stopped (SIGINT, then SIGKILL)
    on exit. `ready_s` is the time from starting the process to the first 200 from /readyz.
    `command`: another server that takes --host and --port (the minimal peer), on the same
    database and cache."""

    def __init__(
        self,
        folder: Path,
        workers: int,
        extra_env: dict[str, str] | None = None,
        command: list[str] | None = None,
    ):
        self.folder = folder
        self.workers = workers
        self.command = command
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SAFEPLACES_DATABASE_URL": f"sqlite:///{folder / 'places.db'}",
            "SAFEPLACES_DATA__CACHE_DIR": str(folder / "cache"),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_s = 0.0
        self.ready_cpu_s: float | None = None  # the server's CPU seconds up to ready (Linux)

    def __enter__(self) -> Service:
        log = (self.folder / "server.log").open("ab")
        command = (self.command or serve_command()) + ["--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        if self.command is None:
            command += ["--workers", str(self.workers)]
        started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self.ready_s = self._wait_ready(started)
        self.ready_cpu_s = cpu_seconds(self.process.pid)
        return self

    def _wait_ready(self, started: float, timeout: float = 120) -> float:
        assert self.process is not None
        while True:
            if self.process.poll() is not None:
                tail = (self.folder / "server.log").read_text(errors="replace")[-1500:]
                raise RuntimeError(f"the service exited ({self.process.returncode}):\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=5) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the service was not ready within {timeout:.0f} s")
            time.sleep(0.01)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as r:
            body: bytes = r.read()
            return body

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
