"""Liveness and readiness for the process manager."""

from __future__ import annotations

from enum import Enum

from fastapi import APIRouter

from api.deps import DatasetsDep, LocatorDep, RegistryDep, SettingsDep, WatcherDep
from api.openapi import problems
from api.route_rules import KnownParamsRoute
from api.schemas import AboutOut, ReadyOut
from locator.errors import DatabaseUnreachable

router = APIRouter()
HEALTH: list[str | Enum] = ["health"]


def about(settings: SettingsDep) -> AboutOut:
    """Where the data comes from, and the attribution its licences require."""
    return AboutOut(
        attribution=list(settings.data.attribution), licence_url=settings.data.licence_url
    )


@router.get("/healthz", tags=HEALTH)
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


async def ping() -> dict[str, str]:
    """A constant answer: the process is up and serving the API.

    For monitors, and as the ceiling in the load benchmarks (`make bench`): no data is read,
    so this is as fast as the server answers anything.
    """
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyOut, tags=HEALTH, responses=problems(503))
def readyz(
    datasets: DatasetsDep, locator: LocatorDep, registry: RegistryDep, watcher: WatcherDep
) -> ReadyOut:
    """The data is loaded and the database answers; with counts.

    503 ("Database unreachable") while the database doesn't answer: searches still answer
    from memory, but no change can be saved. A plain `def`: the quick read runs off the
    event loop, and a server that is down fails it in seconds at most.
    """
    if not watcher.reachable:
        raise DatabaseUnreachable("not ready: database unreachable")
    rows_skipped = len(datasets.store.seed_problems())
    return ReadyOut(
        status="ready",
        postcodes=len(datasets.gazetteer),
        postcode_districts=datasets.gazetteer.district_count,
        place_names=len(datasets.places),
        places=locator.index.counts(),
        rows_skipped=rows_skipped,
        data_version=registry.data_version,
    )


# The JSON API's own: query parameters they don't take are refused (`api.route_rules`).
router.add_api_route(
    "/api/v1/about",
    about,
    methods=["GET"],
    response_model=AboutOut,
    tags=["about"],
    responses=problems(400),
    route_class_override=KnownParamsRoute,
)
router.add_api_route(
    "/api/v1/ping",
    ping,
    methods=["GET"],
    tags=HEALTH,
    responses=problems(400),
    route_class_override=KnownParamsRoute,
)
