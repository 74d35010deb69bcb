"""Response models of the OGC API - Features endpoints, and their OpenAPI 3.0 definition.

FastAPI describes the whole app in OpenAPI 3.1 at /openapi.json. OGC API - Features clients
(GDAL's OAPIF driver, OWSLib, QGIS) read the ``service-desc`` link of the landing page and
expect OpenAPI 3.0, so `openapi_document` writes one by hand for the /ogc part: 3.0 JSON Schema
(``nullable``, no ``null`` type), each collection's paths spelled out (GDAL looks up the
``limit`` parameter under ``/collections/{its id}/items`` to choose its page size).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from locator.features import (
    CRS84,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    PUBLIC_FIELDS,
    BBox,
    Collection,
    Value,
)

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
PROBLEM_JSON = "application/problem+json"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


class Link(BaseModel):
    href: str
    rel: str
    type: str
    title: str


class LandingPage(BaseModel):
    title: str
    description: str
    attribution: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]  # noqa: N815 - the standard's name


class SpatialExtent(BaseModel):
    bbox: list[list[float]] = Field(description="min lon, min lat, max lon, max lat")
    crs: str = CRS84

    @classmethod
    def of(cls, box: BBox) -> SpatialExtent:
        return cls(bbox=[[round(v, 6) for v in box]])


class Extent(BaseModel):
    spatial: SpatialExtent


class CollectionOut(BaseModel):
    id: str
    title: str
    description: str
    attribution: str
    itemType: Literal["feature"] = "feature"  # noqa: N815
    crs: list[str] = [CRS84]
    extent: Extent | None = None
    numberOfPlaces: int = Field(description="Active places in the collection.")  # noqa: N815
    links: list[Link]


class CollectionsOut(BaseModel):
    links: list[Link]
    collections: list[CollectionOut]


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(description="longitude, latitude (CRS84)")


class FeatureOut(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: dict[str, Value]
    links: list[Link] | None = None


class FeatureCollectionOut(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[FeatureOut]
    links: list[Link]
    numberMatched: int  # noqa: N815
    numberReturned: int  # noqa: N815
    timeStamp: str  # noqa: N815


# -- OpenAPI 3.0 ------------------------------------------------------------------------------

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


def _schemas() -> dict[str, Any]:
    link = {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
        },
    }
    links = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
    extent = {
        "type": "object",
        "properties": {
            "spatial": {
                "type": "object",
                "properties": {
                    "bbox": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "array",
                            "minItems": 4,
                            "maxItems": 4,
                            "items": {"type": "number"},
                        },
                    },
                    "crs": {"type": "string", "enum": [CRS84], "default": CRS84},
                },
            }
        },
    }
    collection = {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "attribution": {"type": "string"},
            "itemType": {"type": "string", "enum": ["feature"]},
            "crs": {"type": "array", "items": {"type": "string"}},
            "extent": extent,
            "numberOfPlaces": {"type": "integer"},
            "links": links,
        },
    }
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {
                "type": "object",
                "required": ["type", "coordinates"],
                "properties": {
                    "type": {"type": "string", "enum": ["Point"]},
                    "coordinates": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 2,
                        "items": {"type": "number"},
                    },
                },
            },
            "properties": {
                "type": "object",
                "properties": {
                    name: _property_schema(name) for name in PUBLIC_FIELDS if name != "id"
                },
            },
            "links": links,
        },
    }
    return {
        "link": link,
        "landingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "attribution": {"type": "string"},
                "links": links,
            },
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "collection": collection,
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/collection"},
                },
            },
        },
        "featureGeoJSON": feature,
        "featureCollectionGeoJSON": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/featureGeoJSON"},
                },
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
            },
        },
        "problem": {
            "type": "object",
            "description": "RFC 9457 problem details.",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
            },
        },
    }


def _parameters() -> dict[str, Any]:
    return {
        "f": {
            "name": "f",
            "in": "query",
            "required": False,
            "description": "The format: json, or html for a web page. Without it the Accept "
            "header decides (JSON unless HTML is preferred).",
            "schema": {"type": "string", "enum": ["json", "html"]},
            "style": "form",
            "explode": False,
        },
        "limit": {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"How many places at most (1 to {MAX_LIMIT}; more is a 400).",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
            "style": "form",
            "explode": False,
        },
        "offset": {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "How many matching places to skip (the next link sets it).",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
            "style": "form",
            "explode": False,
        },
        "bbox": {
            "name": "bbox",
            "in": "query",
            "required": False,
            "description": "Only places inside: min lon, min lat, max lon, max lat (CRS84).",
            "schema": {
                "type": "array",
                "minItems": 4,
                "maxItems": 6,
                "items": {"type": "number"},
            },
            "style": "form",
            "explode": False,
        },
        "datetime": {
            "name": "datetime",
            "in": "query",
            "required": False,
            "description": "An RFC 3339 instant or interval. Places have no time dimension: "
            "every place matches a valid value.",
            "schema": {"type": "string"},
            "style": "form",
            "explode": False,
        },
        "crs": {
            "name": "crs",
            "in": "query",
            "required": False,
            "description": "The CRS of the answer: only CRS84 (the default) is served.",
            "schema": {"type": "string", "format": "uri", "enum": [CRS84], "default": CRS84},
            "style": "form",
            "explode": False,
        },
        "bbox-crs": {
            "name": "bbox-crs",
            "in": "query",
            "required": False,
            "description": "The CRS of bbox: only CRS84 (the default).",
            "schema": {"type": "string", "format": "uri", "enum": [CRS84], "default": CRS84},
            "style": "form",
            "explode": False,
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": "The place's id.",
            "schema": {"type": "string"},
        },
    }


def _ok(ref: str, media_type: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            media_type: {"schema": {"$ref": f"#/components/schemas/{ref}"}},
            HTML: {"schema": {"type": "string"}},
        },
    }


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/problem"}}},
    }


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


def openapi_document(
    root_url: str, title: str, description: str, licence_url: str, collections: list[Collection]
) -> dict[str, Any]:
    """The OpenAPI 3.0 definition of the OGC API - Features service rooted at `root_url`."""
    paths: dict[str, Any] = {
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
        "/api": {
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
        },
        "/collections": _operation(
            "getCollections",
            "The feature collections",
            "Capabilities",
            ["f"],
            _ok("collections", JSON, "The collections, with their extents."),
        ),
    }
    for c in collections:
        base = f"/collections/{c.id}"
        paths[base] = _operation(
            f"describeCollection_{c.id}",
            f"About the collection {c.title}",
            "Capabilities",
            ["f"],
            _ok("collection", JSON, c.description),
            not_found=True,
        )
        paths[f"{base}/items"] = _operation(
            f"getFeatures_{c.id}",
            f"{c.title}: places, a page at a time",
            "Data",
            ["f", "limit", "offset", "bbox", "datetime", "crs", "bbox-crs"],
            _ok("featureCollectionGeoJSON", GEOJSON, "The page of places, in id order."),
            not_found=True,
        )
        paths[f"{base}/items/{{featureId}}"] = _operation(
            f"getFeature_{c.id}",
            f"{c.title}: one place",
            "Data",
            ["featureId", "f", "crs"],
            _ok("featureGeoJSON", GEOJSON, "The place."),
            not_found=True,
        )
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
