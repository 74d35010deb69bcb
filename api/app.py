"""The FastAPI application factory."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import NoReturn

import anyio
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError

from api import heap
from api.cache import ResponseCache
from api.compression import Compression
from api.conditional import DataStamps, stamps_for
from api.errors import register_error_handlers
from api.html import SEARCH_PAGES, make_templates
from api.logging import PrivateAccessLog
from api.metrics import RequestMetrics
from api.nearest_json import NearestJson
from api.nonces import Nonces
from api.openapi import document_api, operation_id
from api.password_checks import PasswordChecks
from api.pictures import DEFAULT_PICTURES_DIR, PICTURES_PATH
from api.prefix import UnderPrefix
from api.results_page import ResultsPages
from api.route_table import RouteTable
from api.routes import (
    downloads,
    embed,
    health,
    metrics,
    offline,
    ogc,
    oruk,
    pages,
    partners,
    places,
    postcodes,
    results,
    search,
    staff,
    staff_accounts,
    staff_bulk,
    staff_dashboard,
    staff_import,
    staff_links,
    staff_list,
    staff_login,
    staff_place_status,
    staff_places,
    staff_two_factor,
)
from api.settings import Settings, load_settings
from api.state import AppState
from api.static import LEAFLET_DIR, STATIC_DIR, CachedStatic, HeadAsGet, SiteHeaders
from api.version import package_version
from geodata.changes import ChangeWatcher
from geodata.datasets import Datasets, load_datasets
from geodata.import_worker import ImportWorker
from geodata.opendata import DatasetInfo, OpenDataCache
from geodata.passwords import verify_password
from geodata.startup import start_up_problem
from geodata.store import PlaceStore
from geodata.uploads import PendingImports
from geodata.users import UserStore
from locator.bank_holidays import is_bank_holiday
from locator.contact_details import warm as warm_phones
from locator.oruk_feed import Catalogues
from locator.registry import LocatorRegistry
from locator.settings import setting_problem
from maps.render import draw_frames

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


# FastAPI's own OpenTelemetry spans would carry each request's path and query (a postcode)
# to whatever collector the environment names; the access log and /metrics are the service's
# own account of its requests. Off, FastAPI also skips asking for providers on every request.
NO_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


# uvicorn's exit status for an app that could not start (`uvicorn.config.STARTUP_FAILURE`).
STARTUP_FAILURE = 3


def _app_state(settings: Settings) -> AppState:
    """What the app holds from its making, not its lifespan (a test may start one app several
    times): the settings, the password checks (their threads start at the first login and
    end with the process), the templates, each page's CSP nonce (api.nonces) and the results
    page's kept shapes (api.results_page) for those templates."""
    state = AppState({"settings": settings})
    state.password_checks = PasswordChecks(
        verify_password, settings.login.hash_threads, settings.login.hash_nice
    )
    state.templates = make_templates(settings.server.root_path)
    state.nonces = Nonces()
    state.results_pages = ResultsPages(
        state.templates.env, settings.server.root_path, settings.pages
    )
    return state


def create_app(settings: Settings | None = None, *, exit_on_failure: bool = False) -> FastAPI:
    """Build the app. Data is loaded in the lifespan, once, never at import.

    `exit_on_failure` (a server's worker): a start-up failure is one line in the log and
    the process ends with status 3, instead of a traceback from inside the server; and the
    import process is started with the worker, not by its first import.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            with heap.loading():
                _start(app, settings)
        except Exception as exc:
            if not exit_on_failure:
                raise
            _could_not_start(exc, settings)
        heap.settle()
        if exit_on_failure:
            _warm_up(app, settings)
        try:
            yield
        finally:
            _stop(app)

    app = FastAPIOffline(
        title="Safe Places Locator",
        version=package_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url="/static/docs",
        # Swagger UI would otherwise send the spec to an outside validator service.
        swagger_ui_parameters={"validatorUrl": None},
        generate_unique_id_function=operation_id,
        telemetry=NO_TELEMETRY,
    )
    app.state = _app_state(settings)
    register_error_handlers(app)
    document_api(app, settings)
    _add_middleware(app, settings)
    _include_routers(app)
    app.mount("/static/vendor/leaflet", CachedStatic(directory=LEAFLET_DIR), name="leaflet")
    pictures = settings.pages.pictures_dir or DEFAULT_PICTURES_DIR
    # check_dir off: without the pictures the pages still work (the words are all there).
    app.mount(PICTURES_PATH, CachedStatic(directory=pictures, check_dir=False), name="pictures")
    app.mount("/static", CachedStatic(directory=STATIC_DIR), name="static")
    # As Starlette's `Router(middleware=...)` would put it: in front of the router's loop.
    app.router.middleware_stack = RouteTable(app.router)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """Each added one wraps those before it: the last runs first."""
    # CORS, the staff side's same-origin check, the docs pages' policy and the security
    # headers, in that order from the inside, as one layer (api.static.SiteHeaders).
    app.add_middleware(
        SiteHeaders,
        origins=settings.partners.cors_origins,
        docs_paths=DOCS_PATHS,
        inline_style_paths=["/redoc"],
    )
    app.add_middleware(Compression, minimum_size=800)
    json_lines = settings.server.log_format == "json"
    app.add_middleware(PrivateAccessLog, metrics=_metrics(app), json_fields=json_lines)
    app.add_middleware(HeadAsGet)
    if settings.server.root_path:  # served under a prefix: put it on what the browser gets
        app.add_middleware(
            UnderPrefix, prefix=settings.server.root_path, root_path_paths=DOCS_PATHS
        )


def _metrics(app: FastAPI) -> RequestMetrics:
    """The app's own metrics (for /metrics), counted by the access log's middleware."""
    metrics = RequestMetrics(app.state, package_version())
    app.state.metrics = metrics
    return metrics


def _start(app: FastAPI, settings: Settings) -> None:
    """Load the data and open the database: the app's state."""
    datasets = load_datasets(settings)
    app.state.datasets = datasets
    _start_logins(app, settings, datasets.store)
    app.state.resolver = datasets.resolver(settings)
    app.state.postcodes = datasets.postcode_lookup(app.state.resolver)
    version = datasets.store.data_version()
    registry = LocatorRegistry(datasets.locator(settings), version)
    app.state.registry = registry
    stamps = stamps_for(settings, datasets)
    stamps.learn(version)  # Last-Modified ready before the first answer: no read in a request
    app.state.data_stamps = stamps
    info = DatasetInfo.of(settings)
    opendata = OpenDataCache(datasets.store, info, lambda: registry.data_version)
    app.state.opendata = opendata
    app.state.watcher = _watcher(settings, datasets, registry, opendata, stamps)
    app.state.search_cache = ResponseCache()
    app.state.nearest_json = NearestJson()
    app.state.places_cache = ResponseCache(size=64)  # one answer per filter asked for
    app.state.oruk_catalogues = Catalogues()  # the ORUK feed's places, by its ids
    # Imports run one at a time, checked in a process of their own (geodata.import_worker).
    app.state.import_limiter = anyio.CapacityLimiter(1)
    pending = PendingImports(settings.data.cache_dir.parent / "uploads", settings.imports)
    pending.sweep()  # previews abandoned before a restart
    app.state.pending_imports = pending
    app.state.import_worker = ImportWorker(settings, pending, changed=app.state.watcher.check)
    app.state.watcher.start()
    log.info(
        "ready: %d postcodes, %d active places (data version %d)",
        len(datasets.gazetteer),
        len(app.state.registry.current.index),
        version,
    )


