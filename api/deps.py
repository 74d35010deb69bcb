"""Typed dependencies: the app-owned registry, the resolver, settings and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from geodata.datasets import Datasets
from geodata.resolver import LocationResolver
from locator.hours import LONDON
from locator.registry import LocatorRegistry
from locator.search import Locator
from locator.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_registry(request: Request) -> LocatorRegistry:
    registry: LocatorRegistry = request.app.state.registry
    return registry


def get_locator(request: Request) -> Locator:
    """The live locator, rebuilt first if the database has changed (in any worker).

    Taken once per request: a swap mid-request can't mix two versions of the data.
    """
    datasets = get_datasets(request)
    settings = get_settings(request)
    return get_registry(request).current_for(
        datasets.store.data_version(), lambda: datasets.locator(settings)
    )


def get_resolver(request: Request) -> LocationResolver:
    resolver: LocationResolver = request.app.state.resolver
    return resolver


def get_datasets(request: Request) -> Datasets:
    datasets: Datasets = request.app.state.datasets
    return datasets


def get_now() -> datetime:
    """The current time in Europe/London; tests override this dependency."""
    return datetime.now(LONDON)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[LocatorRegistry, Depends(get_registry)]
LocatorDep = Annotated[Locator, Depends(get_locator)]
ResolverDep = Annotated[LocationResolver, Depends(get_resolver)]
DatasetsDep = Annotated[Datasets, Depends(get_datasets)]
NowDep = Annotated[datetime, Depends(get_now)]
