"""One table from errors to RFC 9457 problem+json responses; no error echoes input to logs."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import login_redirect, two_factor_redirect
from api.html import error_page, wants_html
from api.schemas import ChoiceOut
from geodata.engine import storage_error
from geodata.placenames import PlaceName
from locator import errors as domain
from locator.errors import (
    DatabaseUnreachable,
    NotAuthenticated,
    SafePlacesError,
    StaleEdit,
    StorageUnavailable,
    TooManyTries,
    TwoFactorNeeded,
)

log = logging.getLogger("safeplaces.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"

_HTTP_TEXT = {
    # FastAPI's own 400: a request body it could not parse.
    400: ("unreadable-body", "The request could not be read", "Send the body as JSON, in UTF-8."),
    404: ("not-found", "Not found", "There is nothing at this address."),
    405: ("method-not-allowed", "Method not allowed", "This address does not accept that method."),
}


# Each domain error's HTTP status, in one place (tipg's DEFAULT_STATUS_CODES does the same).
# A class not listed takes its nearest listed base's status.
STATUS_CODES: dict[type[SafePlacesError], int] = {
    SafePlacesError: 400,
    domain.BadQueryParameter: 400,
    domain.NotAuthenticated: 401,
    domain.Forbidden: 403,
    domain.AccountDisabled: 403,
    domain.UnknownPostcode: 404,
    domain.UnknownPlace: 404,
    domain.CollectionNotFound: 404,
    domain.PlaceNotFound: 404,
    domain.AccountNotFound: 404,
    domain.AmbiguousPlace: 409,
    domain.DuplicateReference: 409,
    domain.StaleEdit: 412,
    domain.InvalidPostcode: 422,
    domain.InvalidCoordinates: 422,
    domain.InvalidParameter: 422,
    domain.PlaceInvalid: 422,
    domain.AccountInvalid: 422,
    domain.PreconditionRequired: 428,
    domain.TooManyTries: 429,
    domain.GeocoderUnavailable: 503,
    domain.StorageUnavailable: 503,
    domain.DatabaseUnreachable: 503,
    domain.MailNotSetUp: 503,
    domain.MailFailed: 503,
}


def status_of(exc: SafePlacesError) -> int:
    """The HTTP status for a domain error (pages use it too, for the page they answer with)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return 400


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update(extra)
    # An error may quote what was asked (a postcode): no cache keeps it.
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers={"Cache-Control": "no-store"}
    )


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SafePlacesError)
    log.info("%s: %s", exc.slug, exc.log_message)
    status = status_of(exc)
    if isinstance(exc, NotAuthenticated) and (redirect := login_redirect(request)):
        return redirect
    if isinstance(exc, TwoFactorNeeded) and (redirect := two_factor_redirect(request)):
        return redirect
    if wants_html(request):
        page = error_page(request, status, exc.title, exc.user_message)
        return _retry_later(page, exc)
    extra: dict[str, Any] = {}
    if exc.field_errors:
        extra["errors"] = exc.field_errors
    if isinstance(exc, StaleEdit):
        extra["current_version"] = exc.current_version
    if exc.choices:
        extra["choices"] = [
            ChoiceOut.of(c).model_dump() for c in exc.choices if isinstance(c, PlaceName)
        ]
    response = problem(status, exc.slug, exc.title, exc.user_message, **extra)
    if isinstance(exc, NotAuthenticated):
        response.headers["WWW-Authenticate"] = 'Bearer realm="safeplaces staff"'
    return _retry_later(response, exc)


def _retry_later(response: Response, exc: SafePlacesError) -> Response:
    # When to try again (RFC 9110 Retry-After, in seconds).
    if isinstance(exc, TooManyTries):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    if isinstance(exc, StorageUnavailable):
        # A full or read-only disk needs someone to fix it: not worth retrying at once.
        response.headers["Retry-After"] = "300"
    if isinstance(exc, DatabaseUnreachable):
        # A server restart takes a minute or so.
        response.headers["Retry-After"] = "60"
    return response


