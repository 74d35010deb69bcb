"""The query and path parameters of the OGC API - Features OpenAPI 3.0 document
(`api.ogc_openapi`), built afresh on each call."""

from __future__ import annotations

from typing import Any

from api.ogc_components import array_of
from locator.feature_crs import CRS84, CRS_URIS
from locator.feature_query import QUERYABLE_NAMES, QUERYABLES
from locator.features import DEFAULT_LIMIT, Collection

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


def _crs() -> dict[str, Any]:
    return {"type": "string", "format": "uri", "enum": list(CRS_URIS), "default": CRS84}


def _sortby() -> dict[str, Any]:
    names = "|".join(QUERYABLE_NAMES)
    return {"type": "string", "pattern": f"^[+-]?({names})(,[+-]?({names}))*$"}


def parameters(max_limit: int) -> dict[str, Any]:
    default = min(DEFAULT_LIMIT, max_limit)
    # The maximum is what a page holds, not a bound on what may be asked (Core: a larger limit
    # is served as the maximum); GDAL reads it as its page size when none is set.
    limit = {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default}
    return {
        "f": _query(
            "f",
            "The format: json, or html for a web page. Without it the Accept "
            "header decides (JSON unless HTML is preferred).",
            {"type": "string", "enum": ["json", "html"]},
        ),
        "limit": _query(
            "limit",
            f"How many places at most: 1 or more. A page holds at most {max_limit}: a larger "
            f"limit is served as {max_limit} (numberReturned says how many came, the next "
            "link leads on).",
            limit,
        ),
        "offset": _query(
            "offset",
            "How many matching places to skip (the next link sets it).",
            {"type": "integer", "minimum": 0, "default": 0},
        ),
        "bbox": _query(
            "bbox",
            "Only places inside: the lower corner, then the upper one, in the axis order of "
            "bbox-crs (CRS84: min lon, min lat, max lon, max lat; EPSG:27700: min easting, "
            "min northing, max easting, max northing).",
            array_of({"type": "number"}, minItems=4, maxItems=6),
        ),
        "datetime": _query(
            "datetime",
            "An RFC 3339 instant or interval. Places have no time dimension: "
            "every place matches a valid value.",
            {"type": "string"},
        ),
        "crs": _query(
            "crs",
            "The CRS of the positions in the answer (the Content-Crs header says which): CRS84 "
            "(the default: longitude, latitude), EPSG:4326 (latitude, longitude) or EPSG:27700 "
            "(British National Grid: easting, northing in metres).",
            _crs(),
        ),
        "bbox-crs": _query("bbox-crs", "The CRS of bbox (default CRS84), from crs's list.", _crs()),
        "sortby": _query(
            "sortby",
            "The order: property names (the collection's sortables), e.g. name,-category; - in "
            "front sorts the other way. Default: by id.",
            _sortby(),
        ),
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": "The place's id.",
            "schema": {"type": "string"},
        },
    }


def queryable_parameters(c: Collection) -> list[dict[str, Any]]:
    """The property filters of collection `c`'s items, one parameter per queryable."""
    found = []
    for q in QUERYABLES:
        schema: dict[str, Any] = {"type": q.type}
        if q.format:
            schema["format"] = q.format
        if q.choices:
            schema["enum"] = q.choices(c.kind)
        found.append(_query(q.name, f"Only places where {q.name} is this. {q.description}", schema))
    return found
