"""Shared fixtures: the real shared data directory, and a tiny synthetic data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from synthetic import write_synthetic_data

from locator.settings import DataSettings, Settings, default_data_dir


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    path = default_data_dir()
    if not (path / "postcodes_derbyshire.csv.gz").is_file():
        pytest.skip("the shared open data is not beside the project")
    return path


@pytest.fixture(scope="session")
def real_settings(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    cache = tmp_path_factory.mktemp("cache")
    return Settings(data=DataSettings(dir=real_data_dir, cache_dir=cache))


@pytest.fixture(scope="module")
def synthetic_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Fresh settings over a fresh synthetic data directory, one per test module."""
    root = tmp_path_factory.mktemp("synthetic")
    data = write_synthetic_data(root / "data")
    return Settings(data=DataSettings(dir=data, cache_dir=root / "cache"))
