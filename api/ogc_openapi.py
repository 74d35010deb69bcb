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

from api.ogc_schemas import GEOJSON, HTML, JSON, OPENAPI_30, PROBLEM_JSON
from locator.features import CRS84, DEFAULT_LIMIT, MAX_LIMIT, PUBLIC_FIELDS, Collection

# -- schemas ----------------------------------------------------------------------------------

_PROPERTY_SCHEMAS: dict[str, dict[str, Any]] = {
    "latitude": {"type": "number"},
    "longitude": {"type": "number"},
    "verified": {
        "type": "boolean",
        "description": "False when the data does not confirm the place is in the scheme.",
    },
    "last_checked": {"type": "string", "format": "date", "nullable": True},
    "name": {"type": "string"},
    "kind": {"type": "string", "enum": ["safe_place", "police_enquiry_office"]},
    "category": {"type": "string"},
    "category_label": {"type": "string"},
    "address": {"type": "string"},
    "location_precision": {
        "type": "string",
        "enum": ["building", "postcode", "street", "locality", "town"],
    },
    "opening_hours": {
        "type": "string",
        "nullable": True,
        "description": "Weekly hours, e.g. Mon 09:00-17:00; Sat 09:00-12:30. Null: not known.",
    },
}


def _property_schema(name: str) -> dict[str, Any]:
    return _PROPERTY_SCHEMAS.get(name, {"type": "string", "nullable": True})


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array_of(items: dict[str, Any], **bounds: int) -> dict[str, Any]:
    return {"type": "array", **bounds, "items": items}


def _link_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
        },
    }


def _links() -> dict[str, Any]:
    return _array_of(_ref("link"))


def _extent_schema() -> dict[str, Any]:
    bbox = _array_of(_array_of({"type": "number"}, minItems=4, maxItems=4), minItems=1)
    crs = {"type": "string", "enum": [CRS84], "default": CRS84}
    return {
        "type": "object",
        "properties": {"spatial": {"type": "object", "properties": {"bbox": bbox, "crs": crs}}},
    }


def _collection_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "attribution": {"type": "string"},
            "itemType": {"type": "string", "enum": ["feature"]},
            "crs": {"type": "array", "items": {"type": "string"}},
            "extent": _extent_schema(),
            "numberOfPlaces": {"type": "integer"},
            "links": _links(),
        },
    }


def _feature_schema() -> dict[str, Any]:
    geometry = {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": _array_of({"type": "number"}, minItems=2, maxItems=2),
        },
    }
    # The id is the feature's own member, not one of its properties.
    properties = {name: _property_schema(name) for name in PUBLIC_FIELDS if name != "id"}
    return {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": geometry,
            "properties": {"type": "object", "properties": properties},
            "links": _links(),
        },
    }


def _feature_collection_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": _array_of(_ref("featureGeoJSON")),
            "links": _links(),
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    }


def _capabilities_schemas() -> dict[str, Any]:
    """The landing page, the conformance classes and the collections."""
    return {
        "landingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "attribution": {"type": "string"},
                "links": _links(),
            },
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "collection": _collection_schema(),
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {"links": _links(), "collections": _array_of(_ref("collection"))},
        },
    }


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
        },
    }


def _schemas() -> dict[str, Any]:
    return {
        "link": _link_schema(),
        **_capabilities_schemas(),
        "featureGeoJSON": _feature_schema(),
        "featureCollectionGeoJSON": _feature_collection_schema(),
        "problem": _problem_schema(),
    }


# -- parameters -------------------------------------------------------------------------------


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter, given once with a single value (form style, unexploded)."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        "style": "form",
        "explode": False,
    }


def _crs84_only() -> dict[str, Any]:
    return {"type": "string", "format": "uri", "enum": [CRS84], "default": CRS84}


def _parameters() -> dict[str, Any]:
    limit = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
    return {
        "f": _query(
            "f",
            "The format: json, or html for a web page. Without it the Accept "
            "header decides (JSON unless HTML is preferred).",
            {"type": "string", "enum": ["json", "html"]},
        ),
        "limit": _query(
            "limit", f"How many places at most (1 to {MAX_LIMIT}; more is a 400).", limit
        ),
        "offset": _query(
            "offset",
            "How many matching places to skip (the next link sets it).",
            {"type": "integer", "minimum": 0, "default": 0},
        ),
        "bbox": _query(
            "bbox",
            "Only places inside: min lon, min lat, max lon, max lat (CRS84).",
            _array_of({"type": "number"}, minItems=4, maxItems=6),
        ),
        "datetime": _query(
            "datetime",
            "An RFC 3339 instant or interval. Places have no time dimension: "
            "every place matches a valid value.",
            {"type": "string"},
        ),
        "crs": _query(
            "crs", "The CRS of the answer: only CRS84 (the default) is served.", _crs84_only()
        ),
        "bbox-crs": _query("bbox-crs", "The CRS of bbox: only CRS84 (the default).", _crs84_only()),
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": "The place's id.",
            "schema": {"type": "string"},
        },
    }


# -- paths ------------------------------------------------------------------------------------


def _ok(ref: str, media_type: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            media_type: {"schema": _ref(ref)},
            HTML: {"schema": {"type": "string"}},
        },
    }


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _ref("problem")}}}


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    params: list[str],
    ok: dict[str, Any],
    not_found: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "400": _problem("A parameter is not valid.")}
    if not_found:
        responses["404"] = _problem("There is no such collection or feature.")
    responses["500"] = _problem("Something went wrong on the server.")
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params],
            "responses": responses,
        }
    }


def _api_operation() -> dict[str, Any]:
    """/api itself: its 200 is this document, in OpenAPI's own media type."""
    return {
        "get": {
            "operationId": "getAPI",
            "summary": "This API definition (OpenAPI 3.0)",
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
            "Capabilities",
            ["f"],
            _ok("landingPage", JSON, "Links to the API definition, conformance and data."),
        ),
        "/conformance": _operation(
            "getConformanceDeclaration",
            "The conformance classes this service implements",
            "Capabilities",
            ["f"],
            _ok("confClasses", JSON, "The conformance classes."),
        ),
        "/api": _api_operation(),
        "/collections": _operation(
            "getCollections",
            "The feature collections",
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
            "Capabilities",
            ["f"],
            _ok("collection", JSON, c.description),
            not_found=True,
        ),
        f"{base}/items": _operation(
            f"getFeatures_{c.id}",
            f"{c.title}: places, a page at a time",
            "Data",
            ["f", "limit", "offset", "bbox", "datetime", "crs", "bbox-crs"],
            _ok("featureCollectionGeoJSON", GEOJSON, "The page of places, in id order."),
            not_found=True,
        ),
        f"{base}/items/{{featureId}}": _operation(
            f"getFeature_{c.id}",
            f"{c.title}: one place",
            "Data",
            ["featureId", "f", "crs"],
            _ok("featureGeoJSON", GEOJSON, "The place."),
            not_found=True,
        ),
    }


def openapi_document(
    root_url: str, title: str, description: str, licence_url: str, collections: list[Collection]
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
        "components": {"schemas": _schemas(), "parameters": _parameters()},
    }
