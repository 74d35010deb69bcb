"""Replicas of the real service on loopback, and a real nginx in front of them, for the
replica test (tests/deploy): each replica is `safeplaces serve` in a process of its own."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

_500 = re.compile(r"(?<![\d.,:])500(?![\d.])")  # not in a time: 11:44:52,500 or 2.500ms
NGINX_INSTALL = (
    "The replica test needs nginx; it is not on PATH or in /usr/sbin. Install it (Debian or "
    "Ubuntu: apt-get install -y nginx-light; `make nginx` does it) and run the tests again."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(done: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until `done()` is true; fails after `seconds`, saying `what` didn't happen."""
    start = time.monotonic()
    while not done():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - start


def answers(url: str, status: int = 200) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == status
    except httpx.TransportError:
        return False


@dataclass
class Replica:
    """One `safeplaces serve` on its own port, with its own cache folder and log."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, name: str, folder: Path, env: Mapping[str, str]) -> Replica:
        port = free_port()
        own = {**os.environ, **env, "SAFEPLACES_CACHE_DIR": str(folder / name / "cache")}
        log = folder / f"{name}.log"
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
        with log.open("wb") as out:
            # A session of its own: `kill` ends it with its import processes.
            process = subprocess.Popen(
                command, env=own, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return cls(name, port, process, log)

    def answered_500(self) -> list[str]:
        """The access log's lines with a 500 in them, as a status."""
        lines = self.log.read_text().splitlines()
        return [line for line in lines if "safeplaces.access" in line and _500.search(line)]

    def wait_ready(self, seconds: float = 120) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, f"{self.name} ended:\n{self.log.read_text()}"
            return answers(f"{self.url}/readyz")

        wait_for(ready, seconds, f"{self.name} ready")

    def kill(self) -> None:
        """Kill it outright, with everything it started, as a crash or the OOM killer would."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


_CONF = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream replicas {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # A replica that is down is skipped: the request goes to the next one.
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    """A real nginx on a free loopback port, round-robin over the replicas."""

    port: int
    process: subprocess.Popen[bytes]
    root: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, root: Path, replicas: list[Replica]) -> Nginx:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError(NGINX_INSTALL)
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)  # its worker runs as nobody when the tests run as root
        port = free_port()
        servers = "\n".join(
            f"        server 127.0.0.1:{r.port} max_fails=1 fail_timeout=10s;" for r in replicas
        )
        conf = root / "nginx.conf"
        conf.write_text(_CONF.format(root=root, servers=servers, port=port))
        command = [binary, "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf)]
        with (root / "stderr.log").open("wb") as errors:
            process = subprocess.Popen(
                [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=errors
            )
        nginx = cls(port, process, root)

        def up() -> bool:
            assert process.poll() is None, (root / "stderr.log").read_text()
            return answers(f"{nginx.url}/healthz")

        wait_for(up, 30, "nginx answering")
        return nginx

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