def _stop(app: FastAPI) -> None:
    app.state.watcher.stop()
    app.state.import_worker.close()
    heap.thaw()


def _watcher(
    settings: Settings,
    datasets: Datasets,
    registry: LocatorRegistry,
    opendata: OpenDataCache,
    stamps: DataStamps,
) -> ChangeWatcher:
    """The process's change watcher: for each new version a new index, swapped in whole, the
    open-data files' places read again (so they can be served with the database away) and
    the time of the last change (for Last-Modified) read with it."""

    def reload(version: int) -> None:
        registry.swap(datasets.locator(settings), version)
        opendata.refresh()
        stamps.learn(version)
        heap.settle()  # the new index is long-lived, the old one gone (api.heap)

    return ChangeWatcher(datasets.store, reload, registry.data_version, settings.changes)


def _warm_up(app: FastAPI, settings: Settings) -> None:
    """In the background: the worker answers searches while the import process starts, and
    while folium draws the maps' frames, the search pages' templates are compiled and the
    phone numbers' formatter loads (the first search would otherwise wait for them); and the
    open-data files' places are read."""
    threading.Thread(target=app.state.import_worker.warm, daemon=True).start()
    threading.Thread(target=app.state.opendata.refresh, daemon=True).start()
    threading.Thread(target=_warm_pages, args=(app, settings), daemon=True).start()


def _warm_pages(app: FastAPI, settings: Settings) -> None:
    # What every search's answer may need comes first: the phone numbers' formatter and
    # England's bank holidays (the holidays package takes about half a second to load), this
    # year's and next, and the service area's cells. Then the maps' frames and the pages'
    # templates, which only /find needs.
    warm_phones()
    area = app.state.registry.current.area
    if area is not None:
        area.warm()
    today = date.today()
    for year in (today.year, today.year + 1):
        is_bank_holiday(date(year, 1, 1))
    draw_frames(settings.pages)
    templates: Jinja2Templates = app.state.templates
    for name in SEARCH_PAGES:
        templates.get_template(name)
    heap.settle()  # folium, pandas, the templates, phonenumbers and holidays, loaded for good


def _could_not_start(exc: Exception, settings: Settings) -> NoReturn:
    line = start_up_problem(exc, settings.database)
    if line is None:  # not one we can name: the whole story at log level debug
        log.debug("start-up failed", exc_info=exc)
    _exit(line or f"Could not start: {type(exc).__name__}: {exc}".splitlines()[0])


def _exit(line: str) -> NoReturn:
    """Say why, in one line, and end the worker now: raising from the lifespan would have
    the server log a traceback first."""
    log.error("%s", line)
    for handler in logging.getLogger().handlers + log.handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(STARTUP_FAILURE)


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
    # The health checks go first: FastAPI analyses a router's routes when a request first
    # goes through it, and a new server's first /readyz then waits for theirs alone, not for
    # the forty routes before them. (Their paths are literal, as are /find's and the search's:
    # the route table goes straight to those, whatever the order.)
    for module in (
        health,
        results,
        search,
        postcodes,
        places,
        downloads,
        ogc,
        oruk,
        metrics,
        staff,
        staff_login,
        staff_dashboard,
        staff_list,
        staff_bulk,
        staff_links,
        staff_two_factor,
        staff_places,
        staff_place_status,
        staff_import,
        staff_accounts,
        embed,
        partners,
        offline,
        pages,
    ):
        app.include_router(module.router)


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn's `--factory` (each worker process reads the environment)."""
    try:
        settings = load_settings()
    except ValidationError as exc:
        _exit(setting_problem(exc))
    return create_app(settings, exit_on_failure=True)
