"""The feed fuzzed from the UK profile's own OpenAPI document (tests/fixtures/oruk), not ours:
every operation the profile defines, with the parameters it defines, against /oruk. Never a
5xx; every 4xx a problem; every 2xx valid against the profile's schema for it.

The profile's document is used as published, with its remote schema references pointed at the
copies beside it, and two errata put right: `start_time`/`end_time` have the type "time" (not
a JSON Schema type; strings here), and /service_at_locations/{id} names the service schema
where HSDS 3.0 (and the operation's own description) means the service_at_location one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance
from verify_budget import examples

from api.app import create_app
from api.settings import Settings
from locator.oruk import TAXONOMY_ID, taxonomy_terms
from locator.oruk_ids import oruk_id

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "oruk"
REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
BUDGET = settings(max_examples=examples(15))


def _local(node: Any) -> Any:
    """The document with each remote schema replaced by its copy."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith(REMOTE):
            return json.loads((SCHEMAS / ref.removeprefix(REMOTE)).read_text())
        return {k: _local(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_local(v) for v in node]
    return node


def _profile_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMAS / "openapi.json").read_text())
    document.pop("jsonSchemaDialect", None)  # an OpenAPI 3.1 key in a 3.0.0 document
    for name in ("start_time", "end_time"):
        document["components"]["parameters"][name]["schema"] = {"type": "string"}
    one = document["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    one["content"]["application/json"]["schema"]["$ref"] = (
        REMOTE + "compiled/service_at_location.json"
    )
    return _local(document)


PROFILE = schemathesis.openapi.from_dict(_profile_document())
# Random text is seldom an id the feed has: each {id} is also tried with real ones of its
# kind (the synthetic places', the taxonomy's, its terms'), so the full records are checked.
PLACES = ("S1", "S2", "S4", "P1")
KNOWN_IDS = {
    "/services/{id}": [oruk_id("service", p) for p in PLACES],
    "/service_at_locations/{id}": [oruk_id("service_at_location", p) for p in PLACES],
    "/taxonomies/{id}": [TAXONOMY_ID],
    "/taxonomy_terms/{id}": [term["id"] for term in taxonomy_terms()],
}


@PROFILE.hook
def flatmap_path_parameters(context: HookContext, parameters: object) -> st.SearchStrategy[object]:
    path = context.operation.path if context.operation is not None else ""
    if not isinstance(parameters, dict) or path not in KNOWN_IDS:
        return st.just(parameters)
    known = [{"id": found} for found in KNOWN_IDS[path]]
    return st.sampled_from([*known, parameters])


@pytest.fixture(scope="module")
def app(synthetic_settings: Settings) -> Iterator[FastAPI]:
    with TestClient(create_app(synthetic_settings)) as client:
        yield client.app


@PROFILE.parametrize()
@BUDGET
def test_the_profiles_operations(case: Case, app: FastAPI) -> None:
    response = case.call(base_url="http://testserver/oruk", session=asgi.get_client(app))
    sent = f"{case.method} {case.formatted_path} query={case.query}"
    assert response.status_code < 500, f"{sent} -> {response.status_code}"
    if response.status_code >= 400:
        assert response.headers["content-type"][0] == "application/problem+json", sent
        assert response.json()["status"] == response.status_code, sent
    else:
        case.validate_response(response, checks=[response_schema_conformance])


@pytest.mark.parametrize("path", sorted(KNOWN_IDS))
def test_every_real_id_is_answered_as_the_profile_says(path: str, app: FastAPI) -> None:
    operation = PROFILE[path]["GET"]
    for known in KNOWN_IDS[path]:
        case = operation.Case(path_parameters={"id": known})
        response = case.call(base_url="http://testserver/oruk", session=asgi.get_client(app))
        assert response.status_code == 200, (path, known)
        case.validate_response(response, checks=[response_schema_conformance])
