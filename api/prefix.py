"""Serving under a path prefix behind a proxy (``SAFEPLACES_SERVER__ROOT_PATH=/safeplaces``).

The proxy strips the prefix, so routes, the staff checks and the logs all see the paths they
always see. The prefix goes back on what the browser is given: links made with ``url_for`` and
``base_url`` (through the ASGI ``app_root_path``), the templates' links (``root``), redirects'
``Location`` and the staff cookies' ``Path``, here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_COOKIE_PATH = re.compile(rb"(;\s*path=)/", re.IGNORECASE)


class UnderPrefix:
    """Pure ASGI middleware, installed only when there is a prefix."""

    def __init__(self, app: ASGIApp, prefix: str, root_path_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.prefix = prefix
        self._prefix = prefix.encode()
        # Pages that read the prefix as the ASGI root_path (fastapi_offline's /docs).
        self._root_path_paths = frozenset(root_path_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["app_root_path"] = self.prefix
        if scope["path"] in self._root_path_paths:
            scope["root_path"] = self.prefix

        async def send_prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [self._header(k, v) for k, v in message.get("headers", ())]
            await send(message)

        await self.app(scope, receive, send_prefixed)

    def _header(self, name: bytes, value: bytes) -> tuple[bytes, bytes]:
        # The app's own redirects name paths from its root (a full URL already has the prefix).
        if name == b"location" and value.startswith(b"/") and not value.startswith(b"//"):
            value = self._prefix + value
        elif name == b"set-cookie":
            value = _COOKIE_PATH.sub(rb"\1" + self._prefix + b"/", value)
        return name, value
