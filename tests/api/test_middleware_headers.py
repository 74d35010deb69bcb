"""The site-wide middleware gives every answer exactly the headers Starlette's own tools would
(MutableHeaders, CORSMiddleware), and the access line reads as logging's default formatter
writes it."""

from __future__ import annotations

import logging
import time
import zlib

import aio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Message, Receive, Scope, Send

from api.compression import COMPRESS_LEVEL, Compression
from api.logging import PlainLines, PrivateAccessLog
from api.security import DocsPolicy, SameOriginChanges
from api.static import (
    HSTS,
    PERMISSIONS_POLICY,
    PublicCORS,
    SecurityHeaders,
    SiteHeaders,
    set_header,
)

Raw = list[tuple[bytes, bytes]]

_NAMES = st.sampled_from(
    [
        b"content-type",
        b"vary",
        b"referrer-policy",
        b"x-frame-options",
        b"content-security-policy",
        b"permissions-policy",
        b"strict-transport-security",
    ]
)
_VALUES = st.sampled_from(
    [b"text/html", b"Accept", b"origin", b"frame-ancestors 'none'", b"frame-ancestors x.org", b""]
)
_HEADERS = st.lists(st.tuples(_NAMES, _VALUES), max_size=6)


class _Answer:
    """A small ASGI app answering with the headers it is given."""

    def __init__(self, headers: Raw) -> None:
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(self.headers)})
        await send({"type": "http.response.body", "body": b"{}"})


def _start_headers(
    app: object,
    path: str,
    scheme: str = "http",
    origin: bytes | None = None,
    method: str = "GET",
) -> Raw:
    """Call an ASGI app once; the headers of its answer."""
    sent: list[Message] = []
    request = [(b"host", b"testserver")] + ([(b"origin", origin)] if origin else [])
    scope = {"type": "http", "method": method, "path": path, "scheme": scheme, "headers": request}

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    aio.run(app(scope, receive, send))  # type: ignore[operator]
    return list(sent[0]["headers"])


def _security_by_mutable_headers(raw: Raw, path: str, https: bool) -> Raw:
    """The headers as they were set with MutableHeaders, one at a time."""
    headers = MutableHeaders(raw=list(raw))
    staff = path == "/staff" or path.startswith("/staff/")
    headers["Referrer-Policy"] = "same-origin" if staff else "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    if https:
        headers["Strict-Transport-Security"] = HSTS
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    policy = headers.get("Content-Security-Policy", "")
    if "frame-ancestors" not in policy or "frame-ancestors 'none'" in policy:
        headers.setdefault("X-Frame-Options", "DENY")
    return headers.raw


@settings(max_examples=200, deadline=None)
@given(_HEADERS, _NAMES, _VALUES)
def test_set_header_is_mutable_headers_item_assignment(raw: Raw, name: bytes, value: bytes) -> None:
    expected = MutableHeaders(raw=list(raw))
    expected[name.decode()] = value.decode()
    got = list(raw)
    set_header(got, name, value)
    assert got == expected.raw


@settings(max_examples=200, deadline=None)
@given(_HEADERS, st.sampled_from(["/", "/staff", "/staff/places", "/staffing", "/api/v1/x"]))
def test_security_headers_are_those_set_one_at_a_time(raw: Raw, path: str) -> None:
    for scheme in ("http", "https"):
        got = _start_headers(SecurityHeaders(_Answer(raw)), path, scheme)
        assert got == _security_by_mutable_headers(raw, path, scheme == "https")


@settings(max_examples=100, deadline=None)
@given(_HEADERS, st.sampled_from([None, b"https://partner.example", b"https://other.example"]))
def test_public_cors_answers_as_starlettes_cors(raw: Raw, origin: bytes | None) -> None:
    def starlette(app: _Answer) -> CORSMiddleware:
        return PublicCORS(app, origins=["https://partner.example"]).cors

    for path in ("/api/v1/places/nearest", "/ogc/collections"):
        ours = _start_headers(
            PublicCORS(_Answer(raw), ["https://partner.example"]), path, origin=origin
        )
        theirs = _start_headers(starlette(_Answer(raw)), path, origin=origin)
        assert ours == theirs
    # Not public: no CORS headers at all, and no Vary added.
    assert _start_headers(PublicCORS(_Answer(raw), ["https://partner.example"]), "/find") == raw


_PATHS = [
    *("/", "/find", "/staff", "/staff/places", "/staffing", "/static/site.css", "/docs"),
    *("/redoc", "/docs/oauth2-redirect", "/api/v1/places/nearest", "/api/v1/admin/places"),
    *("/api/v1/", "/api/v1", "/ogc", "/ogc/collections", "/oruk", "/oruk/services", "/orukx"),
]


