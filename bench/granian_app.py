"""The service's app for granian, as `safeplaces serve` makes it for uvicorn: the same
settings from the environment, the same logging (the access line for every request), the
same start-up. Only the server differs (bench/load.py compares the two)."""

from __future__ import annotations

from fastapi import FastAPI


def app() -> FastAPI:
    """granian's `--factory` target."""
    from api.app import create_app_from_env
    from api.logging import configure_logging
    from api.settings import load_settings

    logs = load_settings().server
    configure_logging(logs.log_level, logs.log_format)
    return create_app_from_env()
