"""A route's query parameters read in one step, by one model made from the route's signature.

FastAPI reads and checks each parameter of each request on its own, as part of solving the
route's dependencies; for a route answered in a fraction of a millisecond that is much of
the cost. This reads the same parameters with the same checks (the signature's types and
limits, compiled once into a pydantic model) and fails the same way, with FastAPI's
`RequestValidationError`, so the same 422 problem+json says what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn
from urllib.parse import unquote

from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError, create_model
from starlette.datastructures import QueryParams

from api.params import check_query

QueryItems = list[tuple[str, str]]


def query_items(raw: bytes) -> QueryItems:
    """A query string's names and values, in order: what Starlette's `QueryParams` holds
    (`urllib.parse.parse_qsl`, blank values kept, on the string read as Latin-1), without
    its checks of its own arguments (the one parse of every search)."""
    items: QueryItems = []
    for part in raw.decode("latin-1").split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "+" in part:
            name, value = name.replace("+", " "), value.replace("+", " ")
        items.append((_unquote(name), _unquote(value)))
    return items


def _unquote(text: str) -> str:
    """`unquote`, with the commonest escape of all (the space in a postcode) read without
    it: text whose only escapes are "%20" is that text with spaces."""
    if "%" not in text:
        return text
    spaced = text.replace("%20", " ")
    return spaced if "%" not in spaced else unquote(text)


class QueryReader:
    """Reads a query string into the values of the route's query parameters, by name."""

    def __init__(self, fields: Sequence[ModelField]) -> None:
        # A list parameter takes every value given (`kind=a&kind=b`), any other the last one,
        # and one given no value takes its default: as FastAPI reads them.
        self._names = {f.alias: f.name for f in fields}
        self._lists = frozenset(
            f.alias for f in fields if field_annotation_is_sequence(f.field_info.annotation)
        )
        self._aliases = frozenset(self._names)
        self._single = tuple(sorted(self._aliases - self._lists))
        definitions: dict[str, Any] = {
            f.name: (f.field_info.annotation, f.field_info) for f in fields
        }
        self._model: type[BaseModel] = create_model("QueryParameters", **definitions)
        # Optional text with at most a length, and nothing else to check (a postcode, a place
        # name): a string that long is its own value, as the model reads it. When nothing
        # else is given (the commonest search), the values are the defaults and those.
        self._texts = {f.name: limit for f in fields if (limit := _text_limit(f)) is not None}
        self._defaults = {
            f.name: f.field_info.get_default(call_default_factory=True) for f in fields
        }

    def read(self, query: QueryItems | QueryParams) -> dict[str, Any]:
        """The parameters' values, by name, from the query's items (`query_items`) or its
        `QueryParams`; a value that fails its checks raises the 422, a parameter the route
        doesn't take the 400 (`api.params.check_query`)."""
        items = query.multi_items() if isinstance(query, QueryParams) else query
        names, lists = self._names, self._lists
        given: dict[str, Any] = {}
        for alias, value in items:
            name = names.get(alias)
            if name is None or (alias not in lists and name in given):
                self._refuse(items)  # not taken, or given twice
            if alias in lists:
                given.setdefault(name, []).append(value)
            else:
                given[name] = value
        texts = self._texts
        if all(name in texts and len(value) <= texts[name] for name, value in given.items()):
            return {**self._defaults, **given}
        try:
            found = self._model.model_validate(given)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from None
        return found.__dict__

    def _refuse(self, items: QueryItems) -> NoReturn:
        """The 400 (a parameter not taken) or 422 (one given twice) of every JSON API route."""
        check_query(QueryParams(items), self._aliases, self._single)
        raise AssertionError("check_query refuses what the reader doesn't take")


def _text_limit(field: ModelField) -> int | None:
    """The longest text an optional text parameter takes, if that is all that is checked."""
    info = field.field_info
    if info.annotation != (str | None) or info.default is not None:
        return None
    if len(info.metadata) != 1 or type(info.metadata[0]).__name__ != "MaxLen":
        return None
    limit = getattr(info.metadata[0], "max_length", None)
    return limit if isinstance(limit, int) else None
