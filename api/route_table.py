"""The app's router finds the route of a path with no parameters (/api/v1/places/nearest,
/find, /readyz…) without trying every route before it.

FastAPI's router tries its routes in order, and an included router tries each of its own:
for the nearest-places search that is the documentation's routes, the results page's router
and then the search router's routes, every request. Which route answers a path with no
parameters never changes while the app serves, so the first try remembers, for that path and
method, which of the router's routes matched it in full; later requests go straight to that
route, which still checks the path itself, and are handled exactly as the router's own loop
handles them. Any other path (a postcode in it, a file, an unknown one) goes through the
router's loop as before, and nothing about it is kept.

Where that route is an included router (the search's, the pages'…), "checks the path itself"
would be its whole loop over its own routes, which its handling then runs again to pick the
one that answers: so while its routes are as they were when the path was learnt (FastAPI's
own count of changes to them), that first loop is left out, and its handling's decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fastapi.routing import APIRouter
from fastapi.routing import _apply_router_form_limits as apply_form_limits
from fastapi.routing import _IncludedRouter as IncludedRouter
from fastapi.routing import _update_scope as update_scope
from fastapi.telemetry._api import _route_selected as route_selected
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Receive, Scope, Send

Key = tuple[str, str, str]  # the path, the root path, the method
# The route's index in the router's routes (-1: none matches in full), and for an included
# router, its routes' version (`APIRouter._get_routes_version`) when learnt.
Learnt = tuple[int, int | None]


def literal_paths(router: APIRouter) -> frozenset[str]:
    """The paths of the routes that take no path parameters, the included routers' too.

    Read from the routes as declared, each included router's prefix before its own paths
    (the paths `fastapi.routing.iter_route_contexts` gives), not from FastAPI's effective
    routes: those are built on first use, and building every one here, as the app is made,
    would put each route's dependency analysis (a tenth of a second or more for this app's
    routes) before the service is ready.
    """
    return frozenset(path for path in _declared_paths(router.routes, "") if "{" not in path)


def _declared_paths(routes: Sequence[BaseRoute], prefix: str) -> Iterator[str]:
    for route in routes:
        if isinstance(route, IncludedRouter):
            inner = prefix + route.include_context.prefix
            yield from _declared_paths(route.original_router.routes, inner)
        elif path := getattr(route, "path", None):
            yield prefix + path


class RouteTable:
    """The router's own middleware (Starlette's `Router.middleware_stack`): for a path with
    no parameters, the route its loop would choose, found once."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self.paths = literal_paths(router)
        # At most the literal paths times the methods.
        self._first: dict[Key, Learnt] = {}
        self._routes: tuple[list[BaseRoute], int] = (router.routes, len(router.routes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            found = self._route(scope)
            if found is not None:
                await self._handle(*found, scope, receive, send)
                return
        await self.router.app(scope, receive, send)

    def _route(self, scope: Scope) -> tuple[BaseRoute, int | None] | None:
        routes = self.router.routes
        if self._routes != (routes, len(routes)):  # a route added since: learn again
            self._first.clear()
            self._routes = (routes, len(routes))
        key = (scope["path"], scope.get("root_path", ""), scope["method"])
        learnt = self._first.get(key)
        if learnt is None:
            learnt = self._first[key] = self._learn(scope)
        index, version = learnt
        # None matches it in full (a method the path doesn't take): the router's loop decides.
        return None if index < 0 else (routes[index], version)

    def _learn(self, scope: Scope) -> Learnt:
        """The router's loop, on a copy of the request's scope: the first route that matches
        in full (and an included router's routes' version), or -1."""
        trial = {**scope, "fastapi": dict(scope.get("fastapi", {}))}
        trial.setdefault("router", self.router)
        for index, route in enumerate(self.router.routes):
            match, _ = route.matches(trial)
            if match == Match.FULL:
                return index, _version(route)
        return -1, None

    async def _handle(
        self,
        route: BaseRoute,
        version: int | None,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """What `APIRouter.app` does with the route its loop found (its first steps too)."""
        router = self.router
        apply_form_limits(scope, router.form_limits)
        if "router" not in scope:
            scope["router"] = router
        child_scope: Scope = {}
        if version is not None and version == _version(route):
            # An included router whose routes are as they were: its handling's loop decides
            # (its `matches` would give a full match and an empty child scope).
            match = Match.FULL
        else:
            match, child_scope = route.matches(scope)
        if match != Match.FULL:  # never, while the routes stay as they were learnt
            await router.app(scope, receive, send)
            return
        update_scope(scope, child_scope)
        mount = isinstance(route, Mount)
        route_selected(scope=scope, path=getattr(route, "path_format", None), mount=mount)
        await route.handle(scope, receive, send)


def _version(route: BaseRoute) -> int | None:
    """An included router's routes' version (FastAPI's count of changes to them, its own
    included routers' too), or None for any other route."""
    if isinstance(route, IncludedRouter):
        return route.original_router._get_routes_version()
    return None
