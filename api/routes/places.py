"""Public place data: every active place as GeoJSON, and one place by id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from geojson_pydantic import Feature, FeatureCollection, Point

from api.deps import LocatorDep, PlacesCacheDep
from api.openapi import problems
from api.params import kinds_and_categories, parse_bbox
from api.schemas import PlaceOut
from locator.errors import PlaceNotFound
from locator.filter import VenueFilter

router = APIRouter(prefix="/api/v1", tags=["places"])

PlaceFeature = Feature[Point, PlaceOut]
PlaceCollection = FeatureCollection[PlaceFeature]
GEOJSON = "application/geo+json"


class GeoJSONResponse(JSONResponse):
    media_type = GEOJSON


@router.get(
    "/places",
    response_model=PlaceCollection,
    response_class=GeoJSONResponse,
    responses={**problems(422), 200: {"content": {GEOJSON: {}}}},
)
def places(
    request: Request,
    locator: LocatorDep,
    cache: PlacesCacheDep,
    kind: Annotated[
        list[str] | None, Query(description="safe_place, police_enquiry_office")
    ] = None,
    category: Annotated[list[str] | None, Query(examples=["library"])] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="min_lon,min_lat,max_lon,max_lat (WGS84)", examples=["-1.7,53.0,-1.4,53.2"]
        ),
    ] = None,
) -> Response:
    """All active places as an RFC 7946 GeoJSON FeatureCollection (feature id = place id)."""
    # The same filter over the same data is the same file (nothing in it depends on the time):
    # kept as sent until the data changes, so a busy map doesn't rebuild it each time.
    key = tuple(request.query_params.multi_items())
    body = cache.get(locator, key)
    if body is not None:
        return Response(body, media_type=GEOJSON)
    filter = VenueFilter.of(*kinds_and_categories(kind, category, default=None))
    box = parse_bbox(bbox) if bbox is not None else None
    features = [
        PlaceFeature(
            type="Feature",
            id=v.id,
            geometry=Point(type="Point", coordinates=(v.longitude, v.latitude)),
            properties=PlaceOut.of(v),
        )
        for v in locator.index.select(filter, box)
    ]
    collection = PlaceCollection(type="FeatureCollection", features=features)
    body = collection.model_dump_json(by_alias=True).encode()
    cache.put(locator, key, body)
    return Response(body, media_type=GEOJSON)


@router.get("/places/{place_id}", response_model=PlaceOut, responses=problems(404))
def place(place_id: str, locator: LocatorDep) -> PlaceOut:
    """One place by its id."""
    venue = locator.index.get(place_id)
    if venue is None:
        raise PlaceNotFound(
            "We couldn't find that place. It may have been removed.",
            log_message="unknown place id",
        )
    return PlaceOut.of(venue)
