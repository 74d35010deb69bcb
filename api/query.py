"""A route's query parameters read in one step, by one model made from the route's signature.

FastAPI reads and checks each parameter of each request on its own, as part of solving the
route's dependencies; for a route answered in a fraction of a millisecond that is much of
the cost. This reads the same parameters with the same checks (the signature's types and
limits, compiled once into a pydantic model) and fails the same way, with FastAPI's
`RequestValidationError`, so the same 422 problem+json says what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError, create_model
from starlette.datastructures import QueryParams

from api.params import check_query


class QueryReader:
    """Reads a query string into the values of the route's query parameters, by name."""

    def __init__(self, fields: Sequence[ModelField]) -> None:
        # A list parameter takes every value given (`kind=a&kind=b`), any other the last one,
        # and one given no value takes its default: as FastAPI reads them.
        self._names = tuple((f.name, f.alias) for f in fields)
        self._lists = frozenset(
            f.alias for f in fields if field_annotation_is_sequence(f.field_info.annotation)
        )
        self._aliases = frozenset(alias for _, alias in self._names)
        self._single = tuple(sorted(self._aliases - self._lists))
        definitions: dict[str, Any] = {
            f.name: (f.field_info.annotation, f.field_info) for f in fields
        }
        self._model: type[BaseModel] = create_model("QueryParameters", **definitions)

    def read(self, params: QueryParams) -> dict[str, Any]:
        """The parameters' values; a value that fails its checks raises the 422, a parameter
        the route doesn't take the 400 (`api.params.check_query`)."""
        check_query(params, self._aliases, self._single)
        given: dict[str, Any] = {}
        for name, alias in self._names:
            if alias in self._lists:
                values = params.getlist(alias)
                if values:
                    given[name] = values
            elif (value := params.get(alias)) is not None:
                given[name] = value
        try:
            found = self._model.model_validate(given)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from None
        return dict(found)
