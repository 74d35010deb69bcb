"""Typed dependencies: the app-owned registry, the resolver, settings, the clock, and the
staff's place editor and account service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

from api import heap
from api.cache import ResponseCache
from api.settings import Settings
from geodata.account_links import AccountLinks
from geodata.account_service import AccountService
from geodata.datasets import Datasets
from geodata.editor import PlaceEditor
from geodata.import_worker import ImportWorker
from geodata.resolver import LocationResolver
from geodata.rows import MetaRow
from geodata.store import PlaceStore
from geodata.two_factor import TwoFactor
from geodata.uploads import PendingImports
from geodata.users import UserStore
from geodata.validation import PlaceChecker
from locator.hours import LONDON
from locator.registry import LocatorRegistry
from locator.search import Locator

# The dependencies that only read app state are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, and the hand-over costs more than the work.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_registry(request: Request) -> LocatorRegistry:
    registry: LocatorRegistry = request.app.state.registry
    return registry


async def get_locator(request: Request) -> Locator:
    """The live locator, rebuilt first if the database has changed (in any worker).

    Taken once per request: a swap mid-request can't mix two versions of the data. Reading
    the version from SQLite (a local file) takes microseconds and stays here; a server round
    trip (PostgreSQL), or a rebuild, goes to the thread pool so other requests carry on.
    """
    state = request.app.state
    datasets: Datasets = state.datasets
    registry: LocatorRegistry = state.registry
    engine = datasets.store.engine
    if engine.dialect.name == "sqlite":
        version = data_version(engine)
    else:
        version = await run_in_threadpool(data_version, engine)
    if version <= registry.data_version:
        return registry.current
    settings: Settings = state.settings

    def rebuild() -> Locator:
        before = registry.current
        locator = registry.current_for(version, lambda: datasets.locator(settings))
        if locator is not before:
            heap.settle()  # the new index is long-lived, the old one gone (api.heap)
        return locator

    return await run_in_threadpool(rebuild)


# The version counter `PlaceStore.bump_version` moves with every committed change. Read with
# the driver directly: it runs on every request, and this way costs a few microseconds where
# an ORM session costs over a hundred. Both SQLite and PostgreSQL take this text as it is.
_DATA_VERSION_SQL = f"SELECT value FROM {MetaRow.__tablename__} WHERE key = 'data_version'"


def data_version(engine: Engine) -> int:
    """The database's data version now (0 before the first seed): what
    `PlaceStore.data_version` returns, through a pooled connection of `engine`."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_DATA_VERSION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        # Back to the pool, which rolls back on the way in (SQLAlchemy's default): a read
        # transaction the driver began ends, so the next read sees every commit since.
        connection.close()
    return int(row[0]) if row else 0


async def get_search_cache(request: Request) -> ResponseCache:
    """The worker's cache of recent nearest-place answers (made in the lifespan)."""
    cache: ResponseCache = request.app.state.search_cache
    return cache


async def get_places_cache(request: Request) -> ResponseCache:
    """The worker's cache of GeoJSON answers by filter (made in the lifespan)."""
    cache: ResponseCache = request.app.state.places_cache
    return cache


async def get_resolver(request: Request) -> LocationResolver:
    resolver: LocationResolver = request.app.state.resolver
    return resolver


async def get_datasets(request: Request) -> Datasets:
    datasets: Datasets = request.app.state.datasets
    return datasets


async def get_now() -> datetime:
    """The current time in Europe/London; tests override this dependency."""
    return datetime.now(LONDON)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[LocatorRegistry, Depends(get_registry)]
LocatorDep = Annotated[Locator, Depends(get_locator)]
ResolverDep = Annotated[LocationResolver, Depends(get_resolver)]
DatasetsDep = Annotated[Datasets, Depends(get_datasets)]
NowDep = Annotated[datetime, Depends(get_now)]
SearchCacheDep = Annotated[ResponseCache, Depends(get_search_cache)]
PlacesCacheDep = Annotated[ResponseCache, Depends(get_places_cache)]


# -- staff work: the place store, the place editor and the account service ---------------------


async def get_store(request: Request) -> PlaceStore:
    datasets: Datasets = request.app.state.datasets
    return datasets.store


async def get_editor(request: Request) -> PlaceEditor:
    """The place editor over the live store, checked against the gazetteer and the area."""
    datasets: Datasets = request.app.state.datasets
    return PlaceEditor(
        datasets.store, PlaceChecker(datasets.gazetteer, datasets.area), datasets.areas
    )


async def get_accounts(request: Request) -> AccountService:
    datasets: Datasets = request.app.state.datasets
    users: UserStore = request.app.state.users
    settings: Settings = request.app.state.settings
    return AccountService(
        users,
        datasets.areas,
        datasets.gazetteer.local_authority_codes,
        staff=settings.staff,
        mail=settings.mail,
    )


async def get_two_factor(request: Request) -> TwoFactor:
    users: UserStore = request.app.state.users
    settings: Settings = request.app.state.settings
    return TwoFactor(users, AccountLinks(users, settings.staff))


StoreDep = Annotated[PlaceStore, Depends(get_store)]
EditorDep = Annotated[PlaceEditor, Depends(get_editor)]
AccountsDep = Annotated[AccountService, Depends(get_accounts)]
TwoFactorDep = Annotated[TwoFactor, Depends(get_two_factor)]


# -- imports: the pending uploads and the import process (geodata.import_worker) ----------


async def get_pending(request: Request) -> PendingImports:
    pending: PendingImports = request.app.state.pending_imports
    return pending


async def get_worker(request: Request) -> ImportWorker:
    worker: ImportWorker = request.app.state.import_worker
    return worker


PendingDep = Annotated[PendingImports, Depends(get_pending)]
WorkerDep = Annotated[ImportWorker, Depends(get_worker)]
