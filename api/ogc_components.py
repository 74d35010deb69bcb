"""The schemas of the OGC API - Features OpenAPI 3.0 document (`api.ogc_openapi`): 3.0 JSON
Schema (``nullable``, no ``null`` type). Built afresh on each call, so no caller's edit of a
handed-out document reaches the next one.
"""

from __future__ import annotations

from typing import Any

from locator.feature_crs import CRS84
from locator.features import PUBLIC_FIELDS

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


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(items: dict[str, Any], **bounds: int) -> dict[str, Any]:
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
    return array_of(ref("link"))


def _extent_schema() -> dict[str, Any]:
    bbox = array_of(array_of({"type": "number"}, minItems=4, maxItems=4), minItems=1)
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
            "storageCrs": {"type": "string"},
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
            "coordinates": array_of({"type": "number"}, minItems=2, maxItems=2),
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
            "features": array_of(ref("featureGeoJSON")),
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
            "properties": {"links": _links(), "collections": array_of(ref("collection"))},
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


def schemas() -> dict[str, Any]:
    return {
        "link": _link_schema(),
        **_capabilities_schemas(),
        "featureGeoJSON": _feature_schema(),
        "featureCollectionGeoJSON": _feature_collection_schema(),
        "problem": _problem_schema(),
    }
