"""Postcodes, as postcodes.io answers them: one postcode, many at once, the postcodes nearest
a point, and an outcode (district). The lookups are `geodata`'s; this reads and renders.

Every answer says where someone is, so none is stored by any cache (`no-store`); a postcode
still carries an ETag, for a client's own revalidation.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.conditional import NO_STORE, conditional_route
from api.deps import LocatorDep, ResolverDep
from api.openapi import problems
from api.route_rules import NoStoreRoute
from api.schemas import PostcodeOut

router = APIRouter(
    prefix="/api/v1",
    tags=["postcodes"],
    route_class=conditional_route(NoStoreRoute, NO_STORE, versioned=False),
)


@router.get("/postcodes/{postcode}", response_model=PostcodeOut, responses=problems(400, 404, 422))
def postcode(postcode: str, resolver: ResolverDep, locator: LocatorDep) -> PostcodeOut:
    """Where a postcode is, anywhere in Great Britain. A district alone (`DE4`) or a sector
    (`DE4 3`) gives the middle of its postcodes."""
    found = resolver.locate(postcode)
    return PostcodeOut.of(found, locator.in_service_area(found.longitude, found.latitude))