async def _os_error(request: Request, exc: Exception) -> Response:
    """A full or read-only disk outside the database (an upload spooled to disk): the same
    503 as the database's. Any other OSError is unexpected, as before."""
    fault = storage_error(exc)
    if fault is None:
        raise exc
    return await _domain_error(request, fault)


# Parameter names in words, with the name itself for whoever is writing the request.
_FIELD_WORDS = {
    "q": "The search (q)",
    "postcode": "The postcode",
    "k": "The number of places (k)",
    "radius_m": "The distance in metres (radius_m)",
    "prefix": "The start of the place name (prefix)",
    "limit": "The number of results (limit)",
    "offset": "The number to skip (offset)",
    "radius": "The distance in metres (radius)",
    "postcodes": "The list of postcodes (postcodes)",
    "lat": "The latitude (lat)",
    "lon": "The longitude (lon)",
    "open_now": "Open now (open_now)",
}


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "body")]
    name = ".".join(parts)
    return _FIELD_WORDS.get(name, name or "The request")


_EXPECTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "finite_number": "a number",
    "bool_parsing": "true or false",
}


def _explain(error: dict[str, Any]) -> str:
    name = _field_name(error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx", {}) or {}
    if kind == "missing" and tuple(error.get("loc", ())) == ("body",):
        return "The request body must be a JSON object."
    if kind == "missing":
        return f"{name} is needed."
    if kind in ("json_invalid", "model_attributes_type", "dict_type"):
        return "The request body must be a JSON object."
    if kind in _EXPECTED:
        return f"{name} must be {_EXPECTED[kind]}."
    for key, words in (
        ("ge", "at least"),
        ("gt", "more than"),
        ("le", "at most"),
        ("lt", "less than"),
    ):
        if key in ctx:
            limit = ctx[key]
            shown = f"{limit:g}" if isinstance(limit, int | float) else str(limit)
            return f"{name} must be {words} {shown}."
    if kind == "too_long" and "max_length" in ctx:
        return f"{name} has too many: at most {ctx['max_length']}."
    if kind in ("string_too_long", "too_long"):
        return f"{name} is too long."
    if kind == "string_type":
        return f"{name} must be text."
    if kind in ("string_too_short", "too_short"):
        return f"{name} is empty."
    return f"{name} is not valid."


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [_explain(e) for e in exc.errors()]
    log.info("invalid-parameter: %d field error(s)", len(errors))
    detail = " ".join(dict.fromkeys(errors)) or "Something in the request was not valid."
    if wants_html(request):
        return error_page(request, 422, "Something in the search was not valid", detail)
    return problem(422, "invalid-parameter", "Something in the search was not valid", detail)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    slug, title, detail = _HTTP_TEXT.get(
        exc.status_code, ("http-error", "Request failed", "The request could not be handled.")
    )
    if exc.status_code == 404 and wants_html(request):
        return error_page(request, 404, "Page not found", "There is no page at this address.")
    response = problem(exc.status_code, slug, title, detail)
    # A 405 says which methods are allowed.
    response.headers.update(exc.headers or {})
    return response


def unexpected_error(exc: BaseException) -> JSONResponse:
    """A generic 500, logged once. Called by the access-log middleware, which sits outside
    Starlette's own error handling so the server never logs the exception's message."""
    # The exception's message may quote input, so log its type and stack only.
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled %s\n%s", type(exc).__name__, stack)
    return problem(
        500,
        "internal-error",
        "Something went wrong",
        "Something went wrong on our side. Please try again. If you need help now, call 999.",
    )


def register_error_handlers(app: FastAPI) -> None:
    """Install every handler from one table."""
    table: list[tuple[type[Exception] | int, Any]] = [
        (SafePlacesError, _domain_error),
        (RequestValidationError, _validation_error),
        (StarletteHTTPException, _http_error),
        (OSError, _os_error),
    ]
    for key, handler in table:
        app.add_exception_handler(key, handler)
