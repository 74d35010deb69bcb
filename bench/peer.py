"""The minimal peer: what a plain FastAPI app answering the same question costs.

`python -m bench.peer --port N` serves `/api/v1/places/nearest?postcode=…` the way one would
write it with no framework of our own: the postcodes in a dict, the active places in scipy's
cKDTree over British National Grid metres (EPSG:27700), the answer built from each place's
JSON fields (made once at start) and sent with orjson. It reads the same postcode file and the
same place database as the service it is compared with, answers with the same JSON fields (the
top places plus the nearest police enquiry office), and runs under the same uvicorn settings
(1 worker, the same socket, loop, HTTP parser and protocol: api/protocol.py, each answer's head
and body in one write), so the difference is the service's own work.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import shapely
from fastapi import FastAPI, Response
from scipy.spatial import cKDTree

from api.schemas import PlaceOut
from api.settings import Settings
from geodata.boundaries import load_service_area
from geodata.gazetteer import Gazetteer
from geodata.store import PlaceStore
from locator.geo import wgs84_to_bng
from locator.hours import describe_unknown
from locator.venues import Kind, Status, Venue

NOT_FOUND = orjson.dumps({"title": "Postcode not found", "status": 404})


@dataclass(frozen=True, slots=True)
class Places:
    """One kind of place: a cKDTree over its grid points, and each place's fixed JSON fields."""

    tree: cKDTree
    venues: list[Venue]
    fields: list[dict[str, Any]]

    @classmethod
    def of(cls, venues: list[Venue]) -> Places:
        lon = np.array([v.longitude for v in venues], dtype=np.float64)
        lat = np.array([v.latitude for v in venues], dtype=np.float64)
        x, y = wgs84_to_bng(lon, lat)
        fields = [PlaceOut.of(v).model_dump(mode="json") for v in venues]
        return cls(cKDTree(np.column_stack([x, y])), venues, fields)


@dataclass(frozen=True, slots=True)
class PeerData:
    """Postcode → (label, lat, lon, x, y, in the area) in a dict; the places in two trees."""

    postcodes: dict[str, tuple[str, float, float, float, float, bool]]
    safe_places: Places
    police: Places
    per_minute: float  # metres walked a minute
    max_radius_m: float


def load(settings: Settings) -> PeerData:
    """Everything the peer answers from, read with the project's own readers."""
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    area = load_service_area(data.path(data.boundaries_file))
    codes = gazetteer.postcodes().tolist()
    lon, lat = gazetteer.coordinates()
    x, y = wgs84_to_bng(lon, lat)
    inside = shapely.intersects_xy(area.geometry, x, y).tolist()
    rows = zip(codes, lat.tolist(), lon.tolist(), x.tolist(), y.tolist(), inside, strict=True)
    postcodes = {row[0].replace(" ", ""): row for row in rows}
    venues = PlaceStore.open(settings.database).venues()
    active = [v for v in venues if v.status is Status.ACTIVE]
    search = settings.search
    return PeerData(
        postcodes,
        Places.of([v for v in active if v.kind is Kind.SAFE_PLACE]),
        Places.of([v for v in active if v.kind is Kind.POLICE_ENQUIRY_OFFICE]),
        search.walking_speed_kmh * 1000 / 60,
        search.max_radius_m,
    )


def _place(places: Places, i: int, metres: float, per_minute: float, now: datetime) -> Any:
    v = places.venues[i]
    found = {**places.fields[i], "distance_m": round(metres, 1)}
    found["walk_minutes"] = round(metres / per_minute) or 1
    if v.opening_hours is None:
        found.update(open_now=None, opening_status=describe_unknown(), opens_at=None)
        found["closes_at"] = None
    else:
        status = v.opening_hours.status(now)
        found.update(open_now=status.open_now, opening_status=status.describe(now))
        found.update(opens_at=status.opens_at, closes_at=status.closes_at)
    return found


def answer(data: PeerData, postcode: str, k: int = 5) -> bytes | None:
    """The nearest places to a postcode as JSON, or None for a postcode not in the dict."""
    found = data.postcodes.get(postcode.upper().replace(" ", ""))
    if found is None:
        return None
    label, lat, lon, x, y, inside = found
    now = datetime.now(UTC)
    metres, ids = data.safe_places.tree.query((x, y), k=k, distance_upper_bound=data.max_radius_m)
    places = [
        _place(data.safe_places, i, m, data.per_minute, now)
        for m, i in zip(metres.tolist(), ids.tolist(), strict=True)
        if m != np.inf
    ]
    police_m, police_i = data.police.tree.query((x, y), k=1)
    police = _place(data.police, int(police_i), float(police_m), data.per_minute, now)
    origin = {"label": label, "latitude": lat, "longitude": lon, "source": "postcode"}
    origin.update(approximate=False, terminated=False, message=None, outside=None)
    return orjson.dumps(
        {
            "origin": origin,
            "in_service_area": inside,
            "messages": [],
            "places": places,
            "nearest_police_enquiry_office": police,
        }
    )


def create_peer(settings: Settings) -> FastAPI:
    """The peer app: data loaded in its lifespan, one route (and /readyz to wait for)."""
    state: dict[str, PeerData] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["data"] = load(settings)
        yield

    app = FastAPI(lifespan=lifespan, openapi_url=None)

    @app.get("/api/v1/places/nearest")
    async def nearest(postcode: str) -> Response:
        body = answer(state["data"], postcode)
        if body is None:
            return Response(NOT_FOUND, status_code=404, media_type="application/problem+json")
        return Response(body, media_type="application/json")

    @app.get("/readyz")
    async def ready() -> Response:
        return Response(b'{"status":"ready"}', media_type="application/json")

    return app


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from api.protocol import OneWriteHttp
    from api.workers import listening_socket

    parser = argparse.ArgumentParser(prog="python -m bench.peer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # As `safeplaces serve` runs one worker (api/cli/lookup.py): the same socket (made as
    # TCP, so no Nagle delay), the same event loop and HTTP protocol, the same proxy
    # settings, no access log.
    settings = Settings()
    sock = listening_socket(args.host, args.port)
    config = uvicorn.Config(
        create_peer(settings),
        access_log=False,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips=settings.server.trusted_proxies,
        http=OneWriteHttp,
        loop=settings.server.loop,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
