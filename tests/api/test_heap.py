"""A worker's loaded data is frozen out of the garbage collector while the app runs (api.heap):
at start, again after a data change rebuilds the index, and handed back when the app stops."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from locator.venues import Status


def _collected(obj: object) -> bool:
    """Whether the collector would walk `obj` (frozen objects are left out of every generation)."""
    return any(o is obj for o in gc.get_objects())


def test_the_data_is_frozen_while_the_app_runs_and_again_after_a_rebuild(
    synthetic_settings: Settings, database_url: str
) -> None:
    settings = synthetic_settings.model_copy(update={"database_url": database_url})
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"}).is_success
        first = app.state.registry.current
        assert gc.get_freeze_count() > 0
        assert not _collected(first) and not _collected(next(iter(first.index)))

        app.state.datasets.store.set_status("S1", Status.SUSPENDED)
        found = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"}).json()
        assert "S1" not in [p["id"] for p in found["places"]]
        rebuilt = app.state.registry.current
        assert rebuilt is not first
        assert not _collected(rebuilt) and not _collected(next(iter(rebuilt.index)))

        # The replaced one is freed by reference counting, though frozen: no cycles hold it.
        gone = weakref.ref(first)
        del first
        assert gone() is None
    assert gc.get_freeze_count() == 0
