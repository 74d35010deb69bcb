"""What the OpenAPI document (/openapi.json) says beyond what FastAPI writes by itself, for the
client generators and linters that partners point at it: each operation's id (from its
function's name), its tag (described once, here), who may call it (`security`, `[]` for the
public ones), and every error it can give, as RFC 9457 problem+json with one `Problem`
schema. Any route added to the app gets all of it without doing anything."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from api.errors import PROBLEM_JSON
from api.settings import Settings
from geodata.opendata import DatasetInfo

_REF = "#/components/schemas/"
_LONGEST_SUMMARY = 120


class Problem(BaseModel):
    """An RFC 9457 problem: `detail` is written for the person using the service. Some
    problems add members: `errors` (a message per field), `choices` (places a name may mean),
    `current_version` (after a stale edit)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/problems/unknown-postcode"])
    title: str = Field(examples=["We couldn't find that postcode"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["We couldn't find the postcode DE4 9ZZ. Please check it."])
    instance: str | None = None


# What each status means here, in the words a client's author needs.
_MEANS = {
    400: "The request was not valid (a query parameter this operation doesn't take, or a bad "
    "value): `detail` says which.",
    401: "No valid API token: send `Authorization: Bearer <token>`.",
    403: "This account may not do this (its role or its areas), or the request came from a page "
    "on another website (a foreign `Origin`).",
    404: "Not found: `detail` says what.",
    409: "The name matches more than one place: `choices` lists them, each with a `q` to ask "
    "again with.",
    412: "The place has changed since you read it (`If-Match` is out of date): "
    "`current_version` is its version now. Read it again, then make your change.",
    422: "Something in the request is not valid: `detail` says what, and `errors` (where "
    "given) has a message for each field.",
    428: "The `If-Match` header is needed: send the `ETag` you got when you read the place.",
    503: "Not available just now (the database, or the online place-name search, is not "
    "answering): try again after the `Retry-After` seconds.",
}

# Every tag an operation may carry, in the order the documentation lists them. A route with
# a tag not described here fails the OpenAPI lint (tests/api/test_openapi_lint.py).
TAGS: dict[str, str] = {
    "search": "Find a location (a postcode or a place name) and the places nearest to it.",
    "places": "The places themselves, one at a time or all at once as GeoJSON.",
    "postcodes": "Postcodes: where they are, many at once, and the nearest to a point.",
    "downloads": "The open data files: every active place as GeoJSON, CSV or GeoPackage.",
    "ogc": "OGC API - Features: the places as collections, for GIS software (also described "
    "in OpenAPI 3.0 at /ogc/api).",
    "oruk": "Open Referral UK: the places as services, read-only.",
    "about": "The service and its data: version, licence, attribution.",
    "health": "For the people running the service: is it up, is it ready.",
    "staff": "Scheme officers' changes to the places. Needs an API token "
    "(`safeplaces tokens create`).",
}


# A body that isn't JSON text never reaches the route: FastAPI refuses it, for every route.
_UNREADABLE_BODY = "The request body could not be read: send JSON, in UTF-8."


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    """One error answer; `description` where this operation's reason differs from the usual
    one for the status."""
    return {
        "description": description or _MEANS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": _REF + "Problem"}}},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's `responses=`: the error statuses it can answer, as problem+json."""
    return {status: problem_response(status) for status in statuses}


def operation_id(route: APIRoute) -> str:
    """An operation's id: its route's name (the function's, unless the route names itself) in
    camelCase, e.g. `nearestPlaces`; it stays the same while the function keeps its name."""
    first, *rest = route.name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def document_api(app: FastAPI, settings: Settings) -> None:
    """Make `app.openapi()` carry the `Problem` schema, the tags, the licence and contact, the
    server and each operation's `security`; and describe the 422 FastAPI adds to every
    operation with parameters as what the app really sends (problem+json)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            document["info"].update(_info(settings))
            # Relative to where the document is read, unless the public address is known.
            url = settings.server.public_url or settings.server.root_path or "/"
            document["servers"] = [{"url": url, "description": "This service"}]
            _describe(document)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _info(settings: Settings) -> dict[str, Any]:
    """The data's licence (what a partner may do with the answers), and whom to ask."""
    data = DatasetInfo.of(settings)
    contact: dict[str, str] = {"name": "The Safe Places scheme"}
    asked = settings.partners.contact.strip()
    if asked.startswith(("https://", "http://")):
        contact["url"] = asked
    elif "@" in asked:
        contact["email"] = asked.removeprefix("mailto:")
    return {"license": {"name": data.licence_name, "url": data.licence_url}, "contact": contact}


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in document.get("paths", {}).values() for op in item.values()]


def _describe(document: dict[str, Any]) -> None:
    used: set[str] = set()
    for operation in _operations(document):
        # FastAPI declares a scheme only for routes that take a token: the rest are public.
        operation.setdefault("security", [])
        used.update(operation.get("tags", []))
        _summarise(operation)
    document["tags"] = [{"name": n, "description": d} for n, d in TAGS.items() if n in used]
    _type_tuples(document.get("components", {}).get("schemas", {}))
    _describe_problems(document)


def _summarise(operation: dict[str, Any]) -> None:
    """A route that names no summary gets its docstring's first sentence, not FastAPI's
    title-cased function name ("Place By Id"): the line a reader sees beside the path."""
    words = re.sub(r"(?<!^)([A-Z])", r" \1", operation.get("operationId", "")).title()
    paragraph = " ".join(operation.get("description", "").split("\n\n")[0].split())
    first = paragraph.split(". ")[0].rstrip(".")
    if operation.get("summary") == words and 0 < len(first) <= _LONGEST_SUMMARY:
        operation["summary"] = first


def describe_public(document: dict[str, Any], settings: Settings) -> None:
    """For a document of public operations only (the OGC API's, at /ogc/api): whom to ask,
    and that no operation needs a token."""
    document["info"].setdefault("contact", _info(settings)["contact"])
    document.setdefault("security", [])


def _type_tuples(node: Any) -> None:
    """Give each tuple (a coordinate pair, a bbox: `prefixItems`) an `items` too, the type
    its members share: without one, generators and OpenAPI 3.0 tools see a list of anything.
    `maxItems` already allows no more than the tuple's members, so it adds no items."""
    if isinstance(node, list):
        for child in node:
            _type_tuples(child)
    elif isinstance(node, dict):
        members = node.get("prefixItems")
        if isinstance(members, list) and members and "items" not in node:
            shapes = [
                {k: v for k, v in m.items() if k not in ("title", "description")} for m in members
            ]
            distinct = [s for i, s in enumerate(shapes) if s not in shapes[:i]]
            node["items"] = distinct[0] if len(distinct) == 1 else {"anyOf": distinct}
        for child in node.values():
            _type_tuples(child)


def _describe_problems(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template=_REF + "{model}")
    for operation in _operations(document):
        answers = operation.get("responses", {})
        if _REF + "HTTPValidationError" in json.dumps(answers.get("422", {})):
            answers["422"] = problem_response(422)
        if "requestBody" in operation:
            answers.setdefault("400", problem_response(400, _UNREADABLE_BODY))
    # FastAPI's own validation error shapes are never sent: leave them out once unused.
    for name in ("HTTPValidationError", "ValidationError"):
        others = {k: v for k, v in schemas.items() if k != name}
        if _REF + name not in json.dumps([document.get("paths"), others]):
            schemas.pop(name, None)