@settings(max_examples=300, deadline=None)
@given(
    _HEADERS,
    st.sampled_from(_PATHS),
    st.sampled_from(["GET", "HEAD", "OPTIONS", "POST"]),
    st.sampled_from([None, b"https://partner.example", b"https://other.example", b"null"]),
    st.sampled_from(["http", "https"]),
)
def test_site_headers_are_the_four_middlewares_headers(
    raw: Raw, path: str, method: str, origin: bytes | None, scheme: str
) -> None:
    """One layer, the same headers as SecurityHeaders(DocsPolicy(SameOriginChanges(
    PublicCORS))) on every kind of path, with and without an Origin, over HTTP and HTTPS.
    (A change to the staff side that another site sent is refused by the app's handler: the
    app tests check that, through this layer.)"""
    if method == "POST" and path.startswith(("/staff", "/api/v1/admin")):
        method = "GET"
    origins, docs = ["https://partner.example"], ["/docs", "/docs/oauth2-redirect", "/redoc"]
    four = SecurityHeaders(
        DocsPolicy(SameOriginChanges(PublicCORS(_Answer(raw), origins)), docs, ["/redoc"])
    )
    one = SiteHeaders(_Answer(raw), origins, docs, ["/redoc"])
    theirs = _start_headers(four, path, scheme, origin, method)
    assert _start_headers(one, path, scheme, origin, method) == theirs


def test_plain_lines_read_as_loggings_default_format() -> None:
    ours, default = PlainLines(), logging.Formatter(PlainLines.FORMAT)
    now = time.time()
    for created in (now, now + 0.001, now + 0.9991, now + 1.5, now + 3600.25, now - 86400):
        record = logging.LogRecord("safeplaces.access", logging.INFO, "", 0, "GET %s", ("/",), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert ours.format(record) == default.format(record)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("json_fields", [False, True])
def test_the_access_line_carries_its_fields_for_json_lines_only(json_fields: bool) -> None:
    handler, access = _Records(), logging.getLogger("safeplaces.access")
    access.addHandler(handler)
    level, disabled = access.level, access.disabled
    access.setLevel(logging.INFO)
    access.disabled = False
    try:
        _start_headers(PrivateAccessLog(_Answer([]), json_fields=json_fields), "/api/v1/ping")
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
        access.disabled = disabled
    (record,) = handler.records
    assert record.getMessage().startswith("GET <no route> 200 ")
    assert hasattr(record, "route") is json_fields


_TYPES = st.sampled_from(
    [None, b"application/json", b"text/html; charset=utf-8", b"image/png", b"font/woff2"]
    + [b"video/mp4", b"application/grpc+proto", b"text/event-stream", b"IMAGE/JPEG"]
)


class _Chunks:
    """An ASGI app answering in the given body chunks (the last with no more to come)."""

    def __init__(self, status: int, headers: Raw, chunks: list[bytes], pathsend: bool) -> None:
        self.status, self.headers, self.chunks, self.pathsend = status, headers, chunks, pathsend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A copy for each answer: a middleware may add to the headers it is given.
        headers = list(self.headers)
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        if self.pathsend:
            await send({"type": "http.response.pathsend", "path": "/dev/null"})
            return
        for i, chunk in enumerate(self.chunks):
            more = i < len(self.chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})


def _messages(app: object, accept: bytes | None) -> list[Message]:
    sent: list[Message] = []
    headers = [(b"accept-encoding", accept)] if accept is not None else []
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append({**message, "headers": list(message.get("headers", []))})

    aio.run(app(scope, receive, send))  # type: ignore[operator]
    return sent


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([200, 206, 404]),
    _TYPES,
    st.booleans(),
    st.lists(st.sampled_from([b"", b"x" * 10, b"{}" * 500]), min_size=1, max_size=3),
    st.sampled_from([None, b"gzip, br", b"br", b"identity"]),
    st.lists(st.sampled_from([b"Accept", b"Origin"]), max_size=2),
    st.booleans(),
)
def test_compression_answers_as_starlettes_gzip(
    status: int,
    media_type: bytes | None,
    encoded: bool,
    chunks: list[bytes],
    accept: bytes | None,
    varies: list[bytes],
    pathsend: bool,
) -> None:
    headers: Raw = [(b"content-type", media_type)] if media_type else []
    headers += [(b"content-encoding", b"br")] if encoded else []
    headers += [(b"vary", v) for v in varies]
    app = _Chunks(status, headers, chunks, pathsend)
    ours = _messages(Compression(app, minimum_size=800), accept)
    theirs = _messages(GZipMiddleware(app, minimum_size=800, compresslevel=COMPRESS_LEVEL), accept)
    assert _decoded(ours) == _decoded(theirs)


def _decoded(messages: list[Message]) -> list[Message]:
    """The messages with a gzip body as what it decompresses to, chunk by chunk (each chunk
    is flushed whole), and its length left out: zlib-ng and zlib compress differently."""
    start, *rest = messages
    headers = start.get("headers", [])
    if (b"content-encoding", b"gzip") not in headers:
        return messages
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    decoded = [{**m, "body": inflate.decompress(m["body"])} for m in rest]
    assert inflate.eof or rest[-1].get("more_body")
    kept = [(n, v) for n, v in headers if n != b"content-length"]
    return [{**start, "headers": kept}, *decoded]


def test_compression_is_gzip_a_browser_reads() -> None:
    """A page compresses to one gzip member that zlib reads back exactly, smaller than it was."""
    page = (b"<li>Matlock Library, Steep Turnpike</li>" * 900)[:36_000]
    app = _Chunks(200, [(b"content-type", b"text/html; charset=utf-8")], [page], False)
    start, body = _messages(Compression(app, minimum_size=800), b"gzip, deflate, br")
    assert (b"content-encoding", b"gzip") in start["headers"]
    assert (b"content-length", str(len(body["body"])).encode()) in start["headers"]
    assert zlib.decompress(body["body"], 16 + zlib.MAX_WBITS) == page
    assert len(body["body"]) < len(page) // 10
