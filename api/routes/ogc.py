"""OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) over the active places.

Two collections, ``safe-places`` and ``police-enquiry-offices``, so GIS tools (QGIS, GDAL,
OWSLib, ArcGIS) can read the places directly. Every resource comes as JSON or as an HTML page:
``f=json`` / ``f=html``, or else the Accept header (JSON unless HTML is preferred, so clients
that send ``*/*`` get JSON). The collection logic (kinds, bbox, paging, extent) is in
`locator.features`; this module parses the request, builds links and renders.

Bad parameters are 400s (the standard's status), as problem+json through the one error table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import LocatorDep, NowDep, SettingsDep
from api.html import render
from api.ogc_schemas import (
    CONFORMANCE,
    GEOJSON,
    HTML,
    JSON,
    OPENAPI_30,
    CollectionOut,
    CollectionsOut,
    Conformance,
    Extent,
    FeatureCollectionOut,
    FeatureOut,
    LandingPage,
    Link,
    PointGeometry,
    SpatialExtent,
    openapi_document,
)
from api.settings import Settings
from locator.errors import BadQueryParameter
from locator.features import (
    COLLECTIONS,
    Collection,
    collection_extent,
    collection_size,
    feature_of,
    find_collection,
    page_of,
    parse_bbox,
    parse_crs,
    parse_datetime,
    parse_limit,
    parse_offset,
    public_record,
)
from locator.index import VenueIndex
from locator.venues import Venue

router = APIRouter(prefix="/ogc", tags=["ogc"])

Format = Literal["json", "html"]
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"content": {"application/problem+json": {}}},
    404: {"content": {"application/problem+json": {}}},
}
_ITEMS_PARAMS = ("f", "limit", "offset", "bbox", "datetime", "crs", "bbox-crs")


# -- the request ----------------------------------------------------------------------------


def negotiate(request: Request, allowed: Iterable[str] = ("f",)) -> Format:
    """The format asked for, after refusing parameters this resource doesn't take."""
    known = set(allowed)
    for name in request.query_params:
        if name not in known:
            raise BadQueryParameter(
                f'This address does not take the parameter "{name[:40]}". '
                f"It takes: {', '.join(sorted(known))}.",
                log_message="unknown query parameter",
            )
        if len(request.query_params.getlist(name)) > 1:
            raise BadQueryParameter(
                f"Please give {name} only once.", log_message="parameter given twice"
            )
    f = request.query_params.get("f")
    if f is not None:
        if f.lower() not in ("json", "html"):
            raise BadQueryParameter('f must be "json" or "html".', log_message="unknown format")
        return "html" if f.lower() == "html" else "json"
    return "html" if _prefers_html(request.headers.get("accept", "")) else "json"


def _prefers_html(accept: str) -> bool:
    """True when the Accept header ranks HTML above JSON (a browser); ties go to JSON."""
    html = json = 0.0
    for item in accept.split(","):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, q)
        elif "json" in media or media in ("*/*", "application/*"):
            json = max(json, q)
    return html > json


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def _href(request: Request, path: str, f: Format | None = None, **params: object) -> str:
    query = {k: str(v) for k, v in params.items() if v is not None}
    if f is not None:
        query["f"] = f
    tail = "?" + urlencode(query, safe=",") if query else ""
    return _root(request) + path + tail


def _self_and_alternate(
    request: Request, path: str, json_type: str, title: str, **params: object
) -> list[Link]:
    return [
        Link(
            href=_href(request, path, "json", **params),
            rel="self",
            type=json_type,
            title=f"{title} (JSON)",
        ),
        Link(
            href=_href(request, path, "html", **params),
            rel="alternate",
            type=HTML,
            title=f"{title} (web page)",
        ),
    ]


def _licence(settings: Settings) -> Link:
    return Link(
        href=settings.data.licence_url,
        rel="license",
        type=HTML,
        title="Open Government Licence v3.0",
    )


def _attribution(settings: Settings) -> str:
    return " ".join(settings.data.attribution)


def _json(
    model: Any, media_type: str = JSON, exclude_none: bool = False, exclude: Any = None
) -> JSONResponse:
    body = model.model_dump(mode="json", exclude_none=exclude_none, exclude=exclude)
    return JSONResponse(body, media_type=media_type, headers={"Vary": "Accept"})


