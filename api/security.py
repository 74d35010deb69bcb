"""Request checks and headers for the staff side and the API documentation: changes must come
from this site's own pages, and the documentation pages run only their own scripts."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

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
