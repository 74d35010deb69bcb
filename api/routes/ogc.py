"""OGC API - Features over the active places: Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0),
Part 2 (CRS), Part 3 (queryables as query parameters) and the Sorting draft.

Two collections, ``safe-places`` and ``police-enquiry-offices``, so GIS tools (QGIS, GDAL,
OWSLib, ArcGIS) can read the places directly. Every resource comes as JSON or as an HTML page:
``f=json`` / ``f=html``, or else the Accept header (JSON unless HTML is preferred, so clients
that send ``*/*`` get JSON; `api.ogc_negotiation`). The collection logic (kinds, bbox, paging,
extent) is in `locator.features`, the filters and order in `locator.feature_query`, the CRSs
in `locator.feature_crs`; the links and bodies in `api.ogc_views`, the queryables documents in
`api.ogc_queryables`, the OpenAPI 3.0 document in `api.ogc_openapi`; this module parses the
request and renders.

Bad parameters are 400s (the standard's status), as problem+json through the one error table.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute

from api.conditional import PUBLIC, conditional_route
from api.deps import LocatorDep, NowDep, SettingsDep
from api.html import render
from api.ogc_negotiation import negotiate
from api.ogc_openapi import openapi_document
from api.ogc_queryables import SCHEMA_JSON, Resource, schema_document
from api.ogc_schemas import (
    CONFORMANCE,
    GEOJSON,
    HTML,
    JSON,
    OPENAPI_30,
    CollectionsOut,
    Conformance,
    FeatureCollectionOut,
    LandingPage,
    Link,
)
from api.ogc_views import (
    attribution,
    collection_out,
    feature_out,
    href,
    items_links,
    licence_link,
    link_header,
    self_and_alternate,
)
from api.openapi import describe_public, problems
from api.settings import Settings
from locator.feature_crs import FeatureCrs, parse_bbox, parse_crs
from locator.feature_query import QUERYABLE_NAMES, parse_query
from locator.features import (
    COLLECTIONS,
    Collection,
    Page,
    feature_of,
    find_collection,
    page_of,
    parse_datetime,
    parse_limit,
    parse_offset,
)

# Every resource carries an ETag and Last-Modified, and a revalidation is a 304 (the items
# carry their `timeStamp`, so their tag is weak).
router = APIRouter(
    prefix="/ogc",
    tags=["ogc"],
    route_class=conditional_route(
        APIRoute, PUBLIC, vary_accept=True, weak_paths=["/ogc/collections/{collection_id}/items"]
    ),
)

_PROBLEMS = problems(400, 404)
_ITEMS_PARAMS = (
    "f", "limit", "offset", "bbox", "datetime", "crs", "bbox-crs", "sortby", *QUERYABLE_NAMES,
)  # fmt: skip


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


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
        "Features collections (GeoJSON: WGS84 longitude/latitude by default, or the British "
        "National Grid, EPSG:27700), to filter and sort by their properties. Only active places."
    )


@router.get("", responses=_PROBLEMS, summary="OGC API - Features landing page")
@router.get("/", include_in_schema=False)
def get_landing_page(request: Request, settings: SettingsDep) -> Response:
    """The landing page: links to the API definition, the conformance classes and the data."""
    f = negotiate(request)
    root = _root(request)
    links = [
        *self_and_alternate(root, "", JSON, "This page"),
        Link(
            href=href(root, "/api"),
            rel="service-desc",
            type=OPENAPI_30,
            title="The API definition (OpenAPI 3.0)",
        ),
        Link(
            href=href(root, "/api", "html"),
            rel="service-doc",
            type=HTML,
            title="The API documentation",
        ),
        Link(
            href=href(root, "/conformance"),
            rel="conformance",
            type=JSON,
            title="The conformance classes this service implements",
        ),
        Link(
            href=href(root, "/collections"),
            rel="data",
            type=JSON,
            title="The collections",
        ),
        licence_link(settings),
    ]
    page = LandingPage(
        title=TITLE,
        description=_description(settings),
        attribution=attribution(settings),
        links=links,
    )
    if f == "html":
        return _page(request, "ogc/landing.html", {"page": page, "collections": COLLECTIONS})
    return _json(page)


@router.get("/conformance", responses=_PROBLEMS)
def get_conformance_declaration(request: Request) -> Response:
    """The conformance classes: Core, GeoJSON, HTML and OpenAPI 3.0."""
    f = negotiate(request)
    body = Conformance(conformsTo=CONFORMANCE)
    if f == "html":
        links = self_and_alternate(_root(request), "/conformance", JSON, "The conformance classes")
        return _page(request, "ogc/conformance.html", {"classes": CONFORMANCE, "links": links})
    return _json(body)


@router.get("/api", responses=_PROBLEMS)
def get_api_definition(request: Request, settings: SettingsDep) -> Response:
    """This service's definition in OpenAPI 3.0 (what OGC clients read; /openapi.json is 3.1)."""
    f = negotiate(request)
    root = _root(request)
    document = openapi_document(
        root,
        TITLE,
        _description(settings),
        settings.data.licence_url,
        list(COLLECTIONS),
        settings.ogc.max_limit,
    )
    describe_public(document, settings)
    if f == "html":
        operations = [
            (path, item["get"]["summary"], root + ("" if path == "/" else path))
            for path, item in document["paths"].items()
        ]
        return _page(
            request,
            "ogc/api.html",
            {"operations": operations, "json_href": href(root, "/api", "json")},
        )
    return JSONResponse(document, media_type=OPENAPI_30, headers={"Vary": "Accept"})


