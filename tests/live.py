"""The app served for real by uvicorn on a free 127.0.0.1 port, for clients nobody here wrote.

Two ways, both binding the socket first (so there is no race for the port), as
tests/browser/conftest.py does:

- `serve(app)`: uvicorn in a background thread of the test process. Right for clients that
  release the GIL while they wait for the network (a browser in its own process, requests).
- `serve_in_process(settings)`: uvicorn in a child process. Needed for GDAL (through pyogrio
  or geopandas), which holds the GIL while it fetches a URL: a server in a thread of the same
  process could never answer, and the test would hang.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from api.protocol import OneWriteHttp
from api.settings import ServerSettings, Settings
from api.workers import listening_socket

STARTUP_TIMEOUT_S = 60


def _bound_socket() -> socket.socket:
    # Made as the server makes its own (api.workers): a plain SOCK_STREAM socket would leave
    # Nagle's algorithm on, and every keep-alive answer would wait ~40 ms for a delayed ACK.
    return listening_socket("127.0.0.1", 0)


def _config(app: FastAPI) -> uvicorn.Config:
    # The protocol and event loop `safeplaces serve` uses: every live test's answers go
    # through them.
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        http=OneWriteHttp,
        loop=ServerSettings().loop,
    )


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve `app` from a thread until the block ends; yields ``http://127.0.0.1:PORT``."""
    sock = _bound_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app))
    # uvicorn installs signal handlers only on the main thread; this one never is.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-app", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the app did not start (see the log above)")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _run_app(settings: Settings, sock: socket.socket) -> None:
    """The child process: build the app from the settings and serve it on `sock`."""
    from api.app import create_app

    uvicorn.Server(_config(create_app(settings))).run(sockets=[sock])


@contextmanager
def serve_in_process(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)`` from a child process until the block ends; yields
    ``http://127.0.0.1:PORT`` once ``/readyz`` answers (the data is loaded).

    The child is started with "spawn" (a fresh interpreter: no threads or GDAL state copied
    from the test process) and shares the database file named by the settings, so a test can
    change places through its own store and see the change served.
    """
    sock = _bound_socket()
    port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    # Not a daemon, as in `api.workers`: the app starts a child process of its own to check
    # imports (geodata.import_worker), which a daemonic process may not. Ended below.
    process = multiprocessing.get_context("spawn").Process(
        target=_run_app, args=(settings, sock), name="live-app", daemon=False
    )
    process.start()
    try:
        _wait_until_ready(base_url, process)
        yield base_url
    finally:
        process.terminate()  # uvicorn shuts down cleanly on SIGTERM
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        sock.close()


def _wait_until_ready(base_url: str, process: multiprocessing.process.BaseProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if not process.is_alive():
            raise RuntimeError(f"the app exited with {process.exitcode} (see the log above)")
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not become ready in time")
        time.sleep(0.05)
