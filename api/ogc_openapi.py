"""The OpenAPI 3.0 definition of the OGC API - Features endpoints.

FastAPI describes the whole app in OpenAPI 3.1 at /openapi.json. OGC API - Features clients
(GDAL's OAPIF driver, OWSLib, QGIS) read the ``service-desc`` link of the landing page and
expect OpenAPI 3.0, so `openapi_document` writes one by hand for the /ogc part: 3.0 JSON Schema
(``nullable``, no ``null`` type), each collection's paths spelled out (GDAL looks up the
``limit`` parameter under ``/collections/{its id}/items`` to choose its page size).

Every piece is built afresh on each call: the document is handed out, and no caller's edit
may reach the next one.
"""

from __future__ import annotations

from typing import Any

from api.ogc_components import ref, schemas
from api.ogc_parameters import parameters, queryable_parameters
from api.ogc_queryables import SCHEMA_JSON
from api.ogc_schemas import GEOJSON, HTML, JSON, OPENAPI_30, PROBLEM_JSON
from locator.features import Collection

# -- paths ------------------------------------------------------------------------------------


def _ok(schema: str, media_type: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            media_type: {"schema": ref(schema)},
            HTML: {"schema": {"type": "string"}},
        },
    }


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": ref("problem")}}}


def _with_crs(ok: dict[str, Any]) -> dict[str, Any]:
    """A 200 of positions, with Part 2's header saying their CRS."""
    header = {
        "description": "The CRS of the positions, as <its URI>.",
        "schema": {"type": "string"},
    }
    return {**ok, "headers": {"Content-Crs": header}}


def _schema_ok(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            SCHEMA_JSON: {"schema": {"type": "object"}},
            HTML: {"schema": {"type": "string"}},
        },
    }


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    tag: str,
    params: list[str],
    ok: dict[str, Any],
    not_found: bool = False,
    inline: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "400": _problem("A parameter is not valid.")}
    if not_found:
        responses["404"] = _problem("There is no such collection or feature.")
    responses["500"] = _problem("Something went wrong on the server.")
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params]
            + (inline or []),
            "responses": responses,
        }
    }


def _api_operation() -> dict[str, Any]:
    """/api itself: its 200 is this document, in OpenAPI's own media type."""
    return {
        "get": {
            "operationId": "getAPI",
            "summary": "This API definition (OpenAPI 3.0)",
            "description": "This document: every path, parameter and answer of the service, "
            "as OpenAPI 3.0 (what GDAL, OWSLib and QGIS read), or as a page with `f=html`.",
            "tags": ["Capabilities"],
            "parameters": [{"$ref": "#/components/parameters/f"}],
            "responses": {
                "200": {
                    "description": "The API definition.",
                    "content": {OPENAPI_30: {"schema": {"type": "object"}}, HTML: {}},
                },
                "400": _problem("A parameter is not valid."),
            },
        }
    }


def _capabilities_paths() -> dict[str, Any]:
    return {
        "/": _operation(
            "getLandingPage",
            "The landing page",
            "Where a client starts: links to this API definition, the conformance classes "
            "and the collections, as JSON or (with `f=html`, or a browser) as a page.",
            "Capabilities",
            ["f"],
            _ok("landingPage", JSON, "Links to the API definition, conformance and data."),
        ),
        "/conformance": _operation(
            "getConformanceDeclaration",
            "The conformance classes this service implements",
            "The OGC API - Features parts this service follows (Core, GeoJSON, HTML, OpenAPI "
            "3.0, CRS by reference, Queryables as query parameters, Sorting), each by its URI.",
            "Capabilities",
            ["f"],
            _ok("confClasses", JSON, "The conformance classes."),
        ),
        "/api": _api_operation(),
        "/collections": _operation(
            "getCollections",
            "The feature collections",
            "Each collection of places (Safe Places, police enquiry offices) with its "
            "extent, the CRSs its positions can be given in and links to its items.",
            "Capabilities",
            ["f"],
            _ok("collections", JSON, "The collections, with their extents."),
        ),
    }


def _collection_paths(c: Collection) -> dict[str, Any]:
    base = f"/collections/{c.id}"
    return {
        base: _operation(
            f"describeCollection_{c.id}",
            f"About the collection {c.title}",
            f"What the collection {c.title} holds, its extent in space, how many places it "
            "has and its links (items, queryables, sortables, the data's licence).",
            "Capabilities",
            ["f"],
            _ok("collection", JSON, c.description),
            not_found=True,
        ),
        f"{base}/queryables": _operation(
            f"getQueryables_{c.id}",
            f"{c.title}: the properties to filter on",
            "The properties a request for items may filter on, as a JSON Schema: each is "
            "also a query parameter of `/items` (for example `category=library`).",
            "Capabilities",
            ["f"],
            _schema_ok("The queryables, as JSON Schema."),
            not_found=True,
        ),
        f"{base}/sortables": _operation(
            f"getSortables_{c.id}",
            f"{c.title}: the properties to sort by",
            "The properties `sortby` may name, as a JSON Schema (`sortby=name`, or "
            "`sortby=-name` for the reverse).",
            "Capabilities",
            ["f"],
            _schema_ok("The sortables, as JSON Schema."),
            not_found=True,
        ),
        f"{base}/items": _operation(
            f"getFeatures_{c.id}",
            f"{c.title}: places, a page at a time",
            "The places as GeoJSON features in id order (or `sortby`), `limit` at a time "
            "with a `next` link; `bbox`, `datetime` and the queryables narrow them, `crs` "
            "gives the positions in British National Grid (EPSG:27700) instead of WGS84.",
            "Data",
            ["f", "limit", "offset", "bbox", "datetime", "crs", "bbox-crs", "sortby"],
            _with_crs(_ok("featureCollectionGeoJSON", GEOJSON, "The page of places, in id order.")),
            not_found=True,
            inline=queryable_parameters(c),
        ),
        f"{base}/items/{{featureId}}": _operation(
            f"getFeature_{c.id}",
            f"{c.title}: one place",
            "One place as a GeoJSON feature, by its id (as in `/items`); `crs` as there.",
            "Data",
            ["featureId", "f", "crs"],
            _with_crs(_ok("featureGeoJSON", GEOJSON, "The place.")),
            not_found=True,
        ),
    }


def openapi_document(
    root_url: str,
    title: str,
    description: str,
    licence_url: str,
    collections: list[Collection],
    max_limit: int,
) -> dict[str, Any]:
    """The OpenAPI 3.0 definition of the OGC API - Features service rooted at `root_url`."""
    paths = _capabilities_paths()
    for c in collections:
        paths.update(_collection_paths(c))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": "1.0.0",
            "description": description,
            "license": {"name": "Open Government Licence v3.0 (the data)", "url": licence_url},
        },
        "servers": [{"url": root_url}],
        "tags": [
            {"name": "Capabilities", "description": "What the service offers."},
            {"name": "Data", "description": "The places."},
        ],
        "paths": paths,
        "components": {"schemas": schemas(), "parameters": parameters(max_limit)},
    }
