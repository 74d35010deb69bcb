"""Conditional requests (RFC 9110 §8.8, §13): ETag and Last-Modified on the public data, and
304 Not Modified, with no body, when the copy a client or a cache has is still current.

An answer's ETag is made from what the answer is a function of, never from its bytes: the
data version (every committed edit moves it), the service's build and settings, and the
request (path, query in a normal order, the address links are made from, whether gzip is
accepted, and Accept where the format follows it). So a revalidation is answered before the
answer is built: nothing is built, read or hashed to say "not modified", and every worker
and replica serving the same data version gives the same tag. Strong, because the same
inputs give the same bytes (gzip included, as acceptance is part of the tag); weak for
answers that carry the moment they were made (OGC's `timeStamp`) and for HTML pages (each
carries its own script nonce).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.version import package_version
from geodata.datasets import Datasets
from geodata.opendata import last_change

log = logging.getLogger(__name__)

# Seconds to wait after the database failed to say when the data last changed.
RETRY_S = 60.0

# Public data: any cache may keep it, but must ask again each time (a 304 costs little), so a
# place staff suspend is gone from every copy at once.
PUBLIC = "public, no-cache"
# Answers that say where a person is (their postcode, their location): kept by nobody.
NO_STORE = "no-store"


# For a route's `responses=` in the OpenAPI document.
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified since the copy you have (If-None-Match or date)."}
}


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str
    last_modified: datetime | None = None

    def headers(self) -> dict[str, str]:
        found = {"ETag": self.etag}
        if self.last_modified is not None:
            found["Last-Modified"] = format_datetime(self.last_modified, usegmt=True)
        return found


def tag_of(*parts: object, weak: bool = False) -> str:
    """An entity tag for the answer these parts determine."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"' if weak else f'"{digest}"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison: `*`, or any listed tag equal to ours, W/ or not."""
    if if_none_match.strip() == "*":
        return True
    ours = _opaque(etag)
    return any(_opaque(tag) == ours for tag in if_none_match.split(","))


def _as_sent(if_none_match: str, etag: str) -> str:
    """The entry of If-None-Match that matched `etag`, in the form the client sent it."""
    ours = _opaque(etag)
    return next((t.strip() for t in if_none_match.split(",") if _opaque(t) == ours), etag)


def not_modified(request: Request, validators: Validators) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return matches(if_none_match, validators.etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or validators.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # a date we can't read is ignored, as the RFC says
    if since.tzinfo is None:
        return False
    # HTTP dates have whole seconds.
    return validators.last_modified.replace(microsecond=0) <= since


class DataStamps:
    """What every tag is also made from (the build, the settings, the reference data), and
    when the place data last changed, read once per data version.

    `last_change` reads the database's version and last change together; a time is kept only
    for the version the process serves, so Last-Modified never names an edit the answer lacks.
    The read never holds up an answer: while one request reads it, or for a minute after the
    database failed to answer, answers go without Last-Modified (the ETag validates alone).
    """

    def __init__(
        self, fingerprint: Callable[[], str], last_change: Callable[[], tuple[int, datetime]]
    ) -> None:
        self._fingerprint = fingerprint
        self.fingerprint: str | None = None  # worked out at the first conditional answer
        self._last_change = last_change
        self._lock = threading.Lock()
        self._known: tuple[int, datetime] | None = None
        self._retry_at = 0.0

    async def ready(self) -> None:
        """Work the fingerprint out (once, off the event loop: it reads the code)."""
        if self.fingerprint is None:
            self.fingerprint = await run_in_threadpool(self._fingerprint)

    def etag(self, request: Request, version: int | None, *parts: object, weak: bool) -> str:
        query = sorted(request.query_params.multi_items(), key=lambda item: item[0])
        gzip = "gzip" in request.headers.get("accept-encoding", "")
        where = (str(request.base_url), request.url.path)
        return tag_of(self.fingerprint, version, where, query, gzip, *parts, weak=weak)

    async def last_modified(self, version: int) -> datetime | None:
        known = self._known
        if known is not None and known[0] == version:
            return known[1]
        if time.monotonic() < self._retry_at:
            return None
        return await run_in_threadpool(self.learn, version)

    def learn(self, version: int) -> datetime | None:
        """When `version`'s data last changed, read now if not yet known. The server calls it
        as it starts and as each new version is swapped in, so answers don't have to."""
        if not self._lock.acquire(blocking=False):
            return None  # another request is reading it
        try:
            known = self._known
            if known is None or known[0] != version:
                try:
                    known = self._last_change()
                except Exception as exc:  # the database away: the ETag still validates
                    log.warning("no Last-Modified for a minute: %s", type(exc).__name__)
                    self._retry_at = time.monotonic() + RETRY_S
                    return None
                if known[0] != version:
                    return None  # the data has moved on; this process will catch up
                self._known = known
            return known[1]
        finally:
            self._lock.release()


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def conditional_route(
    base: type[APIRoute],
    cache_control: str,
    *,
    versioned: bool = True,
    vary_accept: bool = False,
    weak_paths: Iterable[str] = (),
) -> type[APIRoute]:
    """A route class whose GET answers carry validators and `cache_control`, and which
    answers a matching If-None-Match with 304 before the route runs.

    `versioned`: the answer follows the place data (else only the reference data, fixed
    while the process runs). `vary_accept`: the format follows the Accept header.
    `weak_paths`: routes whose answers carry the time they were made.
    """
    weak_set = frozenset(weak_paths)

    class ConditionalRoute(base):  # type: ignore[valid-type, misc]
        def get_route_handler(self) -> Handler:
            handler: Handler = super().get_route_handler()
            weak = self.path_format in weak_set

            async def route(request: Request) -> Response:
                stamps: DataStamps | None = getattr(request.app.state, "data_stamps", None)
                # HEAD comes as GET (api.static.HeadAsGet). No stamps: no data loaded yet
                # (an app read only for its OpenAPI documents).
                if request.method != "GET" or stamps is None:
                    return await handler(request)
                validators, headers = await _validators(
                    request, stamps, versioned, vary_accept, weak
                )
                headers["Cache-Control"] = cache_control
                sent = request.headers.get("if-none-match", "*")
                if sent.strip() != "*" and matches(sent, validators.etag):
                    # Our tag, as the client has it (W/ for a page: see below).
                    headers["ETag"] = _as_sent(sent, validators.etag)
                    return _not_modified(headers, vary_accept)
                response = await handler(request)
                if response.status_code != 200:
                    return response
                if response.headers.get("content-type", "").startswith("text/html"):
                    # A page carries its own script nonce: the same page, not the same bytes.
                    headers["ETag"] = "W/" + _opaque(validators.etag)
                response.headers.update(headers)
                if not_modified(request, validators):
                    return _not_modified(headers, vary_accept)
                return response

            return route

    return ConditionalRoute


