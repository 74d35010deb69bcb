"""gzip for the clients that ask for it, and nothing but a header for those that don't.

Pages, scripts and JSON compress well on a slow phone connection. Starlette's GZipMiddleware
decides per answer, by the same rules as here; but it builds its helper objects for every
request, those of clients that never asked for gzip (servers, scripts, monitors) included.
Here a client that asks is answered by Starlette's gzip responder, compressing with zlib-ng;
one that doesn't gets what that middleware would give it (the answer as it was, and `Vary:
Accept-Encoding` on one that could have been compressed) in one check of the answer's first
message.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from zlib_ng import zlib_ng

from api.static import set_header

_ACCEPT_ENCODING = b"accept-encoding"
_CONTENT_ENCODING = b"content-encoding"
_CONTENT_TYPE = b"content-type"
_VARY = b"vary"
_EXCLUDED = frozenset(DEFAULT_EXCLUDED_CONTENT_TYPES)

# zlib-ng's level 2: a results page (36 KB) compresses to 7.9 KB in 125-150 us, where the
# standard library's zlib at level 4 took about 260 us for 7.2 KB (level 6, 490 us for 6.9
# KB), each page a different postcode's (compressing one page again and again reads half as
# much: the processor learns it); zlib-ng's level 1 takes about 70 us for 9.9 KB, level 4
# about 210 us for 7.1 KB. 2 KB is tens of milliseconds on the slowest phone connection, so
# the phone's wait weighs more than the server's 60 us. The bytes after decompression are the
# same at every level.
COMPRESS_LEVEL = 2
_GZIP_WBITS = 16 + zlib_ng.MAX_WBITS


def accepts_gzip(scope: Scope) -> bool:
    """As Starlette reads it: the first Accept-Encoding header names gzip."""
    for name, value in scope["headers"]:
        if name == _ACCEPT_ENCODING:
            return b"gzip" in value
    return False


def _left_alone(start: Message) -> bool:
    """An answer no middleware compresses: already encoded, a part of a file, or a type that
    is compressed already (images, fonts, archives) or must stream (event streams)."""
    if start["status"] == 206:
        return True
    media_type = ""
    for name, value in start.get("headers", ()):
        if name == _CONTENT_ENCODING:
            return True
        if name == _CONTENT_TYPE and not media_type:
            media_type = value.decode("latin-1").partition(";")[0].strip().lower()
    if media_type.startswith("application/grpc+"):
        return True
    return media_type in _EXCLUDED or media_type.partition("/")[0] + "/*" in _EXCLUDED


class Compression:
    """Pure ASGI middleware: Starlette's gzip for a client that accepts it."""

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif accepts_gzip(scope):
            await _Gzip(self.app, self.minimum_size, COMPRESS_LEVEL)(scope, receive, send)
        else:
            await self.app(scope, receive, _Uncompressed(send, self.minimum_size).send)


class _Gzip(GZipResponder):
    """Starlette's gzip responder (its rules for what it compresses, its headers, large
    bodies compressed in a thread), its gzip made by zlib-ng."""

    @property
    def compressor(self) -> Any:
        if self._compressor is None:
            # zlib-ng's compressor has the methods of zlib's that Starlette calls.
            self._compressor = zlib_ng.compressobj(  # type: ignore[assignment]
                self.compresslevel, zlib_ng.DEFLATED, _GZIP_WBITS
            )
        return self._compressor


class _Uncompressed:
    """One answer to a client that did not ask for gzip: sent as it is, with `Vary:
    Accept-Encoding` where a client that asked would have had it compressed."""

    __slots__ = ("_send", "_minimum_size", "_start", "_decided")

    def __init__(self, send: Send, minimum_size: int) -> None:
        self._send = send
        self._minimum_size = minimum_size
        self._start: Message | None = None
        self._decided = False  # the start has gone, as it is or with Vary

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if _left_alone(message):
                self._decided = True
                await self._send(message)
            else:
                self._start = message  # held: whether it varies depends on the body
            return
        start = self._start
        if self._decided or start is None or kind not in _BODIES:
            await self._send(message)
            return
        self._decided = True
        if kind == "http.response.body" and (
            len(message.get("body", b"")) >= self._minimum_size or message.get("more_body")
        ):
            headers = list(start.get("headers", ()))
            varies = [value for name, value in headers if name == _VARY]
            set_header(headers, _VARY, b", ".join([*varies, b"Accept-Encoding"]))
            start["headers"] = headers
        await self._send(start)
        await self._send(message)


_BODIES = frozenset({"http.response.body", "http.response.pathsend"})
