"""The soak's clients, all on one event loop: public readers, staff editors, and a record of
every request's status and latency as the client saw it (body read in full)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

# Any answer slower than this is a stall: a person waiting on a phone gives up.
STALL_S = 1.0
# A stale edit (412) is read again and retried, at most this many times.
MAX_ATTEMPTS = 20

READ_KINDS = ("nearest", "find", "ogc-items", "healthz")
READ_WEIGHTS = (50, 25, 15, 10)


@dataclass(frozen=True, slots=True)
class Postcode:
    text: str
    lat: float
    lon: float


@dataclass
class Recorder:
    """Every request: status (0 for no answer at all) and seconds, by kind of request."""

    started: float = field(default_factory=time.perf_counter)
    # kind: [(status, seconds, started at: seconds into the soak)]
    samples: dict[str, list[tuple[int, float, float]]] = field(default_factory=dict)
    stalls: list[tuple[str, float, float, int]] = field(default_factory=list)  # kind, at, s, status
    failures: list[str] = field(default_factory=list)  # no answer, with why

    def now(self) -> float:
        return time.perf_counter() - self.started

    async def request(
        self, client: httpx.AsyncClient, kind: str, method: str, url: str, **options: Any
    ) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = await client.request(method, url, **options)
        except httpx.HTTPError as exc:
            self._add(kind, 0, time.perf_counter() - start, start)
            self.failures.append(f"{kind} at {start - self.started:.1f} s: {type(exc).__name__}")
            return None
        self._add(kind, response.status_code, time.perf_counter() - start, start)
        return response

    def _add(self, kind: str, status: int, seconds: float, start: float) -> None:
        self.samples.setdefault(kind, []).append((status, seconds, start - self.started))
        if seconds > STALL_S:
            self.stalls.append((kind, start - self.started, seconds, status))


def postcode_stream(postcodes: Sequence[Postcode], seed: int) -> Iterator[Postcode]:
    """A different postcode each time, in a random order (again, reshuffled, when all used)."""
    rng = random.Random(seed)
    order = list(postcodes)
    while True:
        rng.shuffle(order)
        yield from order


def _read_request(kind: str, code: Postcode, rng: random.Random) -> tuple[str, dict[str, str]]:
    if kind == "nearest":
        return "/api/v1/places/nearest", {"postcode": code.text}
    if kind == "find":
        return "/find", {"postcode": code.text}
    if kind == "ogc-items":
        # A GIS client panning over the county: a few kilometres around a postcode.
        collection = rng.choice(("safe-places", "safe-places", "police-enquiry-offices"))
        corners = (code.lon - 0.08, code.lat - 0.05, code.lon + 0.08, code.lat + 0.05)
        bbox = ",".join(f"{c:.5f}" for c in corners)
        return f"/ogc/collections/{collection}/items", {"bbox": bbox, "limit": "50"}
    return "/healthz", {}


async def reader(
    client: httpx.AsyncClient,
    rec: Recorder,
    postcodes: Iterator[Postcode],
    rng: random.Random,
    until: float,
    think_s: float,
) -> None:
    """A member of the public: search, read the answer, pause, search again."""
    await asyncio.sleep(rng.uniform(0, 1))  # people don't all arrive in the same instant
    while time.perf_counter() < until:
        kind = rng.choices(READ_KINDS, READ_WEIGHTS)[0]
        path, params = _read_request(kind, next(postcodes), rng)
        await rec.request(client, kind, "GET", path, params=params)
        await asyncio.sleep(rng.expovariate(1 / think_s))


@dataclass(frozen=True, slots=True)
class SavedEdit:
    """An edit the service answered 2xx for: what the client believes is saved."""

    editor: str  # the account's email, as the history records it
    place: str
    version: int
    field: str
    value: str
    at: float


@dataclass
class EditorStats:
    email: str
    saved: int = 0
    retries_412: int = 0
    gave_up: int = 0  # still stale after MAX_ATTEMPTS
    failed: int = 0  # any other answer, or none


@dataclass
class Editor:
    """A council officer's script: read a place, change a detail with If-Match, and on 412
    read it again and send the change again on the new version, as a real client would."""

    client: httpx.AsyncClient
    rec: Recorder
    number: int
    stats: EditorStats
    hot: Sequence[str]  # places every editor changes
    own: Sequence[str]  # places only this editor changes
    saved: list[SavedEdit]
    rng: random.Random
    edits: int = 0

    def change(self) -> tuple[str, str]:
        """The next change: a note or a phone number no other edit uses."""
        self.edits += 1
        if self.edits % 2:
            return (
                "accessibility_notes",
                f"Quiet room on request (editor {self.number}, {self.edits})",
            )
        return "phone", f"01629 5{self.number % 10}{self.edits % 10_000:04d}"

    async def run(self, until: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, 1))
        while time.perf_counter() < until:
            places = self.hot if self.rng.random() < 0.5 else self.own
            place = self.rng.choice(places)
            await self.edit(place, *self.change())
            if self.edits % 5 == 0:
                await self.rec.request(
                    self.client, "staff-history", "GET", f"/api/v1/admin/places/{place}/history"
                )
            await asyncio.sleep(self.rng.uniform(0.1, 0.6))

    async def edit(self, place: str, name: str, value: str) -> None:
        path = f"/api/v1/admin/places/{place}"
        for _ in range(MAX_ATTEMPTS):
            read = await self.rec.request(self.client, "staff-read", "GET", path)
            if read is None or read.status_code != 200:
                self.stats.failed += 1
                return
            sent = await self.rec.request(
                self.client,
                "staff-edit",
                "PATCH",
                path,
                json={name: value},
                headers={"If-Match": read.headers["etag"]},
            )
            if sent is not None and sent.status_code == 412:
                self.stats.retries_412 += 1
                continue
            if sent is None or not sent.is_success:
                self.stats.failed += 1
                return
            version = int(sent.json()["version"])
            self.saved.append(
                SavedEdit(self.stats.email, place, version, name, value, self.rec.now())
            )
            self.stats.saved += 1
            return
        self.stats.gave_up += 1


async def loop_lag(until: float, lags: list[float], every_s: float = 0.05) -> None:
    """How late this event loop wakes up: if the client itself is overloaded, its latencies
    are not the service's, and this says so."""
    while time.perf_counter() < until:
        start = time.perf_counter()
        await asyncio.sleep(every_s)
        lags.append(time.perf_counter() - start - every_s)
