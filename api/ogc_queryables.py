"""A collection's queryables and sortables (OGC API - Features Part 3, and the Sorting draft)
as JSON Schema documents, written from `locator.feature_query.QUERYABLES`: what a query may
filter on or sort by is declared from the same list that matches it."""

from __future__ import annotations

from typing import Any, Literal

from locator.feature_query import QUERYABLES, Queryable
from locator.features import Collection

SCHEMA_JSON = "application/schema+json"
JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SORTABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/sortables"

Resource = Literal["queryables", "sortables"]

_INTRO: dict[Resource, str] = {
    "queryables": (
        "Properties the places can be filtered on, each as a query parameter of the items "
        "(e.g. ?category=library&verified=true): a place is kept when it equals every value "
        "given. Text is matched exactly (case-sensitive), a postcode with case and spaces "
        "ignored. Any other parameter name is refused."
    ),
    "sortables": (
        "Properties the places can be sorted by, with sortby (e.g. ?sortby=name,-category: - "
        "in front sorts the other way). Text sorts case-insensitively; places without a "
        "value come last; ties keep id order."
    ),
}


def property_schema(q: Queryable, c: Collection) -> dict[str, Any]:
    """One queryable in JSON Schema 2020-12 (``null`` a type of its own where it may be)."""
    schema: dict[str, Any] = {
        "title": q.title,
        "description": q.description,
        "type": [q.type, "null"] if q.nullable else q.type,
    }
    if q.format:
        schema["format"] = q.format
    if q.choices:
        schema["enum"] = q.choices(c.kind)
    if q.role:
        schema["x-ogc-role"] = q.role
    return schema


def schema_document(resource: Resource, uri: str, c: Collection) -> dict[str, Any]:
    """The queryables or sortables of collection `c`, whose address (its ``$id``) is `uri`."""
    properties: dict[str, Any] = {}
    if resource == "queryables":
        # The position: filtered with bbox (and bbox-crs), not as a parameter of its own.
        properties["geometry"] = {
            "title": "Position",
            "description": "Where the place is: a point. Filter with bbox.",
            "format": "geometry-point",
            "x-ogc-role": "primary-geometry",
        }
    properties.update({q.name: property_schema(q, c) for q in QUERYABLES})
    return {
        "$schema": JSON_SCHEMA_2020_12,
        "$id": uri,
        "type": "object",
        "title": f"{c.title}: {resource}",
        "description": _INTRO[resource],
        "properties": properties,
        "additionalProperties": False,
    }
