"""Fuzzing the API from its own OpenAPI documents (schemathesis): the public API, the staff API
as an admin and as an editor limited to one area, on both database backends, and OGC API -
Features.

Every answer must be one the service means to give: never a 5xx, and every 4xx an RFC 9457
problem (application/problem+json) whose `status` is the HTTP status and whose `detail` says
what went wrong, with its status among the operation's documented responses (a client
generated from the document knows every error it can get); a 2xx must match the schema
declared for it.

The documents are read at collection from an app that has loaded no data (they depend on none;
`test_the_fuzzed_documents_are_the_served_ones` checks that), then each case is sent to an app
on the synthetic data. The budget is per operation (tests/verify_budget.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.core.transport import Response
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance
from verify_budget import examples

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role
from locator.settings import DataSettings

BASE = "http://testserver"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
DALES = "E07000035"  # the limited editor's one area (places S1, S2, S4)
BUDGET = settings(max_examples=examples(20))


def _documents() -> tuple[dict[str, Any], dict[str, Any]]:
    # Routes and their documents exist once the app is built; the lifespan (data) never runs.
    app = create_app(Settings(data=DataSettings(dir=Path("no-data-needed"))))
    client = TestClient(app, base_url=BASE)
    ogc = client.get("/ogc/api", headers={"Accept": OPENAPI_30})
    return client.get("/openapi.json").json(), ogc.json()


API_DOCUMENT, OGC_DOCUMENT = _documents()
API = schemathesis.openapi.from_dict(API_DOCUMENT)
PUBLIC = API.exclude(path_regex="^/api/v1/admin/")
STAFF = API.include(path_regex="^/api/v1/admin/")
OGC = schemathesis.openapi.from_dict(OGC_DOCUMENT)


# Random text seldom names a place that exists or gets past the checks to the database, so
# each staff request is also sent on known ground: real place ids (S1 in the editor's area,
# S3 not), ETags they may have, and a valid start for a place; then with the values that once
# broke the staff API: the reference of a place that exists (a unique column), and a NUL
# (PostgreSQL refused it) in text and in a place id.
CORE = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}
PLACE_IDS = ("S1", "S3", "S1\x00")


@STAFF.hook
def flatmap_body(context: object, body: object) -> st.SearchStrategy[object]:
    if not isinstance(body, dict):
        return st.just(body)
    valid = {**body, **CORE}
    with_nul = {k: f"{v}\x00" if isinstance(v, str) else v for k, v in body.items()}
    with_nul.update(category=CORE["category"], postcode=CORE["postcode"], name="Dale\x00Road")
    return st.sampled_from([body, valid, {**valid, "external_ref": "S1"}, with_nul])


@STAFF.hook
def flatmap_path_parameters(context: object, parameters: object) -> st.SearchStrategy[object]:
    if not isinstance(parameters, dict) or "place_id" not in parameters:
        return st.just(parameters)
    return st.sampled_from([parameters, *({**parameters, "place_id": p} for p in PLACE_IDS)])


@STAFF.hook
def flatmap_headers(context: object, headers: object) -> st.SearchStrategy[object]:
    names = [k for k in headers if k.lower() == "if-match"] if isinstance(headers, dict) else []
    if not names or not isinstance(headers, dict):
        return st.just(headers)
    tags = [f'"{place}-v{n}"' for place in PLACE_IDS[:2] for n in (1, 2, 3)]
    return st.sampled_from([headers, *({**headers, names[0]: tag} for tag in tags)])


def _live(settings: Settings) -> Iterator[FastAPI]:
    with TestClient(create_app(settings)) as client:
        yield client.app


@pytest.fixture(scope="module")
def public_app(synthetic_settings: Settings) -> Iterator[FastAPI]:
    yield from _live(synthetic_settings)


@pytest.fixture(scope="module")
def staff_app(synthetic_settings: Settings, module_database_url: str) -> Iterator[FastAPI]:
    # The staff API writes: fuzzed on each backend (PostgreSQL refuses what SQLite stores).
    yield from _live(synthetic_settings.model_copy(update={"database_url": module_database_url}))


@pytest.fixture(scope="module")
def tokens(staff_app: FastAPI) -> dict[str, dict[str, str]]:
    users: UserStore = staff_app.state.users
    made = {}
    for who, role, areas in [
        ("admin", Role.ADMIN, frozenset()),
        ("editor", Role.EDITOR, frozenset({DALES})),
    ]:
        user = users.create_user(f"{who}@council.gov.uk", who, role, "correct horse battery", areas)
        made[who] = {"Authorization": f"Bearer {users.create_token(user.id, 'fuzzing')}"}
    return made


def _asked_for_html(case: Case) -> bool:
    # OGC API - Features answers `f=html` with pages, its errors included.
    return bool(case.query) and case.query.get("f") == "html"


def check(case: Case, response: Response) -> None:
    """The service's own rules for every answer, then the schema for a declared 2xx."""
    sent = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}"
    status = response.status_code
    assert status < 500, f"{sent} -> {status}: {response.text[:300]}"
    documented = case.operation.definition.raw["responses"]
    # (A method the path doesn't take, sent to see it refused, is no operation's answer.)
    if case.method.lower() == case.operation.method.lower():
        assert str(status) in documented, f"{sent} -> {status}, not among {sorted(documented)}"
    media_type = (response.headers.get("content-type") or [""])[0].split(";")[0]
    if 400 <= status < 500 and _asked_for_html(case):
        assert media_type == "text/html", f"{sent} -> {status} {media_type}"
    elif 400 <= status < 500:
        assert media_type == "application/problem+json", f"{sent} -> {status} {media_type}"
        problem = response.json()
        assert problem["status"] == status, f"{sent} -> {status}: {problem}"
        assert isinstance(problem["detail"], str) and problem["detail"].strip(), sent
    elif status < 300:
        case.validate_response(response, checks=[response_schema_conformance])


def send(case: Case, app: FastAPI, base: str = BASE, **headers: str) -> Response:
    return case.call(base_url=base, session=asgi.get_client(app), headers=headers)


@PUBLIC.parametrize()
@BUDGET
def test_public_api(case: Case, public_app: FastAPI) -> None:
    check(case, send(case, public_app))


@STAFF.parametrize()
@BUDGET
def test_staff_api_as_an_admin(
    case: Case, staff_app: FastAPI, tokens: dict[str, dict[str, str]]
) -> None:
    check(case, send(case, staff_app, **tokens["admin"]))


@STAFF.parametrize()
@BUDGET
def test_staff_api_as_an_editor_of_one_area(
    case: Case, staff_app: FastAPI, tokens: dict[str, dict[str, str]]
) -> None:
    check(case, send(case, staff_app, **tokens["editor"]))


@OGC.parametrize()
@BUDGET
def test_ogc_api_features(case: Case, public_app: FastAPI) -> None:
    check(case, send(case, public_app, f"{BASE}/ogc"))


def test_the_fuzzed_documents_are_the_served_ones(public_app: FastAPI) -> None:
    client = TestClient(public_app, base_url=BASE)
    assert client.get("/openapi.json").json() == API_DOCUMENT
    assert client.get("/ogc/api", headers={"Accept": OPENAPI_30}).json() == OGC_DOCUMENT
