"""The OpenAPI document (`app.openapi()`): the staff API's bearer scheme, and every 4xx each
operation can answer, as problem+json with the `Problem` schema; real answers match it."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from staff_forms import PASSWORD

from api import routes
from api.app import create_app
from api.openapi import Problem, operation_id
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
ADMIN = "/api/v1/admin"
AS_JSON = {"Content-Type": "application/json"}
# A new place with the reference S1 already has (tests/synthetic.py).
TAKEN = {
    "name": "Dale Road Pharmacy",
    "category": "pharmacy",
    "postcode": "DE4 3AG",
    "external_ref": "S1",
}

# Each staff operation's 4xx answers.
STAFF = {
    ("get", "/places"): {401, 422},
    ("post", "/places"): {400, 401, 403, 409, 422},
    ("get", "/places/{place_id}"): {401, 404},
    ("patch", "/places/{place_id}"): {400, 401, 403, 404, 409, 412, 422, 428},
    ("post", "/places/{place_id}/suspend"): {400, 401, 403, 404, 422},
    ("post", "/places/{place_id}/remove"): {400, 401, 403, 404, 422},
    ("post", "/places/{place_id}/restore"): {400, 401, 403, 404, 422},
    ("post", "/places/{place_id}/activate"): {400, 401, 403, 404, 422},
    ("post", "/places/{place_id}/checked"): {401, 403, 404},
    ("get", "/places/{place_id}/history"): {401, 404},
    ("post", "/places/{place_id}/history/{version}/restore"): {401, 403, 404, 409, 412, 422},
}
# The public operations' 4xx answers (at least these).
PUBLIC = {
    "/api/v1/postcodes/{postcode}": {404, 422},
    "/api/v1/search": {404, 422},
    "/api/v1/placenames": {422},
    "/api/v1/places/nearest": {404, 409, 422},
    "/api/v1/places": {422},
    "/api/v1/places/{place_id}": {404},
    "/ogc/collections/{collection_id}/items": {400, 404},
    "/ogc/collections/{collection_id}/items/{feature_id}": {400, 404},
}


@pytest.fixture(scope="module")
def app(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    db = tmp_path_factory.mktemp("openapi") / "staff.db"
    application = create_app(
        synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    )
    with TestClient(application):
        yield application


@pytest.fixture(scope="module")
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _client_errors(operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(k): v for k, v in operation["responses"].items() if k.startswith("4")}


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)  # type: ignore[arg-type]


def _documented_routes() -> Iterator[APIRoute]:
    """Every route of every router in api.routes that the document describes."""
    for module in pkgutil.iter_modules(routes.__path__):
        router = importlib.import_module(f"{routes.__name__}.{module.name}").router
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                yield route


def test_operation_ids_are_the_routes_names_in_camel_case(spec: dict[str, Any]) -> None:
    """Stable (the function's name, not its path) and unique, for client generators."""
    ids = {
        (method.lower(), route.path): operation_id(route)
        for route in _documented_routes()
        for method in route.methods
    }
    assert {(m, p): op["operationId"] for m, p, op in _operations(spec)} == ids
    assert len(set(ids.values())) == len(ids)
    for name in ids.values():
        assert re.fullmatch(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*", name), name


def test_an_operation_id_is_its_name_in_camel_case() -> None:
    def nearest_places() -> None: ...

    assert operation_id(APIRoute("/a", nearest_places)) == "nearestPlaces"
    assert operation_id(APIRoute("/a", nearest_places, name="places_csv")) == "placesCsv"
    assert operation_id(APIRoute("/a", nearest_places, name="about")) == "about"


def test_summaries_are_not_title_cased_names(spec: dict[str, Any]) -> None:
    """A documented route's summary is a sentence (its own, or its docstring's first)."""
    for _, path, operation in _operations(spec):
        words = re.sub(r"(?<!^)([A-Z])", r" \1", operation["operationId"]).title()
        first = " ".join(operation.get("description", "").split("\n\n")[0].split())
        if 0 < len(first.split(". ")[0]) <= 120:
            assert operation["summary"] != words, path
    nearest = spec["paths"]["/api/v1/places/nearest"]["get"]
    assert nearest["summary"] == nearest["description"].split(".")[0]


def test_what_a_missing_database_or_geocoder_gives_is_documented(spec: dict[str, Any]) -> None:
    # /readyz says the database is away; a place name may go to the online geocoder.
    for path in ("/readyz", "/api/v1/search", "/api/v1/places/nearest"):
        assert spec["paths"][path]["get"]["responses"]["503"]["content"] == PROBLEM, path


def test_every_tag_is_described(spec: dict[str, Any]) -> None:
    described = {tag["name"]: tag["description"] for tag in spec["tags"]}
    used = {tag for _, _, operation in _operations(spec) for tag in operation["tags"]}
    assert used == set(described) and all(described.values())


def test_tuples_say_what_their_members_are(spec: dict[str, Any]) -> None:
    """A coordinate pair is two numbers: `items` too, not only `prefixItems`."""
    position = spec["components"]["schemas"]["Position2D"]
    assert position["items"] == {"type": "number"}
    assert position["minItems"] == position["maxItems"] == len(position["prefixItems"]) == 2
    tuples = re.findall(r'"prefixItems"', json.dumps(spec))
    assert len(tuples) == len(_tuples_with_items(spec)) > 0


def _tuples_with_items(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [t for child in node for t in _tuples_with_items(child)]
    if not isinstance(node, dict):
        return []
    here = [node] if "prefixItems" in node and "items" in node else []
    return here + [t for child in node.values() for t in _tuples_with_items(child)]


def test_the_staff_api_declares_its_bearer_scheme_on_every_operation(
    spec: dict[str, Any],
) -> None:
    assert spec["components"]["securitySchemes"]["apiToken"] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    for method, path, operation in _operations(spec):
        if path.startswith(ADMIN):
            assert operation["security"] == [{"apiToken": []}], (method, path)
            # The token is the scheme's, not a header parameter of each operation.
            names = {p["name"].lower() for p in operation.get("parameters", [])}
            assert "authorization" not in names, (method, path)
        else:
            # Said outright, so a reader (and a linter) knows no token is needed.
            assert operation["security"] == [], (method, path)


def test_every_staff_operation_lists_its_4xx_as_problems(spec: dict[str, Any]) -> None:
    staff = {
        (m, p.removeprefix(ADMIN)): op for m, p, op in _operations(spec) if p.startswith(ADMIN)
    }
    assert set(staff) == set(STAFF)
    for key, operation in staff.items():
        errors = _client_errors(operation)
        # 422 for a path parameter FastAPI can't parse is listed by FastAPI itself.
        assert set(errors) - {422} == STAFF[key] - {422}, key
        assert (422 in errors) >= (422 in STAFF[key]), key
        for status, answer in errors.items():
            assert answer["content"] == PROBLEM, (key, status)
            assert answer["description"], (key, status)
        # The database may be away: every staff operation needs it.
        assert operation["responses"]["503"]["content"] == PROBLEM, key


def test_public_operations_list_their_4xx_as_problems(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        errors = _client_errors(operation)
        assert PUBLIC.get(path, set()) <= set(errors), path
        for status, answer in errors.items():
            assert answer["content"] == PROBLEM, (method, path, status)


def test_the_problem_schema(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    problem = schemas["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance"}
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    # FastAPI's own validation error bodies are never sent, so they are not described.
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def _declared(spec: dict[str, Any], method: str, path: str) -> set[int]:
    return set(_client_errors(spec["paths"][path][method]))


def test_real_staff_errors_are_declared_problems(app: FastAPI, spec: dict[str, Any]) -> None:
    users: UserStore = app.state.users
    viewer = users.create_user("vic@council.gov.uk", "Vic", Role.VIEWER, PASSWORD)
    admin = users.create_user("ada@council.gov.uk", "Ada", Role.ADMIN, PASSWORD)
    as_viewer = {"Authorization": f"Bearer {users.create_token(viewer.id, 'tests')}"}
    as_admin = {"Authorization": f"Bearer {users.create_token(admin.id, 'tests')}"}
    client = TestClient(app)
    place = f"{ADMIN}/places/{{place_id}}"
    calls = [
        ("get", place, client.get(f"{ADMIN}/places/S1"), 401),
        ("get", place, client.get(f"{ADMIN}/places/NOPE", headers=as_viewer), 404),
        (
            "post",
            place + "/suspend",
            client.post(f"{ADMIN}/places/S1/suspend", headers=as_viewer),
            403,
        ),
        ("patch", place, client.patch(f"{ADMIN}/places/S1", json={}, headers=as_admin), 428),
        (
            "patch",
            place,
            client.patch(
                f"{ADMIN}/places/S1", json={}, headers={**as_admin, "If-Match": '"S1-v999"'}
            ),
            412,
        ),
        (
            "get",
            f"{ADMIN}/places",
            client.get(f"{ADMIN}/places?status=gone", headers=as_admin),
            422,
        ),
        (
            "post",
            f"{ADMIN}/places",
            client.post(f"{ADMIN}/places", content=b"\x80", headers={**as_admin, **AS_JSON}),
            400,
        ),
        (
            "post",
            f"{ADMIN}/places",
            client.post(f"{ADMIN}/places", json=TAKEN, headers=as_admin),
            409,
        ),
    ]
    for method, path, r, status in calls:
        assert r.status_code == status, (path, r.text)
        assert status in _declared(spec, method, path), (method, path, status)
        assert r.headers["content-type"] == "application/problem+json"
        Problem.model_validate(r.json())
