"""The server's HTTP protocol (api.protocol): each answer's head goes out with its body in one
write, and the bytes on the wire are what uvicorn's own protocol sends."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import aio
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from live import serve
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from api.protocol import HeadWithBody, OneWriteHttp

BODY = b'{"places":[]}'


class FakeTransport:
    """Records every write, as the connection's transport would send it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes]] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", bytes(data)))

    def writelines(self, parts: Any) -> None:
        self.calls.append(("writelines", b"".join(parts)))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_protocol(self, protocol: Any) -> None:
        pass

    @property
    def sent(self) -> bytes:
        return b"".join(data for _, data in self.calls)


def test_the_head_waits_for_the_body() -> None:
    transport = FakeTransport()
    once = HeadWithBody(transport)  # type: ignore[arg-type]
    once.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert transport.calls == []
    once.write(b"body")
    once.write(b"more")
    assert transport.calls == [("writelines", b"HTTP/1.1 200 OK\r\n\r\nbody"), ("write", b"more")]


def test_an_empty_body_still_sends_the_head() -> None:
    transport = FakeTransport()
    once = HeadWithBody(transport)  # type: ignore[arg-type]
    once.write(b"HTTP/1.1 304 Not Modified\r\n\r\n")
    once.write(b"")
    assert transport.sent == b"HTTP/1.1 304 Not Modified\r\n\r\n"


def test_a_head_without_a_body_goes_out_before_the_close() -> None:
    transport = FakeTransport()
    once = HeadWithBody(transport)  # type: ignore[arg-type]
    once.write(b"HTTP/1.1 200 OK\r\n\r\n")
    once.close()
    assert transport.calls == [("write", b"HTTP/1.1 200 OK\r\n\r\n")]
    assert transport.closed


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/fail-after-head":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("after the head")
    if scope["path"] == "/chunks":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one", b"two"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    answer = body or BODY
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _exchange(protocol_class: type[HttpToolsProtocol], request: bytes) -> FakeTransport:
    """`request` through `protocol_class` on a fake connection, as uvicorn would run it."""

    async def run() -> FakeTransport:
        config = uvicorn.Config(_app, log_config=None, access_log=False)
        config.load()
        state = ServerState()
        protocol = protocol_class(config=config, server_state=state, app_state={})
        transport = FakeTransport()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        protocol.data_received(request)
        while state.tasks:
            await asyncio.gather(*state.tasks, return_exceptions=True)
        protocol._unset_keepalive_if_required()
        return transport

    return aio.run(run())


REQUESTS = {
    "get": b"GET /api HTTP/1.1\r\nHost: x\r\n\r\n",
    "head": b"HEAD /api HTTP/1.1\r\nHost: x\r\n\r\n",
    "post": b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd",
    "continue": b"POST /api HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
    b"Content-Length: 4\r\n\r\nabcd",
    "chunks": b"GET /chunks HTTP/1.1\r\nHost: x\r\n\r\n",
    "fails": b"GET /fail-after-head HTTP/1.1\r\nHost: x\r\n\r\n",
    "http/1.0": b"GET /api HTTP/1.0\r\n\r\n",
    "pipelined": b"GET /api HTTP/1.1\r\nHost: x\r\n\r\nGET /api HTTP/1.1\r\nHost: x\r\n\r\n",
}


def _without_date(data: bytes) -> bytes:
    return b"\r\n".join(line for line in data.split(b"\r\n") if not line.startswith(b"date: "))


@pytest.mark.parametrize("kind", sorted(REQUESTS))
def test_the_same_bytes_as_uvicorns_own_protocol(kind: str) -> None:
    ours = _exchange(OneWriteHttp, REQUESTS[kind])
    theirs = _exchange(HttpToolsProtocol, REQUESTS[kind])
    assert _without_date(ours.sent) == _without_date(theirs.sent)
    assert ours.closed == theirs.closed


def test_an_answer_is_one_write() -> None:
    transport = _exchange(OneWriteHttp, REQUESTS["get"])
    assert [kind for kind, _ in transport.calls] == ["writelines"]
    assert transport.sent.startswith(b"HTTP/1.1 200 OK\r\n")
    assert transport.sent.endswith(b"\r\n\r\n" + BODY)


def test_100_continue_is_not_held_behind_the_head() -> None:
    transport = _exchange(OneWriteHttp, REQUESTS["continue"])
    assert transport.calls[0] == ("write", b"HTTP/1.1 100 Continue\r\n\r\n")


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    app = FastAPI()

    @app.get("/json")
    async def json_answer() -> Response:
        return Response(BODY, media_type="application/json")

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        return Response(await request.body(), media_type="application/octet-stream")

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def parts() -> Any:
            for part in (b"a" * 70_000, b"b" * 10):
                yield part

        return StreamingResponse(parts(), media_type="text/plain")

    with serve(app) as url:
        yield url.removeprefix("http://")


def _ask(where: str, request: bytes, answers: int = 1) -> bytes:
    host, port = where.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        got = b""
        while got.count(b"HTTP/1.1 ") < answers or not _complete(got, answers):
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
        return got


def _complete(data: bytes, answers: int) -> bool:
    """Whether `data` holds `answers` whole answers (by Content-Length, or chunked's end)."""
    rest = data
    for _ in range(answers):
        head, found, rest = rest.partition(b"\r\n\r\n")
        if not found:
            return False
        lengths = [line for line in head.split(b"\r\n") if line.startswith(b"content-length:")]
        if lengths:
            size = int(lengths[0].split(b":")[1])
            if len(rest) < size:
                return False
            rest = rest[size:]
        else:
            end = rest.find(b"0\r\n\r\n")
            if end < 0:
                return False
            rest = rest[end + 5 :]
    return True


def test_a_real_server_answers_as_before(live: str) -> None:
    got = _ask(live, b"GET /json HTTP/1.1\r\nHost: x\r\n\r\n")
    assert got.startswith(b"HTTP/1.1 200 OK\r\n")
    assert got.endswith(b"\r\n\r\n" + BODY)

    two = b"GET /json HTTP/1.1\r\nHost: x\r\n\r\n" * 2
    assert _ask(live, two, answers=2).count(BODY) == 2

    head = _ask(live, b"HEAD /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405") or head.startswith(b"HTTP/1.1 200")
    assert head.endswith(b"\r\n\r\n")

    echoed = _ask(
        live,
        b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    )
    assert echoed.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert echoed.endswith(b"\r\n\r\nabc")

    streamed = _ask(live, b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b"transfer-encoding: chunked" in streamed
    assert streamed.count(b"a") >= 70_000 and streamed.endswith(b"0\r\n\r\n")
