"""Public search routes: postcode lookup, the one search box, type-ahead and nearest places."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.openapi.models import Example

from api.deps import LocatorDep, NowDep, ResolverDep, SettingsDep
from api.params import kinds_and_categories, only_once
from api.schemas import ChoiceOut, NearestOut, OriginOut, PlaceNameOut, PostcodeOut, SearchOut
from geodata.postcodes import PostcodeDistrict, parse_postcode_or_district
from geodata.resolver import Choices
from locator.errors import InvalidParameter, UnknownPostcode
from locator.index import VenueFilter
from locator.search import Origin
from locator.venues import Kind

router = APIRouter(prefix="/api/v1", tags=["search"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_ERRORS: dict[int | str, dict[str, Any]] = {404: _PROBLEM, 409: _PROBLEM, 422: _PROBLEM}


def _example(summary: str, value: object) -> dict[str, Example]:
    return {"example": Example(summary=summary or "Matlock", value=value)}


@router.get("/postcodes/{postcode}", response_model=PostcodeOut, responses=_ERRORS)
def postcode(postcode: str, resolver: ResolverDep) -> PostcodeOut:
    """Where a postcode is. A district alone (`DE4`) gives the middle of the district."""
    parsed = parse_postcode_or_district(postcode)
    gazetteer = resolver.gazetteer
    if isinstance(parsed, PostcodeDistrict):
        district = gazetteer.district(parsed)
        if district is None:
            raise UnknownPostcode(
                f"We couldn't find the postcode area {parsed}. Please check it and try again.",
                log_message="postcode district not in gazetteer",
            )
        return PostcodeOut.of(district)
    return PostcodeOut.of(gazetteer.lookup(parsed))


@router.get("/search", response_model=SearchOut, responses=_ERRORS)
def search(
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


@router.get("/placenames", response_model=PlaceNameOut, responses=_ERRORS)
def placenames(
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


@router.get("/places/nearest", response_model=NearestOut, responses=_ERRORS)
def nearest(
    request: Request,
    resolver: ResolverDep,
    locator: LocatorDep,
    settings: SettingsDep,
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
    category: Annotated[list[str] | None, Query(examples=["library"])] = None,
    open_now: Annotated[bool, Query(description="Only places open now.")] = False,
    radius_m: Annotated[float | None, Query(gt=0, description="Only places this close.")] = None,
) -> NearestOut:
    """The nearest Safe Places and the nearest police enquiry office.

    Give one of `postcode`, `q`, or `lat` with `lon`.
    """
    only_once(request.query_params, "postcode", "q", "lat", "lon", "k", "radius_m", "open_now")
    origin = _origin(resolver, postcode, q, lat, lon)
    if k is not None and not 1 <= k <= settings.search.max_k:
        raise InvalidParameter(
            f"The number of places (k) must be a whole number from 1 to {settings.search.max_k}."
        )
    if radius_m is not None and radius_m > settings.search.max_radius_m:
        raise InvalidParameter(
            f"The distance (radius_m) must be at most {settings.search.max_radius_m:.0f} metres."
        )
    kinds, categories = kinds_and_categories(kind, category, default=Kind.SAFE_PLACE)
    filter = VenueFilter.of(kinds, categories, now if open_now else None)
    result = locator.nearest(origin, k, filter, radius_m)
    return NearestOut.of(result, now)


def _origin(
    resolver: ResolverDep,
    postcode: str | None,
    q: str | None,
    lat: float | None,
    lon: float | None,
) -> Origin:
    given = [name for name, v in (("postcode", postcode), ("q", q)) if v is not None]
    if lat is not None or lon is not None:
        given.append("lat/lon")
    if len(given) > 1:
        raise InvalidParameter(
            f"Please give only one of postcode, q, or lat and lon (you gave {' and '.join(given)})."
        )
    if postcode is not None:
        return resolver.postcode(postcode)
    if q is not None:
        return resolver.resolve_one(q)
    if lat is not None and lon is not None:
        return resolver.coordinates(lat, lon)
    if lat is not None or lon is not None:
        raise InvalidParameter("Please give both lat and lon.")
    raise InvalidParameter("Please give a postcode, a place name (q), or lat and lon.")
