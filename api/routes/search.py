"""Public search routes: the one search box, type-ahead and nearest places."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.openapi.models import Example
from fastapi.routing import APIRoute

from api.cache import ResponseCache
from api.conditional import NO_STORE
from api.deps import (
    LocatorDep,
    NowDep,
    ResolverDep,
    current_time,
)
from api.nearest_json import NearestJson
from api.openapi import problems
from api.params import kinds_and_categories, only_once
from api.query import QueryItems, QueryReader, query_items
from api.route_rules import NoStoreRoute
from api.schemas import ChoiceOut, NearestOut, OriginOut, PlaceNameOut, SearchOut
from api.searching import search_places
from geodata.resolver import LocationResolver
from locator.hours import LONDON
from locator.origin import Choices
from locator.search import Locator, SearchRequest
from locator.venues import Category, Kind

# Every answer here says where someone is or what they typed: no cache keeps it.
router = APIRouter(prefix="/api/v1", tags=["search"], route_class=NoStoreRoute)

# 503: a place name sent to the online geocoder (when it is on) that doesn't answer.
_ERRORS = problems(400, 404, 409, 422, 503)


def _example(summary: str, value: object) -> dict[str, Example]:
    return {"example": Example(summary=summary or "Matlock", value=value)}


# An ambiguous name is an answer here (status "choices"), not a 409.
@router.get("/search", response_model=SearchOut, responses=problems(400, 404, 422, 503))
def find_location(
    request: Request,
    resolver: ResolverDep,
    q: Annotated[
        str,
        Query(
            description="A postcode or a town, village or area name.",
            openapi_examples=_example("A town", "Matlock"),
            max_length=200,
        ),
    ],
) -> SearchOut:
    """One box for a postcode or a place name: the location, or the choices if it's ambiguous."""
    only_once(request.query_params, "q")
    found = resolver.resolve(q)
    if isinstance(found, Choices):
        return SearchOut(
            status="choices",
            message=found.message,
            choices=[ChoiceOut.of(p) for p in found.options],
        )
    return SearchOut(status="found", origin=OriginOut.of(found), message=found.message)


