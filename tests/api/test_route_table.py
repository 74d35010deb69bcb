"""The router's table of paths with no parameters (api.route_table) picks the route FastAPI's
own loop picks, for every such path and method, and the answer is the same."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import _IncludedRouter as IncludedRouter
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import create_app
from api.route_table import RouteTable, literal_paths
from api.routes import health
from api.settings import Settings

# What differs from one answer to the next whichever route answers.
_VOLATILE = {"x-request-id", "date", "set-cookie", "content-length"}
_NONCE = re.compile(r"'nonce-[^']*'")  # a page's CSP nonce, new for every answer
_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS")
# Paths with parameters, near misses and paths no route has: the router's loop for these.
_OTHERS = (
    "/api/v1/postcodes/DE4%203AG",
    "/api/v1/places/nearest/",
    "/api/v1/place/1",
    "/ogc/collections/safe_places/items",
    "/static/vendor/leaflet/leaflet.css",
    "/nowhere",
    "/FIND",
)


class _Chosen:
    """Records the route and endpoint the router chose for each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.chosen: list[tuple[object, object]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.chosen.append((scope.get("route"), scope.get("endpoint")))


@pytest.fixture(scope="module")
def app(synthetic_settings: Settings) -> Iterator[FastAPI]:
    made = create_app(synthetic_settings)
    with TestClient(made):
        yield made


def _answers(app: FastAPI, table: bool, requests: list[tuple[str, str]]) -> list[object]:
    """Each request's status, headers, and the route and endpoint chosen (if it got so far)."""
    router = app.router
    chosen = _Chosen(RouteTable(router) if table else router.app)
    router.middleware_stack = chosen
    answers: list[object] = []
    try:
        with TestClient(app, follow_redirects=False) as client:
            for method, path in requests:
                query = "?postcode=DE4%203AG" if path in ("/find", "/api/v1/places/nearest") else ""
                chosen.chosen.clear()
                r = client.request(method, path + query)
                kept = [(k, v) for k, v in r.headers.items() if k not in _VOLATILE]
                headers = sorted((k, _NONCE.sub("'nonce-'", v)) for k, v in kept)
                answers.append((method, path, r.status_code, headers, list(chosen.chosen)))
        return answers
    finally:
        router.middleware_stack = RouteTable(router)


def test_the_table_chooses_as_the_router_does(app: FastAPI) -> None:
    paths = sorted(literal_paths(app.router)) + list(_OTHERS)
    assert "/api/v1/places/nearest" in paths and "/find" in paths and "/readyz" in paths
    requests = [(method, path) for path in paths for method in _METHODS]
    assert _answers(app, True, requests) == _answers(app, False, requests)


def test_the_paths_are_those_of_fastapis_own_route_contexts(app: FastAPI) -> None:
    contexts = iter_route_contexts(app.router.routes)
    assert literal_paths(app.router) == {c.path for c in contexts if c.path and "{" not in c.path}


def test_making_the_table_leaves_fastapis_route_analysis_to_first_use(
    synthetic_settings: Settings,
) -> None:
    # Each included router's routes are analysed (dependencies, parameter models) when a
    # request first goes through it: not as the app is made, before the service is ready.
    made = create_app(synthetic_settings)
    assert isinstance(made.router.middleware_stack, RouteTable)
    included = [r for r in made.router.routes if isinstance(r, IncludedRouter)]
    assert included and all(r._effective_candidates_version is None for r in included)


def test_a_new_servers_first_readyz_waits_for_the_health_checks_routes_alone(
    synthetic_settings: Settings,
) -> None:
    made = create_app(synthetic_settings)
    with TestClient(made) as client:
        assert client.get("/readyz").status_code == 200
    included = [r for r in made.router.routes if isinstance(r, IncludedRouter)]
    analysed = [r.original_router for r in included if r._effective_candidates_version is not None]
    assert analysed == [health.router]


def test_the_app_serves_through_the_table(app: FastAPI) -> None:
    assert isinstance(app.router.middleware_stack, RouteTable)
    with TestClient(app) as client:
        r = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"


def test_an_included_routers_new_route_is_found_as_the_router_finds_it() -> None:
    """A path learnt as an included router's is checked again once that router's routes
    change (FastAPI counts the changes): the table then answers as the router's loop does."""
    first, second = APIRouter(), APIRouter()

    @first.get("/where")
    async def first_where() -> str:
        return "first"

    @second.get("/where")
    async def second_where() -> str:
        return "second"

    made = FastAPI()
    made.include_router(first)
    made.include_router(second)
    made.router.middleware_stack = RouteTable(made.router)
    with TestClient(made) as client:
        assert client.get("/where").json() == "first"
        assert client.post("/where").status_code == 405
        # The first router now takes POST too: the learnt paths are looked at again.
        first.add_api_route("/where", first_where, methods=["POST"])
        assert client.post("/where").json() == "first"
        assert client.get("/where").json() == "first"
