"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from api import heap
from api.cache import ResponseCache
from api.errors import register_error_handlers
from api.html import make_templates
from api.logging import PrivateAccessLog
from api.openapi import document_problems
from api.password_checks import PasswordChecks
from api.pictures import DEFAULT_PICTURES_DIR, PICTURES_PATH
from api.routes import (
    downloads,
    embed,
    health,
    ogc,
    pages,
    partners,
    places,
    search,
    staff,
    staff_accounts,
    staff_import,
    staff_login,
    staff_places,
)
from api.security import DocsPolicy, SameOriginChanges
from api.settings import Settings
from api.static import LEAFLET_DIR, STATIC_DIR, CachedStatic, HeadAsGet, PublicCORS, SecurityHeaders
from geodata.datasets import load_datasets
from geodata.opendata import DatasetInfo, OpenDataCache
from geodata.store import PlaceStore
from geodata.users import UserStore, verify_password
from locator.registry import LocatorRegistry

log = logging.getLogger("safeplaces")

DESCRIPTION = """
Find the nearest **Safe Place** (a shop, library, pharmacy or other venue whose staff will help
a person who feels scared, lost or in trouble) and the nearest **police enquiry office** in
Derbyshire and Derby, by postcode, place name or location.

Errors are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) `application/problem+json`
with a `detail` written for the person searching. No search is ever logged.
"""


# fastapi_offline's documentation pages (Swagger UI, its OAuth redirect page, ReDoc).
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Data is loaded in the lifespan, once, never at import."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        datasets = load_datasets(settings)
        app.state.datasets = datasets
        _start_logins(app, settings, datasets.store)
        app.state.resolver = datasets.resolver(settings)
        version = datasets.store.data_version()
        app.state.registry = LocatorRegistry(datasets.locator(settings), version)
        app.state.opendata = OpenDataCache(datasets.store, DatasetInfo.of(settings))
        app.state.search_cache = ResponseCache()
        app.state.places_cache = ResponseCache(size=64)  # one answer per filter asked for
        log.info(
            "ready: %d postcodes, %d active places (data version %d)",
            len(datasets.gazetteer),
            len(app.state.registry.current.index),
            version,
        )
        heap.settle()
        try:
            yield
        finally:
            heap.thaw()

    app = FastAPIOffline(
        title="Safe Places Locator",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url="/static/docs",
        # Swagger UI would otherwise send the spec to an outside validator service.
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.settings = settings
    # Made once per app, not per lifespan (a test may start one app several times); its
    # threads start at the first login and end with the process.
    app.state.password_checks = PasswordChecks(
        verify_password, settings.login.hash_threads, settings.login.hash_nice
    )
    app.state.templates = make_templates()
    register_error_handlers(app)
    document_problems(app)
    app.add_middleware(PublicCORS, origins=settings.partners.cors_origins)
    app.add_middleware(SameOriginChanges)
    app.add_middleware(DocsPolicy, paths=DOCS_PATHS, inline_style_paths=["/redoc"])
    app.add_middleware(SecurityHeaders)
    # Pages, scripts and JSON compress well on a slow phone connection.
    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.add_middleware(PrivateAccessLog)
    app.add_middleware(HeadAsGet)
    _include_routers(app)
    app.mount("/static/vendor/leaflet", CachedStatic(directory=LEAFLET_DIR), name="leaflet")
    pictures = settings.pages.pictures_dir or DEFAULT_PICTURES_DIR
    # check_dir off: without the pictures the pages still work (the words are all there).
    app.mount(PICTURES_PATH, CachedStatic(directory=pictures, check_dir=False), name="pictures")
    app.mount("/static", CachedStatic(directory=STATIC_DIR), name="static")
    return app


def _start_logins(app: FastAPI, settings: Settings, store: PlaceStore) -> None:
    """The accounts, and the few threads logins get, never the pool public routes share (see
    api.password_checks): a limiter for the login route, and the argon2 threads."""
    app.state.login_limiter = anyio.CapacityLimiter(settings.login.hash_threads)
    checks: PasswordChecks = app.state.password_checks
    app.state.users = UserStore(
        store.engine, store.writer, limits=settings.login, verify=checks.verify
    )


def _include_routers(app: FastAPI) -> None:
    # Where two paths could match, the first router included wins: the public pages last.
    for module in (
        search,
        places,
        downloads,
        ogc,
        health,
        staff,
        staff_login,
        staff_places,
        staff_import,
        staff_accounts,
        embed,
        partners,
        pages,
    ):
        app.include_router(module.router)


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn's `--factory` (each worker process reads the environment)."""
    return create_app(Settings())
