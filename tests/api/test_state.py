"""The app's state: Starlette's `State`, each value also a plain attribute."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.state import AppState


def test_a_value_set_any_way_is_read_any_way_and_found_without_a_failed_lookup() -> None:
    state = AppState()
    state.registry = "r"
    state["cache"] = "c"
    assert (state.registry, state["registry"], state.cache, state["cache"]) == ("r", "r", "c", "c")
    # In the instance's own attributes: the ordinary lookup finds them, __getattr__ never runs.
    assert vars(state)["registry"] == "r" and vars(state)["cache"] == "c"
    assert sorted(state) == ["cache", "registry"] and len(state) == 2
    state.registry = "r2"
    assert state.registry == state["registry"] == "r2"


def test_a_value_removed_is_gone_both_ways() -> None:
    state = AppState({"kept": 1})
    state.a = 1
    state.b = 2
    del state.a
    del state["b"]
    for name in ("a", "b"):
        with pytest.raises(AttributeError):
            getattr(state, name)
        with pytest.raises(KeyError):
            state[name]
    assert getattr(state, "missing", None) is None
    assert list(state) == ["kept"] and state.kept == 1


def test_the_app_keeps_its_state_in_one(synthetic_settings: Settings) -> None:
    with TestClient(create_app(synthetic_settings)) as client:
        assert client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"}).is_success
        state = client.app.state  # type: ignore[attr-defined]
        assert isinstance(state, AppState)
        assert {"registry", "search_cache", "resolver", "nearest_json"} <= set(vars(state))
