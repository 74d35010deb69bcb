"""The query and path parameters of the OGC API - Features OpenAPI 3.0 document
(`api.ogc_openapi`), built afresh on each call."""

from __future__ import annotations

from typing import Any

from api.ogc_components import array_of
from locator.features import CRS84, DEFAULT_LIMIT

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
            "Only places inside: min lon, min lat, max lon, max lat (CRS84).",
            array_of({"type": "number"}, minItems=4, maxItems=6),
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