@router.get("/collections", responses=_PROBLEMS)
def get_collections(request: Request, settings: SettingsDep, locator: LocatorDep) -> Response:
    """The two collections, each with its extent."""
    f = negotiate(request)
    root = _root(request)
    body = CollectionsOut(
        links=self_and_alternate(root, "/collections", JSON, "The collections"),
        collections=[collection_out(root, settings, locator.index, c) for c in COLLECTIONS],
    )
    if f == "html":
        return _page(request, "ogc/collections.html", {"body": body})
    return _json(body, exclude_none=True)


@router.get("/collections/{collection_id}", responses=_PROBLEMS)
def describe_collection(
    collection_id: str, request: Request, settings: SettingsDep, locator: LocatorDep
) -> Response:
    """One collection: what it holds, its extent and links to its places."""
    f = negotiate(request)
    c = find_collection(collection_id)
    body = collection_out(_root(request), settings, locator.index, c)
    if f == "html":
        return _page(request, "ogc/collection.html", {"c": body})
    return _json(body, exclude_none=True)


def _items_page(
    request: Request, root: str, c: Collection, body: FeatureCollectionOut, page: Page
) -> HTMLResponse:
    path = f"/collections/{c.id}/items"
    return _page(
        request,
        "ogc/items.html",
        {
            "c": c,
            "body": body,
            "page": page,
            "sorted": "sortby" in request.query_params,
            "next": next((lk for lk in body.links if lk.rel == "next"), None),
            "prev": next((lk for lk in body.links if lk.rel == "prev"), None),
            "items_href": lambda v: href(root, f"{path}/{v}", "html"),
        },
    )


def _with_crs(response: Response, crs: FeatureCrs) -> Response:
    response.headers["Content-Crs"] = f"<{crs.uri}>"
    return response


@router.get("/collections/{collection_id}/items", responses=_PROBLEMS)
def get_features(
    collection_id: str,
    request: Request,
    settings: SettingsDep,
    locator: LocatorDep,
    now: NowDep,
) -> Response:
    """A page of a collection's places (``limit``, ``offset``), optionally inside a ``bbox``,
    filtered on its queryables and sorted (``sortby``), in the CRS asked for (``crs``)."""
    f = negotiate(request, _ITEMS_PARAMS)
    c = find_collection(collection_id)
    params = request.query_params
    limit = parse_limit(params.get("limit"), settings.ogc.max_limit)
    offset = parse_offset(params.get("offset"))
    crs = parse_crs(params.get("crs"), "crs")
    box = parse_bbox(params.get("bbox"), parse_crs(params.get("bbox-crs"), "bbox-crs"))
    parse_datetime(params.get("datetime"))
    page = page_of(locator.index, c, box, parse_query(params, c.kind), limit, offset)
    root = _root(request)
    asked = {k: v for k, v in params.items() if k not in ("f", "limit", "offset")}
    links = items_links(root, c, page, f, asked)
    places = zip(page, crs.positions(page.venues), strict=True)
    body = FeatureCollectionOut(
        features=[feature_out(root, c, v, p, links=False) for v, p in places],
        links=links,
        numberMatched=page.number_matched,
        numberReturned=page.number_returned,
        timeStamp=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    if f == "html":
        response: Response = _items_page(request, root, c, body, page)
    else:
        # Null properties stay (every feature has every column); features carry no links here.
        response = _json(body, GEOJSON, exclude={"features": {"__all__": {"links"}}})
    response.headers["Link"] = link_header(links)
    return _with_crs(response, crs)


@router.get("/collections/{collection_id}/items/{feature_id}", responses=_PROBLEMS)
def get_feature(
    collection_id: str, feature_id: str, request: Request, locator: LocatorDep
) -> Response:
    """One place of a collection; a 404 when it isn't (or is no longer) in it."""
    f = negotiate(request, ("f", "crs"))
    c = find_collection(collection_id)
    crs = parse_crs(request.query_params.get("crs"), "crs")
    venue = feature_of(locator.index, c, feature_id)
    feature = feature_out(_root(request), c, venue, crs.positions([venue])[0], links=True)
    if f == "html":
        return _page(request, "ogc/item.html", {"c": c, "feature": feature})
    return _with_crs(_json(feature, GEOJSON), crs)


def _schema_resource(request: Request, collection_id: str, resource: Resource) -> Response:
    f = negotiate(request)
    c = find_collection(collection_id)
    path = f"/collections/{c.id}/{resource}"
    document = schema_document(resource, _root(request) + path, c)
    if f == "html":
        links = self_and_alternate(_root(request), path, SCHEMA_JSON, document["title"])
        return _page(request, "ogc/queryables.html", {"c": c, "document": document, "links": links})
    return JSONResponse(document, media_type=SCHEMA_JSON, headers={"Vary": "Accept"})


@router.get("/collections/{collection_id}/queryables", responses=_PROBLEMS)
def get_queryables(collection_id: str, request: Request) -> Response:
    """The properties a collection's places can be filtered on (Part 3), as JSON Schema."""
    return _schema_resource(request, collection_id, "queryables")


@router.get("/collections/{collection_id}/sortables", responses=_PROBLEMS)
def get_sortables(collection_id: str, request: Request) -> Response:
    """The properties a collection's places can be sorted by, as JSON Schema."""
    return _schema_resource(request, collection_id, "sortables")
