"""The OpenAPI documents through a linter nobody here wrote: Redocly CLI (from npm, pinned in
package.json) with the rules in redocly.yaml, on the app's /openapi.json and the OGC API -
Features document at /ogc/api, as a partner's client generator would read them. 0 errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import PartnerSettings, ServerSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
CONFIG = ROOT / "redocly.yaml"
# Offline and quiet: no usage reports, no looking for a newer version.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}


def _linter() -> list[str]:
    """The command to run, or a failure saying how to get it (never a silent skip)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "The OpenAPI lint needs Node.js and npm, which are not installed. Install them "
            "(Debian/Ubuntu: apt-get install -y npm), then run `make install` (it runs npm ci).",
            pytrace=False,
        )
    if not REDOCLY.exists():
        pytest.fail(
            f"The OpenAPI linter is not installed ({REDOCLY} is missing): run `make install`, "
            "or `npm ci` in the project folder (it installs package.json's devDependencies).",
            pytrace=False,
        )
    return [node, str(REDOCLY.resolve())]


def lint(paths: list[Path]) -> list[dict[str, Any]]:
    """Redocly's reports (`--format=json`: one JSON object per document) on `paths`."""
    run = subprocess.run(
        [*_linter(), "lint", "--config", str(CONFIG), "--format=json", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=paths[0].parent,
        env={**os.environ, **QUIET},
        timeout=120,
    )
    reports: list[dict[str, Any]] = []
    rest = run.stdout.strip()
    try:
        while rest:
            report, end = json.JSONDecoder().raw_decode(rest)
            reports.append(report)
            rest = rest[end:].strip()
    except json.JSONDecodeError:
        pytest.fail(
            f"The linter's report is not JSON (exit {run.returncode}): {run.stderr[-2000:]}"
        )
    if len(reports) != len(paths):
        pytest.fail(f"{len(reports)} reports for {len(paths)} documents: {run.stderr[-2000:]}")
    return reports


def _said(reports: list[dict[str, Any]], severity: str) -> list[str]:
    return [
        f"{p['ruleId']} at {p['location'][0]['source']['ref']}"
        f"{p['location'][0].get('pointer', '')}: {p['message']}"
        for report in reports
        for p in report["problems"]
        if p["severity"] == severity
    ]


def _documents(settings: Settings, folder: Path) -> list[Path]:
    """The two documents as a client fetches them, written to `folder`."""
    with TestClient(create_app(settings)) as client:
        answers = {
            "openapi.json": client.get("/openapi.json"),
            "ogc-api.json": client.get("/ogc/api", params={"f": "json"}),
        }
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
        (folder / name).write_text(answer.text)
    return [folder / name for name in answers]


# The default settings, and a deployment behind a proxy under a path with its own contact.
DEPLOYMENTS = {
    "default": {},
    "under-a-prefix": {
        "server": ServerSettings(
            root_path="/safeplaces", public_url="https://safeplaces.example.gov.uk/safeplaces"
        ),
        "partners": PartnerSettings(contact="safeplaces@example.gov.uk"),
    },
}


@pytest.fixture(scope="module", params=list(DEPLOYMENTS))
def documents(
    request: pytest.FixtureRequest,
    synthetic_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[Path]]:
    folder = tmp_path_factory.mktemp(f"openapi-{request.param}")
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{folder / 'places.db'}", **DEPLOYMENTS[request.param]}
    )
    yield _documents(settings, folder)


def test_the_documents_lint_without_errors(documents: list[Path]) -> None:
    reports = lint(documents)
    for warning in _said(reports, "warn"):
        print("warning:", warning)  # noqa: T201 (shown with -s; warnings don't fail)
    errors = _said(reports, "error")
    assert sum(r["totals"]["errors"] for r in reports) == len(errors)
    assert not errors, "\n".join(errors)


def test_the_lint_finds_what_it_is_there_to_find(tmp_path: Path) -> None:
    """The rules redocly.yaml adds do fire: an untyped array, an operation with no id, tag,
    licence, contact or security, and a 4xx that isn't problem+json."""
    bad = {
        "openapi": "3.1.0",
        "info": {"title": "Bad", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": {
            "/things": {
                "get": {
                    "summary": "Things",
                    "tags": ["undeclared"],
                    "responses": {
                        "200": {
                            "description": "Some",
                            "content": {
                                "application/json": {"schema": {"type": "array", "maxItems": 2}}
                            },
                        },
                        "404": {
                            "description": "None",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            }
        },
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    (report,) = lint([path])
    rules = {p["ruleId"] for p in report["problems"] if p["severity"] == "error"}
    assert {
        "rule/array-items-typed",
        "operation-operationId",
        "operation-tag-defined",
        "info-license",
        "info-contact",
        "security-defined",
        "operation-4xx-problem-details-rfc7807",
    } <= rules
