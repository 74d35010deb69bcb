"""Request checks and headers for the staff side and the API documentation: changes must come
from this site's own pages, and the documentation pages run only their own scripts."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import STAFF_API_PATH, STAFF_PATH
from locator.errors import ForeignOrigin, SafePlacesError

CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL (the default port left out), or None if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme not in _DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    shown = f":{port}" if port is not None and port != _DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{shown}"


def sent_from_here(scope: Scope, *, required: bool) -> bool:
    """Whether a request's Origin (or, without one, its Referer) is this site's own origin.

    Our own origin is the request's scheme and Host as the app sees them, after uvicorn has
    applied a trusted proxy's X-Forwarded-Proto. With neither header the answer is `not
    required`: browsers send Origin on every form post, scripts send nothing.
    """
    headers = Headers(scope=scope)
    sent = headers.get("origin")
    if sent is None and required:
        sent = headers.get("referer")
    if sent is None:
        return not required
    ours = origin_of(str(Request(scope).base_url))
    # "null" (an opaque origin: a sandboxed frame, a file) is never ours.
    return ours is not None and origin_of(sent) == ours


_PAGE_REFUSED = (
    "This form was sent from another website, so it was not saved. If you meant to make this "
    "change, open the staff pages on this site and try again."
)
_API_REFUSED = (
    "This request was sent from a page on another website, so nothing was changed. Scripts "
    "using an API token should send no Origin header."
)


class SameOriginChanges:
    """Refuse a change to the staff side that another website's page sent (CSRF).

    The session cookie is SameSite=Strict and every form has a CSRF token; this is the third
    guard, and the only one a future route can't forget. Staff pages (including log in and
    out) need an Origin or Referer of our own; the staff API, used by scripts, may send none,
    but a foreign one is refused. The refusal is answered by the app's own handler for domain
    errors: a page for a browser, problem+json for the API.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in CHANGING_METHODS:
            path = scope["path"]
            pages, api = _under(path, STAFF_PATH), _under(path, STAFF_API_PATH)
            if (pages or api) and not sent_from_here(scope, required=pages):
                await self._refuse(scope, receive, send, pages)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, page: bool) -> None:
        request = Request(scope, receive)
        error = ForeignOrigin(
            _PAGE_REFUSED if page else _API_REFUSED,
            log_message="change without this site's Origin or Referer",
        )
        handler = request.app.exception_handlers[SafePlacesError]
        response = await handler(request, error)
        await response(scope, receive, send)


# -- the API documentation pages: their own scripts only ----------------------------------------

_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def docs_policy(html: str, inline_styles: bool = False) -> str:
    """A CSP for a documentation page (Swagger UI, ReDoc, the OAuth redirect): scripts from
    this site and the page's own inline script and style blocks, by their SHA-256.

    The pages are built from fixed settings only (the title, /openapi.json, our static
    folder); nothing from the request is in them, so these are hashes of fixed text.
    `inline_styles` is for ReDoc, which writes its styles into <style> tags as it runs
    (styled-components): styles can't change what a script does, and scripts stay strict.
    """
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes[kind].append(f"'sha256-{digest}'")
    styles = hashes["style"]
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *hashes["script"]]),
            # A hash would switch 'unsafe-inline' off, so it is one or the other.
            " ".join(["style-src 'self'", *(["'unsafe-inline'"] if inline_styles else styles)]),
            "img-src 'self' data:",
            "worker-src 'self' blob:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class DocsPolicy:
    """Give the documentation pages (served by fastapi_offline, which sets no CSP) a policy
    made for them, from their own HTML."""

    def __init__(
        self, app: ASGIApp, paths: Iterable[str], inline_style_paths: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.inline_style_paths = frozenset(inline_style_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        body: list[bytes] = []

        async def with_policy(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message  # held until the whole page is here
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            page = b"".join(body)
            headers = MutableHeaders(scope=start)
            if headers.get("content-type", "").startswith("text/html"):
                styles = scope["path"] in self.inline_style_paths
                headers["Content-Security-Policy"] = docs_policy(page.decode(), styles)
            await send(start)
            await send({"type": "http.response.body", "body": page, "more_body": False})

        await self.app(scope, receive, with_policy)
