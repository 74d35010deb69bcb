"""Public place data: active places as GeoJSON, a page at a time, and one place by id.

Answers carry an ETag and Last-Modified (`api.conditional`): a map or a partner's copy asks
again with If-None-Match and gets a 304 until staff change something.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from geojson_pydantic import Feature, FeatureCollection, Point
from pydantic import Field

from api.conditional import NOT_MODIFIED, PUBLIC, conditional_route
from api.deps import LocatorDep, PlacesCacheDep
from api.ogc_schemas import Link
from api.openapi import problems
from api.params import kinds_and_categories, parse_bbox
from api.route_rules import KnownParamsRoute
from api.schemas import PlaceOut
from locator.errors import PlaceNotFound
from locator.features import Page
from locator.filter import VenueFilter

router = APIRouter(
    prefix="/api/v1", tags=["places"], route_class=conditional_route(KnownParamsRoute, PUBLIC)
)

PlaceFeature = Feature[Point, PlaceOut]
GEOJSON = "application/geo+json"
# Enough for every place in the county (and then some) in one answer, as clients that
# never page have always had; beyond it, `next` links go on.
MAX_LIMIT = 10_000


class PlaceCollection(FeatureCollection[PlaceFeature]):
    """A GeoJSON FeatureCollection with paging as OGC API - Features gives it (foreign
    members, which GeoJSON readers ignore)."""

    numberMatched: int = Field(description="How many places match the filters.")
    numberReturned: int = Field(description="How many places are in this answer.")
    links: list[Link] = Field(description="`self`, and `next`/`prev` pages where there are.")


class GeoJSONResponse(JSONResponse):
    media_type = GEOJSON


@router.get(
    "/places",
    response_model=PlaceCollection,
    response_class=GeoJSONResponse,
    responses={
        **problems(400, 422),
        200: {"content": {GEOJSON: {}}},
        **NOT_MODIFIED,
    },
)
def find_places(
    request: Request,
    locator: LocatorDep,
    cache: PlacesCacheDep,
    kind: Annotated[
        list[str] | None, Query(description="safe_place, police_enquiry_office")
    ] = None,
    category: Annotated[list[str] | None, Query(examples=[["library"]])] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="min_lon,min_lat,max_lon,max_lat (WGS84)", examples=["-1.7,53.0,-1.4,53.2"]
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"How many places at most (default: all, up to {MAX_LIMIT:,}).",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, description="How many matching places to skip.")] = 0,
) -> Response:
    """Active places as an RFC 7946 GeoJSON FeatureCollection (feature id = place id), in id
    order. Without `limit`, every matching place up to 10,000 (so clients that never page get
    them all); `links` has the `next` page when there are more, `numberMatched` says how many."""
    # The same filter over the same data is the same file (nothing in it depends on the time):
    # kept as sent until the data changes, so a busy map doesn't rebuild it each time.
    key = tuple(request.query_params.multi_items())
    body = cache.get(locator, key)
    if body is not None:
        return Response(body, media_type=GEOJSON)
    filter = VenueFilter.of(*kinds_and_categories(kind, category, default=None))
    box = parse_bbox(bbox) if bbox is not None else None
    matched = locator.index.select(filter, box)
    size = MAX_LIMIT if limit is None else limit
    page = Page(matched[offset : offset + size], len(matched), offset, size)
    collection = PlaceCollection(
        type="FeatureCollection",
        features=[
            PlaceFeature(
                type="Feature",
                id=v.id,
                geometry=Point(type="Point", coordinates=(v.longitude, v.latitude)),
                properties=PlaceOut.of(v),
            )
            for v in page
        ],
        numberMatched=page.number_matched,
        numberReturned=page.number_returned,
        links=_links(request, page, limit is not None),
    )
    body = collection.model_dump_json(by_alias=True).encode()
    cache.put(locator, key, body)
    return Response(body, media_type=GEOJSON)


def _links(request: Request, page: Page, limited: bool) -> list[Link]:
    """`self`, `next` and `prev`, absolute (under the service's path prefix, if any), with
    the request's filters kept."""
    base = str(request.base_url).rstrip("/") + request.url.path
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]

    def link(rel: str, offset: int, title: str) -> Link:
        paging = [("limit", str(page.limit))] if limited or rel != "self" else []
        query = kept + paging + ([("offset", str(offset))] if offset else [])
        href = base + ("?" + urlencode(query, safe=",") if query else "")
        return Link(href=href, rel=rel, type=GEOJSON, title=title)

    links = [link("self", page.offset, "These places")]
    if page.next_offset is not None:
        links.append(link("next", page.next_offset, "The next places"))
    if page.prev_offset is not None:
        links.append(link("prev", page.prev_offset, "The places before these"))
    return links


@router.get(
    "/places/{place_id}",
    response_model=PlaceOut,
    responses={
        **problems(400, 404),
        **NOT_MODIFIED,
    },
)
def place_by_id(place_id: str, locator: LocatorDep) -> PlaceOut:
    """One place by its id."""
    venue = locator.index.get(place_id)
    if venue is None:
        raise PlaceNotFound(
            "We couldn't find that place. It may have been removed.",
            log_message="unknown place id",
        )
    return PlaceOut.of(venue)
