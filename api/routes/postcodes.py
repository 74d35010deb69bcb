"""Postcodes, as postcodes.io answers them: one postcode, many at once, the postcodes nearest
a point, and an outcode. The lookups are `geodata.postcode_lookup`'s; this reads and renders.

Every answer says where someone is, so none is stored by any cache (`no-store`); the GETs
still carry an ETag, for a client's own revalidation. None is logged (`api.logging` records
the route's template, never the path or query).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.conditional import NO_STORE, NOT_MODIFIED, conditional_route
from api.deps import DatasetsDep, LocatorDep, PostcodesDep, ResolverDep
from api.openapi import problems
from api.postcode_schemas import (
    BulkItem,
    BulkPostcodesIn,
    BulkPostcodesOut,
    NearbyPostcodeOut,
    NearbyPostcodesOut,
    OutcodeOut,
)
from api.route_rules import NoStoreRoute
from api.schemas import PostcodeOut
from geodata.postcode_lookup import (
    DEFAULT_LIMIT,
    DEFAULT_RADIUS_M,
    MAX_LIMIT,
    MAX_RADIUS_M,
)
from geodata.resolver import Located
from locator.search import Locator

router = APIRouter(
    prefix="/api/v1",
    tags=["postcodes"],
    route_class=conditional_route(NoStoreRoute, NO_STORE, versioned=False),
)


def _out(found: Located, locator: Locator) -> PostcodeOut:
    return PostcodeOut.of(found, locator.in_service_area(found.longitude, found.latitude))


@router.get(
    "/postcodes/{postcode}",
    response_model=PostcodeOut,
    responses={**problems(400, 404, 422), **NOT_MODIFIED},
)
def postcode(postcode: str, resolver: ResolverDep, locator: LocatorDep) -> PostcodeOut:
    """Where a postcode is, anywhere in Great Britain. A district alone (`DE4`) or a sector
    (`DE4 3`) gives the middle of its postcodes."""
    return _out(resolver.locate(postcode), locator)


@router.post("/postcodes", response_model=BulkPostcodesOut, responses=problems(400, 422))
def bulk_postcodes(
    body: BulkPostcodesIn, postcodes: PostcodesDep, locator: LocatorDep
) -> BulkPostcodesOut:
    """Up to 100 postcodes at once (`{"postcodes": [...]}`), each answered as
    `GET /postcodes/{postcode}` answers it, in the order sent. One that is no postcode, or
    that we don't know, is `null` there: it doesn't spoil the rest."""
    found = postcodes.many(body.postcodes)
    return BulkPostcodesOut(
        result=[
            BulkItem(query=text, result=None if f is None else _out(f, locator))
            for text, f in zip(body.postcodes, found, strict=True)
        ]
    )


@router.get(
    "/postcodes",
    response_model=NearbyPostcodesOut,
    responses={**problems(400, 422), **NOT_MODIFIED},
)
def nearby_postcodes(
    postcodes: PostcodesDep,
    locator: LocatorDep,
    lat: Annotated[float, Query(description="Latitude, WGS84", examples=[53.142342])],
    lon: Annotated[float, Query(description="Longitude, WGS84", examples=[-1.551396])],
    radius: Annotated[
        float,
        Query(
            gt=0, le=MAX_RADIUS_M, description=f"Metres around the point, up to {MAX_RADIUS_M:g}."
        ),
    ] = DEFAULT_RADIUS_M,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"How many postcodes, up to {MAX_LIMIT}.")
    ] = DEFAULT_LIMIT,
) -> NearbyPostcodesOut:
    """The postcodes in use nearest a point (reverse geocoding), nearest first, each with
    its distance in metres: within `radius` (default 100 m), at most `limit` (default 10).
    None in range is an empty list; a point outside Great Britain is a 422."""
    return NearbyPostcodesOut(
        result=[
            NearbyPostcodeOut(**_out(n.found, locator).model_dump(), distance_m=n.distance_m)
            for n in postcodes.nearby(lat, lon, radius, limit)
        ]
    )


@router.get(
    "/outcodes/{outcode}",
    response_model=OutcodeOut,
    responses={**problems(400, 404, 422), **NOT_MODIFIED},
)
def outcode(
    outcode: Annotated[str, Path(examples=["DE4"])],
    postcodes: PostcodesDep,
    datasets: DatasetsDep,
) -> OutcodeOut:
    """An outcode (the first half of a postcode, `DE4`): the middle of its postcodes, how
    many it has, and the local authorities they are in."""
    return OutcodeOut.of(postcodes.outcode(outcode), datasets.areas)
