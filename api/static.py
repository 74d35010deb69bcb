"""Static files served by the app itself (no CDN), with caching, and site-wide headers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import xstatic.pkg.leaflet
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import STAFF_PATH
from api.security import CHANGING_METHODS, DocsPolicy, SameOriginChanges

STATIC_DIR = Path(__file__).parent / "static"
# Leaflet from its PyPI packaging (XStatic-Leaflet), so nothing is fetched from a CDN.
LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)


class CachedStatic(StaticFiles):
    """Static files a browser may keep for a day (they change only with a release)."""

    async def get_response(self, path: str, scope: Scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


# The browser features a page may use: only "Use my location" needs one (this site's own
# pages, never a frame); the rest are off, so no script could ever turn them on.
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        *(
            f"{feature}=()"
            for feature in (
                "camera", "microphone", "payment", "usb", "serial", "bluetooth", "midi",
                "magnetometer", "gyroscope", "accelerometer", "display-capture",
                "browsing-topics", "interest-cohort",
            )
        ),
    ]
)  # fmt: skip


def _is_staff(path: str) -> bool:
    return path == STAFF_PATH or path.startswith(STAFF_PATH + "/")


def referrer_policy(path: str) -> str:
    """No page tells another site it sent a visitor. Staff pages keep Origin and Referer on
    their own form posts, which the staff side checks (a no-referrer page's posts say
    `Origin: null`): same-origin sends them here and nowhere else."""
    return "same-origin" if _is_staff(path) else "no-referrer"


# A year: browsers go straight to https:// for this site, even from a typed http:// address.
HSTS = "max-age=31536000"

Header = tuple[bytes, bytes]
_CSP = b"content-security-policy"
_FRAME_OPTIONS = b"x-frame-options"
_DENY = (_FRAME_OPTIONS, b"DENY")
_VARY = b"vary"


def set_header(headers: list[Header], name: bytes, value: bytes) -> None:
    """`name: value` in place of every header of that name (at the first one's place), else
    at the end: what Starlette's `MutableHeaders[name] = value` does, on a raw list."""
    found = [i for i, (key, _) in enumerate(headers) if key == name]
    for i in reversed(found[1:]):
        del headers[i]
    if found:
        headers[found[0]] = (name, value)
    else:
        headers.append((name, value))


def _security_set(staff: bool, https: bool) -> tuple[Header, ...]:
    pairs = [
        ("referrer-policy", "same-origin" if staff else "no-referrer"),
        ("x-content-type-options", "nosniff"),
        # Only over HTTPS (directly, or a trusted proxy's X-Forwarded-Proto): a browser
        # ignores it over HTTP, and a local `make run` must stay reachable by http://.
        *([("strict-transport-security", HSTS)] if https else []),
        ("permissions-policy", PERMISSIONS_POLICY),
    ]
    return tuple((name.encode(), value.encode()) for name, value in pairs)


class SecurityHeaders:
    """Headers every response carries: no referrer leaves the site, no MIME sniffing, no
    browser features beyond the one the pages use, and HTTPS only once it was used.

    Pure ASGI, and cheap: the four sets of headers (staff or not, HTTPS or not) are made
    once, as bytes, and put on each answer in one pass over its headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._sets = {
            (staff, https): _security_set(staff, https)
            for staff in (False, True)
            for https in (False, True)
        }
        self._names = frozenset(name for name, _ in self._sets[(True, True)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.added(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._with(message.get("headers", ()), added)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def added(self, scope: Scope) -> tuple[Header, ...]:
        """The headers a request's answer gets (staff or not, HTTPS or not)."""
        return self._sets[(_is_staff(scope["path"]), scope.get("scheme") == "https")]

    def with_headers(self, headers: Iterable[Header], added: tuple[Header, ...]) -> list[Header]:
        """An answer's headers with `added` (from `added`) put on them."""
        return self._with(headers, added)

    def _with(self, headers: Iterable[Header], added: tuple[Header, ...]) -> list[Header]:
        out = list(headers)
        policy: bytes | None = None
        framed = ours = False
        for name, value in out:
            if name == _CSP and policy is None:
                policy = value
            elif name == _FRAME_OPTIONS:
                framed = True
            elif name in self._names:
                ours = True
        if ours:  # the route set one of them itself: ours replace it
            for name, value in added:
                set_header(out, name, value)
        else:
            out += added
        # Nothing may be framed, except a page whose CSP names who may frame it (the
        # embeddable map): X-Frame-Options can't list origins, so it is left off there.
        policy = policy or b""
        if not framed and (b"frame-ancestors" not in policy or b"frame-ancestors 'none'" in policy):
            out.append(_DENY)
        return out


def _has_header(scope: Scope, wanted: bytes) -> bool:
    return any(name == wanted for name, _ in scope["headers"])


class PublicCORS:
    """CORS for the public, read-only parts (the JSON API, open data, OGC API - Features),
    for the configured partner origins and GET only. Staff routes never answer CORS.

    A request with an Origin (a partner page's script) is answered by Starlette's CORS
    middleware; one without (a phone's page, a server, a monitor: most) gets what that
    middleware would give it, `Vary: Origin`, without its per-request work.
    """

    PUBLIC = ("/api/v1/", "/ogc")
    PRIVATE = ("/api/v1/admin",)
    OPEN = "/oruk"

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET"],
            # Conditional requests for the open data, and their answers' headers, in scripts.
            allow_headers=["If-None-Match", "If-Modified-Since"],
            expose_headers=["ETag", "Last-Modified", "Link"],
            allow_credentials=False,
            max_age=3600,
        )

        # The Open Referral UK feed: open to every site, as the profile asks (no credentials,
        # GET only, nothing but public directory data under it).
        self.open = CORSMiddleware(
            app, allow_origins=["*"], allow_methods=["GET"], allow_credentials=False, max_age=3600
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if self.is_open(path):
            await self.open(scope, receive, _any_origin(send))
        elif not self.is_public(path):
            await self.app(scope, receive, send)
        elif _has_header(scope, b"origin"):
            await self.cors(scope, receive, send)
        else:

            async def vary_origin(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = _varies_by_origin(message.get("headers", ()))
                await send(message)

            await self.app(scope, receive, vary_origin)

    @classmethod
    def is_public(cls, path: str) -> bool:
        """A path CORS answers for the partner origins (the open feed's aside)."""
        return path.startswith(cls.PUBLIC) and not path.startswith(cls.PRIVATE)

    @classmethod
    def is_open(cls, path: str) -> bool:
        """A path of the open feed (every origin)."""
        return path == cls.OPEN or path.startswith(cls.OPEN + "/")


def _varies_by_origin(headers: Iterable[Header]) -> list[Header]:
    """`Vary: Origin` added, as Starlette's CORS middleware adds it to an answer without one."""
    out = list(headers)
    varies = [value for name, value in out if name == _VARY]
    set_header(out, _VARY, b", ".join([*varies, b"Origin"]))
    return out


class SiteHeaders:
    """The site's own headers and checks in one layer: what `SecurityHeaders(DocsPolicy(
    SameOriginChanges(PublicCORS(app))))` answers, each request's headers put on in one pass.

    Most requests (not a documentation page, not the open feed, no change asked for, and on
    the public API no Origin) meet none of the checks and get only headers: those go through
    one send wrapper that adds what PublicCORS and then SecurityHeaders would. The rest go
    through those four middlewares themselves.
    """

    def __init__(
        self,
        app: ASGIApp,
        origins: Sequence[str],
        docs_paths: Iterable[str],
        inline_style_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)
        self.headers = SecurityHeaders(
            DocsPolicy(SameOriginChanges(PublicCORS(app, origins)), docs_paths, inline_style_paths)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the four pass everything else on as it is
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        public = PublicCORS.is_public(path)
        if (
            path in self.docs_paths
            or scope["method"] in CHANGING_METHODS
            or PublicCORS.is_open(path)
            or (public and _has_header(scope, b"origin"))
        ):
            await self.headers(scope, receive, send)
            return
        security = self.headers
        added = security.added(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if public:
                    headers = _varies_by_origin(headers)
                message["headers"] = security.with_headers(headers, added)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _any_origin(send: Send) -> Send:
    """Every answer says ``Access-Control-Allow-Origin: *``, asked with an Origin or not."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers.setdefault("Access-Control-Allow-Origin", "*")
        await send(message)

    return sender


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110), for link checkers, monitors and `curl -I`.

    The routes are declared for GET only; a HEAD request is answered as a GET whose headers
    (Content-Length included) are sent and whose body is not.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