@router.get("/placenames", response_model=PlaceNameOut, responses=problems(400, 422))
def suggest_place_names(
    resolver: ResolverDep,
    prefix: Annotated[
        str, Query(min_length=1, max_length=100, openapi_examples=_example("Type-ahead", "Mat"))
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> PlaceNameOut:
    """Place names that start with `prefix`, for type-ahead; Derbyshire places first."""
    return PlaceNameOut(
        suggestions=[ChoiceOut.of(p) for p in resolver.places.prefix(prefix, limit)]
    )


# The texts pydantic reads as true (any case): an "open now" search is keyed by its minute.
_TRUE = frozenset(("1", "on", "t", "true", "y", "yes"))


def _cache_key(
    now: datetime, items: QueryItems
) -> tuple[datetime | None, tuple[tuple[str, str], ...]]:
    """A search's key in the cache: its query as sent, and for an "open now" search the
    minute it is asked in (other answers carry their own end: `valid_until`)."""
    open_now = any(name == "open_now" and value.lower() in _TRUE for name, value in items)
    return (now.replace(second=0, microsecond=0) if open_now else None), tuple(items)


class _JsonAnswer(Response):
    """The JSON answer, no-store: the headers `Response(body, media_type="application/json",
    headers={"Cache-Control": NO_STORE})` has, in its order, made without reading a mapping
    of them (every search)."""

    media_type = "application/json"

    def __init__(self, body: bytes) -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [_NO_STORE_RAW, (b"content-length", b"%d" % len(body)), _JSON_RAW]


_NO_STORE_RAW = (b"cache-control", NO_STORE.encode("latin-1"))
_JSON_RAW = (b"content-type", b"application/json")


class CachedSearchRoute(APIRoute):
    """Answers a nearest-places search itself, without FastAPI's per-request work.

    Most searches are new (every person types their own postcode), and for a search answered
    in a fraction of a millisecond, solving the endpoint's dependencies and checking each
    parameter on its own costs more than the search. So the query string is read once, the
    cache looked in first (a kept answer came from the same query string, which was valid
    then, so it needn't be read again), and a search not kept has its parameters read by one
    model made from `nearest_places`'s own signature (the same checks, the same 422), and is
    answered here.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        reader = QueryReader(self.dependant.query_params)

        async def route(request: Request) -> Response:
            # What `get_search_cache`, `get_locator` and `current_time` give, read here.
            app = request.scope["app"]
            state = app.state
            cache: ResponseCache = state.search_cache
            locator: Locator = state.registry.current
            now = datetime.now(LONDON) if not app.dependency_overrides else None
            if now is None:  # tests fix the time
                now = await current_time(request)
            items = query_items(request.scope["query_string"])
            key = _cache_key(now, items)
            body = cache.get(locator, key, now)
            if body is None:
                asked = _asked(**reader.read(items))
                body, until = await _answer(request, asked, locator, now)
                # Only answers are kept, never errors.
                cache.put(locator, key, body, until)
            return _JsonAnswer(body)

        return route


async def nearest_places(
    request: Request,
    locator: LocatorDep,
    now: NowDep,
    postcode: Annotated[
        str | None, Query(max_length=20, openapi_examples=_example("Matlock", "DE4 3AG"))
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="A postcode or place name.",
            openapi_examples=_example("A place name", "Chapel-en-le-Frith"),
        ),
    ] = None,
    lat: Annotated[
        float | None, Query(description="Latitude, WGS84", openapi_examples=_example("", 53.1385))
    ] = None,
    lon: Annotated[
        float | None, Query(description="Longitude, WGS84", openapi_examples=_example("", -1.5545))
    ] = None,
    k: Annotated[int | None, Query(description="How many places (default 5).")] = None,
    kind: Annotated[
        list[str] | None, Query(description="safe_place, police_enquiry_office")
    ] = None,
    category: Annotated[list[str] | None, Query(examples=[["library"]])] = None,
    open_now: Annotated[bool, Query(description="Only places open now.")] = False,
    radius_m: Annotated[float | None, Query(gt=0, description="Only places this close.")] = None,
) -> Response:
    """The nearest Safe Places and the nearest police enquiry office.

    Give one of `postcode`, `q`, or `lat` with `lon`.
    """
    # Its route (CachedSearchRoute) answers without calling this: the signature says what
    # the parameters are, for the route and the OpenAPI document, and this is the same
    # answer by FastAPI's ordinary way (without the cache).
    only_once(request.query_params, "postcode", "q", "lat", "lon", "k", "radius_m", "open_now")
    asked = _asked(postcode, q, lat, lon, k, kind, category, open_now, radius_m)
    body, _ = await _answer(request, asked, locator, now)
    return _JsonAnswer(body)


router.add_api_route(
    "/places/nearest",
    nearest_places,
    methods=["GET"],
    response_model=NearestOut,
    responses=_ERRORS,
    route_class_override=CachedSearchRoute,
)

_SAFE_PLACES = (Kind.SAFE_PLACE,)


def _asked(
    postcode: str | None,
    q: str | None,
    lat: float | None,
    lon: float | None,
    k: int | None,
    kind: list[str] | None,
    category: list[str] | None,
    open_now: bool,
    radius_m: float | None,
) -> SearchRequest:
    """The search the parameters ask for; an unknown kind or category raises its problem."""
    kinds: tuple[Kind, ...] = _SAFE_PLACES
    categories: tuple[Category, ...] = ()
    if kind is not None or category is not None:
        found = kinds_and_categories(kind, category, default=Kind.SAFE_PLACE)
        kinds, categories = tuple(found[0]), tuple(found[1])
    return SearchRequest(
        text=q,
        postcode=postcode,
        latitude=lat,
        longitude=lon,
        k=k,
        kinds=kinds,
        categories=categories,
        open_now=open_now,
        radius_m=radius_m,
        nearest_open=False,  # not part of this answer
    )


async def _answer(
    request: Request, asked: SearchRequest, locator: Locator, now: datetime
) -> tuple[bytes, datetime]:
    """The answer as JSON, and until when it stays right; a bad search raises its problem.

    The same search over the same data has the same answer until its opening words change
    (api.cache): kept as the JSON sent, so a repeat costs a lookup.
    """
    resolver: LocationResolver = request.app.state.resolver  # `get_resolver`
    # All local, on the event loop; a place name that may go to the online geocoder, in the
    # thread pool (api.searching).
    result = await search_places(asked, resolver, locator, now)
    if isinstance(result, Choices):
        raise result.error()
    builder: NearestJson = request.app.state.nearest_json
    return builder.body(locator, result, now), result.valid_until or now
