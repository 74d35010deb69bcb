"""Several worker processes serving one port, each with a listening socket of its own.

uvicorn's own supervisor hands every worker the same socket. Each worker's event loop then
accepts every connection waiting when it wakes, so a burst of new connections (a page's
assets, a partner site's visitors, a load test) all land in one worker while the others idle:
under load, two workers served no more than one. Here each worker gets its own socket on the
port (SO_REUSEPORT), and the kernel spreads new connections across them.

The supervisor is the small part of uvicorn's that we need: start the workers, start a new one
in the place of one that dies, stop them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("safeplaces.workers")

SHARED_PORTS = hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, share_port: bool = False) -> socket.socket:
    """A bound TCP socket for workers to listen on, made as a TCP socket.

    uvicorn (0.54) makes it without IPPROTO_TCP, so asyncio leaves Nagle's algorithm on for
    its connections and every keep-alive answer waits about 40 ms for a delayed ACK
    (uvicorn issue 3149). `share_port`: other sockets may bind the same port (SO_REUSEPORT),
    and the kernel shares the new connections out between them.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def worker_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker, all on `host:port` (port 0: one free port for all)."""
    first = listening_socket(host, port, share_port=True)
    sockets = [first]
    try:
        port = first.getsockname()[1]
        sockets += [listening_socket(host, port, share_port=True) for _ in range(workers - 1)]
        for sock in sockets:
            # Listening now, before any worker starts: a connection that comes early waits in
            # its socket's queue instead of being refused, or given to a socket nobody reads.
            sock.listen(2048)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def run_workers(config: uvicorn.Config, sockets: list[socket.socket]) -> int:
    """Serve `config`'s app with one worker process per socket until SIGINT or SIGTERM.

    A worker that dies is replaced, on the same socket; one that fails to start (its app
    could not load) stops the lot, since its replacement would fail the same way. Returns
    the exit status: 0, or uvicorn's start-up failure status.
    """
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    failed = False

    def start(sock: socket.socket) -> BaseProcess:
        process = context.Process(target=_worker, args=(config, sock), daemon=False)
        process.start()
        log.info("started worker process %s", process.pid)
        return process

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(sock) for sock in sockets]
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                process.join()
                if process.exitcode == STARTUP_FAILURE:
                    log.error("worker process %s could not start: stopping", process.pid)
                    failed = True
                    stop.set()
                    break
                log.warning(
                    "worker process %s ended (%s): starting another", process.pid, process.exitcode
                )
                processes[i] = start(sockets[i])
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return STARTUP_FAILURE if failed else 0


class _Stopped(Exception):
    """SIGINT or SIGTERM reached the server, which has then stopped."""


def serve_here(config: uvicorn.Config, sockets: list[socket.socket]) -> bool:
    """Serve `config`'s app in this process until SIGINT or SIGTERM; whether it started (or
    was stopped while starting).

    uvicorn finishes the requests under way on either signal, then raises the signal again
    with the handler it found: Python's own would end the process by SIGTERM (status 143)
    or with a KeyboardInterrupt traceback, where several workers' supervisor returns 0. With
    this handler the run ends there instead, so one worker stops as several do.
    """

    def stopped(signum: int, frame: FrameType | None) -> None:
        raise _Stopped

    previous = {sig: signal.signal(sig, stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = uvicorn.Server(config)
    try:
        server.run(sockets=sockets)
    except _Stopped:
        return True
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return server.started


def _worker(config: uvicorn.Config, sock: socket.socket) -> None:
    """One worker process: the app on its own socket."""
    config.configure_logging()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl+C reaches the whole process group: the parent stops us
        pass
