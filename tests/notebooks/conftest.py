"""The `notebooks` marker: the analyst notebooks, run in a real kernel (in the normal run)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "notebooks: runs notebooks/*.ipynb top to bottom in a Jupyter kernel; in the normal "
        "`make test` too",
    )
