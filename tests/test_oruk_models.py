"""The typed ORUK models (tests/oruk_models.py) are the profile's compiled schemas, field for
field: the same properties, the same required ones, each nested record where the schema has
it. A model that drifted from the schema would let a wrong answer through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import oruk_models as m
import pytest
from pydantic import BaseModel

SCHEMAS = Path(__file__).parent / "fixtures" / "oruk"
# Where HSDS 3.0 nests what the profile keeps as a linked record (see oruk_models).
EXTENSIONS = {m.Contact: {"phones"}}


def _schema(name: str, *path: str) -> dict[str, Any]:
    node: dict[str, Any] = json.loads((SCHEMAS / name).read_text())
    for step in path:
        node = node["properties"][step]
        node = node.get("items", node)
    return node


SERVICE = "compiled/service.json"
LINK = "compiled/service_at_location.json"
PAIRS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (m.Service, _schema(SERVICE)),
    (m.Schedule, _schema(SERVICE, "schedules")),
    (m.ServiceArea, _schema(SERVICE, "service_areas")),
    (m.ServiceAtLocationInService, _schema(SERVICE, "service_at_locations")),
    (m.Location, _schema(SERVICE, "service_at_locations", "location")),
    (m.Address, _schema(SERVICE, "service_at_locations", "location", "addresses")),
    (m.Accessibility, _schema(SERVICE, "service_at_locations", "location", "accessibility")),
    (m.Language, _schema(SERVICE, "languages")),
    (m.Organization, _schema(SERVICE, "organization")),
    (m.OrganizationIdentifier, _schema(SERVICE, "organization", "organization_identifiers")),
    (m.Funding, _schema(SERVICE, "funding")),
    (m.CostOption, _schema(SERVICE, "cost_options")),
    (m.Contact, _schema(SERVICE, "contacts")),
    (m.Attribute, _schema(SERVICE, "attributes")),
    (m.TaxonomyTerm, _schema(SERVICE, "attributes", "taxonomy_term")),
    (m.ServiceSummary, _schema("compiled/service_list.json")),
    (m.OrganizationSummary, _schema("compiled/service_list.json", "organization")),
    (m.ServiceAtLocation, _schema(LINK)),
    (m.ServiceDetails, _schema(LINK, "service")),
    (m.ServiceAtLocationSummary, _schema("compiled/service_at_location_list.json")),
    (m.LocationSummary, _schema("compiled/service_at_location_list.json", "location")),
    (m.OrganizationServices, _schema("compiled/organization.json")),
    (m.Taxonomy, _schema("taxonomy.json")),
    (m.TaxonomyTerm, _schema("taxonomy_term.json")),
]


@pytest.mark.parametrize(("model", "schema"), PAIRS, ids=lambda v: getattr(v, "__name__", ""))
def test_each_model_is_its_schema(model: type[BaseModel], schema: dict[str, Any]) -> None:
    fields = set(model.model_fields) - EXTENSIONS.get(model, set())
    assert fields == set(schema["properties"])
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required == set(schema.get("required", []))
    for name, prop in schema["properties"].items():
        annotation = str(model.model_fields[name].annotation)
        if prop.get("type") == "array":
            assert annotation.startswith("list[") or "list[" in annotation, name
        if prop.get("format") == "uuid":
            assert "UUID" in annotation, name
        if "enum" in prop:
            assert "Literal" in annotation, name
