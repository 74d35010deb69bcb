"""The OpenAPI document's error answers: every 4xx an operation can give, as RFC 9457
problem+json with one `Problem` schema, so a client generated from it knows what comes back."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from api.errors import PROBLEM_JSON

_REF = "#/components/schemas/"


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
}


def problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _MEANS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": _REF + "Problem"}}},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's `responses=`: the error statuses it can answer, as problem+json."""
    return {status: problem_response(status) for status in statuses}


def document_problems(app: FastAPI) -> None:
    """Make `app.openapi()` carry the `Problem` schema, and describe the 422 FastAPI adds to
    every operation with parameters as what the app really sends (problem+json)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _describe(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _describe(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template=_REF + "{model}")
    for item in document.get("paths", {}).values():
        for operation in item.values():
            answers = operation.get("responses", {})
            if _REF + "HTTPValidationError" in json.dumps(answers.get("422", {})):
                answers["422"] = problem_response(422)
    # FastAPI's own validation error shapes are never sent: leave them out once unused.
    for name in ("HTTPValidationError", "ValidationError"):
        others = {k: v for k, v in schemas.items() if k != name}
        if _REF + name not in json.dumps([document.get("paths"), others]):
            schemas.pop(name, None)
