"""The app with its site headers in one layer (api.static.SiteHeaders) answers every kind of
request with the same status and headers as the app with the four middlewares it stands for:
public pages, the API, the staff side, static files, errors, HEAD, CORS preflights, partner
and foreign origins, over HTTP and HTTPS."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware import Middleware

from api.app import DOCS_PATHS, create_app
from api.security import DocsPolicy, SameOriginChanges
from api.settings import PartnerSettings, Settings
from api.static import PublicCORS, SecurityHeaders, SiteHeaders

_VOLATILE = {"x-request-id", "date", "set-cookie", "content-length"}
_NONCE = re.compile(r"'nonce-[^']*'")
_PARTNER = "https://partner.example"
_PATHS = (
    *("/", "/find?postcode=DE4%203AG", "/help", "/nowhere", "/embed", "/partners"),
    *("/api/v1/places/nearest?postcode=DE4%203AG", "/api/v1/places/nearest?postcode=ZZ1"),
    *("/api/v1/postcodes/DE4%203AG", "/api/v1/ping", "/api/v1/nope", "/api/v1/admin/places"),
    *("/ogc", "/ogc/collections", "/oruk/services", "/openapi.json", "/docs", "/redoc"),
    *("/staff", "/staff/login", "/staff/places", "/static/vendor/leaflet/leaflet.css"),
    *("/readyz", "/metrics"),
)
_ORIGINS = (None, _PARTNER, "https://other.example")


def _four(settings: Settings) -> list[Middleware]:
    return [
        Middleware(SecurityHeaders),
        Middleware(DocsPolicy, paths=DOCS_PATHS, inline_style_paths=["/redoc"]),
        Middleware(SameOriginChanges),
        Middleware(PublicCORS, origins=settings.partners.cors_origins),
    ]


@pytest.fixture(scope="module")
def settings(synthetic_settings: Settings) -> Settings:
    return synthetic_settings.model_copy(
        update={"partners": PartnerSettings(cors_origins=[_PARTNER])}
    )


def _app(settings: Settings, one_layer: bool) -> FastAPI:
    app = create_app(settings)
    if not one_layer:
        (at,) = [i for i, m in enumerate(app.user_middleware) if m.cls is SiteHeaders]
        app.user_middleware[at : at + 1] = _four(settings)
    return app


def _answers(app: FastAPI) -> Iterator[object]:
    with TestClient(app, follow_redirects=False) as plain:
        secure = TestClient(app, base_url="https://testserver", follow_redirects=False)
        for client in (plain, secure):
            for path in _PATHS:
                for origin in _ORIGINS:
                    headers = {"Origin": origin} if origin else {}
                    for method in ("GET", "HEAD", "POST", "DELETE"):
                        yield _seen(method, path, client.request(method, path, headers=headers))
                    preflight = {**headers, "Access-Control-Request-Method": "GET"}
                    yield _seen("OPTIONS", path, client.options(path, headers=preflight))


def _seen(method: str, path: str, r: object) -> object:
    kept = [(k, v) for k, v in r.headers.items() if k not in _VOLATILE]  # type: ignore[attr-defined]
    headers = sorted((k, _NONCE.sub("'nonce-'", v)) for k, v in kept)
    return method, path, r.status_code, headers  # type: ignore[attr-defined]


def test_one_layer_answers_as_the_four_middlewares(settings: Settings) -> None:
    ours = list(_answers(_app(settings, one_layer=True)))
    theirs = list(_answers(_app(settings, one_layer=False)))
    assert len(ours) == len(theirs) > 500
    for a, b in zip(ours, theirs, strict=True):
        assert a == b
    # The checks still happen: another site's change to the staff side is refused, and a
    # partner's script gets CORS on the API.
    assert ("POST", "/staff/login", 403) in {x[:3] for x in ours}  # type: ignore[index]
    cors = [x for x in ours if x[0] == "GET" and x[1] == "/api/v1/ping"]  # type: ignore[index]
    assert any(("access-control-allow-origin", _PARTNER) in x[3] for x in cors)  # type: ignore[index]
