"""Static files served by the app itself (no CDN), with caching, and site-wide headers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xstatic.pkg.leaflet
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import STAFF_PATH

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


def referrer_policy(path: str) -> str:
    """No page tells another site it sent a visitor. Staff pages keep Origin and Referer on
    their own form posts, which the staff side checks (a no-referrer page's posts say
    `Origin: null`): same-origin sends them here and nowhere else."""
    staff = path == STAFF_PATH or path.startswith(STAFF_PATH + "/")
    return "same-origin" if staff else "no-referrer"


# A year: browsers go straight to https:// for this site, even from a typed http:// address.
HSTS = "max-age=31536000"


class SecurityHeaders:
    """Headers every response carries: no referrer leaves the site, no MIME sniffing, no
    browser features beyond the one the pages use, and HTTPS only once it was used."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Referrer-Policy"] = referrer_policy(scope["path"])
                headers["X-Content-Type-Options"] = "nosniff"
                # Only over HTTPS (directly, or a trusted proxy's X-Forwarded-Proto): a browser
                # ignores it over HTTP, and a local `make run` must stay reachable by http://.
                if scope.get("scheme") == "https":
                    headers["Strict-Transport-Security"] = HSTS
                headers["Permissions-Policy"] = PERMISSIONS_POLICY
                # Nothing may be framed, except a page whose CSP names who may frame it (the
                # embeddable map): X-Frame-Options can't list origins, so it is left off there.
                policy = headers.get("Content-Security-Policy", "")
                if "frame-ancestors" not in policy or "frame-ancestors 'none'" in policy:
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PublicCORS:
    """CORS for the public, read-only parts (the JSON API, open data, OGC API - Features),
    for the configured partner origins and GET only. Staff routes never answer CORS."""

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
        if path == self.OPEN or path.startswith(self.OPEN + "/"):
            await self.open(scope, receive, _any_origin(send))
        elif path.startswith(self.PUBLIC) and not path.startswith(self.PRIVATE):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


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
