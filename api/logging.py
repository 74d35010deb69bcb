"""Logging that never records what people searched for.

Access lines carry the route template (``/api/v1/postcodes/{postcode}``), never the real path
or its query string, so no postcode or coordinate reaches a log. Uvicorn's own access log is
switched off in favour of this one.
"""

from __future__ import annotations

import logging
import logging.config
import time
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import unexpected_error

access_log = logging.getLogger("safeplaces.access")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    # Mounted apps (static files) leave no route in scope: match against the router ourselves.
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", []):
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            return str(getattr(candidate, "path", "?"))
    return "<no route>"


class PrivateAccessLog:
    """ASGI middleware: one access line per request, and a last guard against unhandled errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if started:
                raise
            response = unexpected_error(exc)
            status = response.status_code
            await response(scope, receive, send)
        finally:
            access_log.info(
                "%s %s %d %.1fms",
                scope.get("method", "?"),
                _route_template(scope),
                status,
                (time.perf_counter() - start) * 1000,
            )


def logging_config(level: str = "info") -> dict[str, Any]:
    """dictConfig for the service and uvicorn; uvicorn's access logger is silenced."""
    lvl = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "uvicorn.error": {"level": lvl},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "safeplaces": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "geodata": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "locator": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "api": {"handlers": ["stderr"], "level": lvl, "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def configure_logging(level: str = "info") -> None:
    logging.config.dictConfig(logging_config(level))