def _page(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    base = {"attribution": settings.data.attribution, "licence_url": settings.data.licence_url}
    response = render(request, template, {**base, **context})
    response.headers["Vary"] = "Accept"
    return response


# -- resources ------------------------------------------------------------------------------


TITLE = "Safe Places Locator: OGC API - Features"


def _description(settings: Settings) -> str:
    return (
        f"Safe Places and police enquiry offices in {settings.search.area_name}, as OGC API - "
        "Features collections (WGS84 longitude/latitude, GeoJSON). Only active places."
    )


@router.get("", responses=_PROBLEMS, summary="OGC API - Features landing page")
@router.get("/", include_in_schema=False)
def landing(request: Request, settings: SettingsDep) -> Response:
    """The landing page: links to the API definition, the conformance classes and the data."""
    f = negotiate(request)
    links = [
        *_self_and_alternate(request, "", JSON, "This page"),
        Link(
            href=_href(request, "/api"),
            rel="service-desc",
            type=OPENAPI_30,
            title="The API definition (OpenAPI 3.0)",
        ),
        Link(
            href=_href(request, "/api", "html"),
            rel="service-doc",
            type=HTML,
            title="The API documentation",
        ),
        Link(
            href=_href(request, "/conformance"),
            rel="conformance",
            type=JSON,
            title="The conformance classes this service implements",
        ),
        Link(
            href=_href(request, "/collections"),
            rel="data",
            type=JSON,
            title="The collections",
        ),
        _licence(settings),
    ]
    page = LandingPage(
        title=TITLE,
        description=_description(settings),
        attribution=_attribution(settings),
        links=links,
    )
    if f == "html":
        return _page(request, "ogc/landing.html", {"page": page, "collections": COLLECTIONS})
    return _json(page)


@router.get("/conformance", responses=_PROBLEMS)
def conformance(request: Request) -> Response:
    """The conformance classes: Core, GeoJSON, HTML and OpenAPI 3.0."""
    f = negotiate(request)
    body = Conformance(conformsTo=CONFORMANCE)
    if f == "html":
        links = _self_and_alternate(request, "/conformance", JSON, "The conformance classes")
        return _page(request, "ogc/conformance.html", {"classes": CONFORMANCE, "links": links})
    return _json(body)


@router.get("/api", responses=_PROBLEMS)
def api_definition(request: Request, settings: SettingsDep) -> Response:
    """This service's definition in OpenAPI 3.0 (what OGC clients read; /openapi.json is 3.1)."""
    f = negotiate(request)
    document = openapi_document(
        _root(request),
        TITLE,
        _description(settings),
        settings.data.licence_url,
        list(COLLECTIONS),
    )
    if f == "html":
        operations = [
            (path, item["get"]["summary"], _root(request) + ("" if path == "/" else path))
            for path, item in document["paths"].items()
        ]
        return _page(
            request,
            "ogc/api.html",
            {"operations": operations, "json_href": _href(request, "/api", "json")},
        )
    return JSONResponse(document, media_type=OPENAPI_30, headers={"Vary": "Accept"})


def _collection_out(
    request: Request, settings: Settings, index: VenueIndex, c: Collection
) -> CollectionOut:
    box = collection_extent(index, c)
    path = f"/collections/{c.id}"
    return CollectionOut(
        id=c.id,
        title=c.title,
        description=c.description,
        attribution=_attribution(settings),
        extent=Extent(spatial=SpatialExtent.of(box)) if box else None,
        numberOfPlaces=collection_size(index, c),
        links=[
            *_self_and_alternate(request, path, JSON, c.title),
            Link(
                href=_href(request, f"{path}/items", "json"),
                rel="items",
                type=GEOJSON,
                title=f"{c.title} (GeoJSON)",
            ),
            Link(
                href=_href(request, f"{path}/items", "html"),
                rel="items",
                type=HTML,
                title=f"{c.title} (web page)",
            ),
            _licence(settings),
        ],
    )


@router.get("/collections", responses=_PROBLEMS)
def collections(request: Request, settings: SettingsDep, locator: LocatorDep) -> Response:
    """The two collections, each with its extent."""
    f = negotiate(request)
    body = CollectionsOut(
        links=_self_and_alternate(request, "/collections", JSON, "The collections"),
        collections=[_collection_out(request, settings, locator.index, c) for c in COLLECTIONS],
    )
    if f == "html":
        return _page(request, "ogc/collections.html", {"body": body})
    return _json(body, exclude_none=True)


@router.get("/collections/{collection_id}", responses=_PROBLEMS)
def collection(
    collection_id: str, request: Request, settings: SettingsDep, locator: LocatorDep
) -> Response:
    """One collection: what it holds, its extent and links to its places."""
    f = negotiate(request)
    body = _collection_out(request, settings, locator.index, find_collection(collection_id))
    if f == "html":
        return _page(request, "ogc/collection.html", {"c": body})
    return _json(body, exclude_none=True)


def _feature(request: Request, c: Collection, venue: Venue, links: bool) -> FeatureOut:
    properties = public_record(venue)
    # The id is the feature's own member; repeating it in the properties would give GIS
    # tools two "id" columns.
    del properties["id"]
    feature = FeatureOut(
        id=venue.id,
        geometry=PointGeometry(coordinates=(venue.longitude, venue.latitude)),
        properties=properties,
    )
    if links:
        path = f"/collections/{c.id}/items/{venue.id}"
        feature.links = [
            *_self_and_alternate(request, path, GEOJSON, venue.name),
            Link(
                href=_href(request, f"/collections/{c.id}", "json"),
                rel="collection",
                type=JSON,
                title=f"About the collection {c.title} (JSON)",
            ),
        ]
    return feature


@router.get("/collections/{collection_id}/items", responses=_PROBLEMS)
def items(collection_id: str, request: Request, locator: LocatorDep, now: NowDep) -> Response:
    """A page of a collection's places (``limit``, ``offset``), optionally inside a ``bbox``."""
    f = negotiate(request, _ITEMS_PARAMS)
    c = find_collection(collection_id)
    params = request.query_params
    limit = parse_limit(params.get("limit"))
    offset = parse_offset(params.get("offset"))
    box = parse_bbox(params.get("bbox"))
    parse_datetime(params.get("datetime"))
    parse_crs(params.get("crs"), "crs")
    parse_crs(params.get("bbox-crs"), "bbox-crs")
    page = page_of(locator.index, c, box, limit, offset)
    path = f"/collections/{c.id}/items"
    # Links carry the caller's bbox and datetime as given, so each page asks the same question.
    same = {"bbox": params.get("bbox"), "datetime": params.get("datetime"), "limit": limit}
    links = _self_and_alternate(request, path, GEOJSON, f"{c.title}", offset=offset, **same)
    if page.next_offset is not None:
        links.append(
            Link(
                href=_href(request, path, f, offset=page.next_offset, **same),
                rel="next",
                type=GEOJSON if f == "json" else HTML,
                title="The next page",
            )
        )
    if page.prev_offset is not None:
        links.append(
            Link(
                href=_href(request, path, f, offset=page.prev_offset, **same),
                rel="prev",
                type=GEOJSON if f == "json" else HTML,
                title="The previous page",
            )
        )
    links.append(
        Link(
            href=_href(request, f"/collections/{c.id}", "json"),
            rel="collection",
            type=JSON,
            title=f"About the collection {c.title} (JSON)",
        )
    )
    body = FeatureCollectionOut(
        features=[_feature(request, c, v, links=False) for v in page],
        links=links,
        numberMatched=page.number_matched,
        numberReturned=page.number_returned,
        timeStamp=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    if f == "html":
        return _page(
            request,
            "ogc/items.html",
            {
                "c": c,
                "body": body,
                "page": page,
                "next": next((lk for lk in links if lk.rel == "next"), None),
                "prev": next((lk for lk in links if lk.rel == "prev"), None),
                "items_href": lambda v: _href(request, f"{path}/{v}", "html"),
            },
        )
    # Null properties stay (every feature has every column); features carry no links here.
    return _json(body, GEOJSON, exclude={"features": {"__all__": {"links"}}})


@router.get("/collections/{collection_id}/items/{feature_id}", responses=_PROBLEMS)
def item(collection_id: str, feature_id: str, request: Request, locator: LocatorDep) -> Response:
    """One place of a collection; a 404 when it isn't (or is no longer) in it."""
    f = negotiate(request, ("f", "crs"))
    c = find_collection(collection_id)
    parse_crs(request.query_params.get("crs"), "crs")
    venue = feature_of(locator.index, c, feature_id)
    feature = _feature(request, c, venue, links=True)
    if f == "html":
        return _page(request, "ogc/item.html", {"c": c, "feature": feature})
    return _json(feature, GEOJSON)
