"""Route classes for the public JSON API: a route refuses the query parameters it doesn't
take (rather than ignore them, so a typo'd `limt=5` is not answered as if it were right),
and an answer that says where a person is goes into no cache."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.conditional import NO_STORE
from api.params import check_query

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def query_fields(dependant: Dependant) -> list[ModelField]:
    """Every query parameter a route reads, its dependencies' included."""
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields.extend(query_fields(sub))
    return fields


def list_names(fields: list[ModelField]) -> frozenset[str]:
    """The parameters that may be given more than once (`kind=a&kind=b`)."""
    return frozenset(
        f.alias for f in fields if field_annotation_is_sequence(f.field_info.annotation)
    )


class KnownParamsRoute(APIRoute):
    """Refuses, with a 400 naming them, query parameters the route's signature doesn't
    declare; and, with the 422 it always gave, a parameter given twice that is not a list."""

    def get_route_handler(self) -> Handler:
        handler: Handler = super().get_route_handler()
        fields = query_fields(self.dependant)
        names = frozenset(f.alias for f in fields)
        single = tuple(names - list_names(fields))

        async def route(request: Request) -> Response:
            check_query(request.query_params, names, single)
            return await handler(request)

        return route


class NoStoreRoute(KnownParamsRoute):
    """`KnownParamsRoute` whose answers no cache may keep: they say where someone is."""

    def get_route_handler(self) -> Handler:
        handler: Handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            response = await handler(request)
            response.headers["Cache-Control"] = NO_STORE
            return response

        return route
