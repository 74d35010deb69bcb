"""Typed dependencies: the app-owned registry, the resolver, settings, the clock, and the
staff's place editor and account service."""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from api.cache import ResponseCache
from api.settings import Settings
from geodata.account_links import AccountLinks
from geodata.account_service import AccountService
from geodata.changes import ChangeWatcher
from geodata.datasets import Datasets
from geodata.editor import PlaceEditor
from geodata.import_worker import ImportWorker
from geodata.postcode_lookup import PostcodeLookup
from geodata.resolver import LocationResolver
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
    """The live locator, which the app's change watcher (`geodata.changes`) keeps current:
    no database read here, and no request waits for a rebuild.

    Taken once per request: a swap mid-request can't mix two versions of the data.
    """
    registry: LocatorRegistry = request.app.state.registry
    return registry.current


async def get_watcher(request: Request) -> ChangeWatcher:
    """The process's change watcher: the data version, and whether the database answers."""
    watcher: ChangeWatcher = request.app.state.watcher
    return watcher


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


async def get_postcodes(request: Request) -> PostcodeLookup:
    lookup: PostcodeLookup = request.app.state.postcodes
    return lookup


async def get_datasets(request: Request) -> Datasets:
    datasets: Datasets = request.app.state.datasets
    return datasets


async def get_now() -> datetime:
    """The current time in Europe/London; tests override this dependency."""
    return datetime.now(LONDON)


async def current_time(request: Request) -> datetime:
    """`get_now`, or what the app has in its place (tests fix the time), for a route that
    answers without FastAPI's dependency solving."""
    override = request.app.dependency_overrides.get(get_now)
    if override is None:
        return datetime.now(LONDON)
    now = override()
    found: datetime = await now if inspect.isawaitable(now) else now
    return found


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[LocatorRegistry, Depends(get_registry)]
LocatorDep = Annotated[Locator, Depends(get_locator)]
WatcherDep = Annotated[ChangeWatcher, Depends(get_watcher)]
ResolverDep = Annotated[LocationResolver, Depends(get_resolver)]
DatasetsDep = Annotated[Datasets, Depends(get_datasets)]
PostcodesDep = Annotated[PostcodeLookup, Depends(get_postcodes)]
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
