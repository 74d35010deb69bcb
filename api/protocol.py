"""uvicorn's HTTP/1.1 protocol (httptools), sending each answer's head and body in one write.

uvicorn writes an answer's status line and headers when the app sends `http.response.start`,
and its body when the app sends `http.response.body`: two writes, two TCP segments and two
system calls for every answer, where nearly every answer of this service is one body (a
JSON search, a page). Here the head waits for the first write that follows it, and goes out
with it, in one write (`writelines`, which on Python 3.11 joins the two into one buffer
first: a copy of the answer in memory, and one system call). Nothing else changes: the same
bytes, in the same order, on the same connection.

The head is not held where something else may have to go first or nothing may follow:

- a request that asks for `100 Continue` (the interim answer is written while the app
  reads the body, and must not wait behind a head);
- HEAD (uvicorn writes no body for it, so there would be no write to go with).

An answer that ends without a body write (the app failed after its head, or the connection
is closed) has its head written before the transport closes, as it was before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


class HeadWithBody:
    """A transport for one answer: its first write (the head) is held and written together
    with the next (the body's first part); everything else is the connection's own."""

    __slots__ = ("_transport", "_head")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._head: bytes | None = None  # None: nothing written yet; b"": the head has gone

    def write(self, data: bytes) -> None:
        head = self._head
        if head is None:
            self._head = data
            return
        if head:
            self._head = b""
            self._transport.writelines((head, data))
            return
        self._transport.write(data)

    def flush(self) -> None:
        """Write a held head now."""
        if self._head:
            head, self._head = self._head, b""
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # the rest of the transport's interface
        return getattr(self._transport, name)


class OneWriteHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol (`uvicorn.Config(http=OneWriteHttp)`), each answer's
    head written with its body."""

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        if not cycle.waiting_for_100_continue and cycle.scope["method"] != "HEAD":
            cycle.transport = HeadWithBody(self.transport)  # type: ignore[assignment]
        super()._start_asgi_task(cycle, app)