async def _validators(
    request: Request, stamps: DataStamps, versioned: bool, vary_accept: bool, weak: bool
) -> tuple[Validators, dict[str, str]]:
    # The version is read before the route takes the live locator: a swap in between gives
    # newer data under the older tag (sent again next time), never older data under a newer.
    version = request.app.state.registry.data_version if versioned else None
    accept = request.headers.get("accept", "") if vary_accept else None
    await stamps.ready()
    validators = Validators(
        stamps.etag(request, version, accept, weak=weak),
        await stamps.last_modified(version) if version is not None else None,
    )
    return validators, validators.headers()


def _not_modified(headers: dict[str, str], vary_accept: bool) -> Response:
    """A 304 carries the validators and caching rules the 200 would have (RFC 9110 §15.4.5)."""
    vary = "Accept, Accept-Encoding" if vary_accept else "Accept-Encoding"
    return Response(status_code=304, headers={**headers, "Vary": vary})


def stamps_for(settings: BaseModel, datasets: Datasets) -> DataStamps:
    """The app's stamps: tags change with the code (a new build or release), other settings
    (the words, the links, the area) or other reference data, as well as with every edit."""
    reference = (len(datasets.gazetteer), len(datasets.national or ()))

    def fingerprint() -> str:
        text = f"{code_fingerprint()}|{settings.model_dump_json()}|{reference}"
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    return DataStamps(fingerprint, lambda: last_change(datasets.store))


@cache
def code_fingerprint() -> str:
    """The release and a hash of the code and templates that make the answers: the same in
    every replica running the same build, another after any change to it (a few ms, once)."""
    digest = hashlib.blake2b(package_version().encode(), digest_size=16)
    root = Path(__file__).resolve().parents[1]
    for package in ("api", "geodata", "locator"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".html", ".j2") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
