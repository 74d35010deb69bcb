"""/metrics, for the council's monitoring (Prometheus): no personal data, and off or limited
to the monitoring server's addresses by setting (api.settings.MetricsSettings)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from api.deps import SettingsDep
from api.metrics import RequestMetrics, allowed

router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, settings: SettingsDep) -> Response:
    client = request.client.host if request.client else None
    if not settings.metrics.enabled or not allowed(client, settings.metrics.allow_from):
        # As if there were no such page: nothing to learn from trying.
        raise HTTPException(404)
    collected: RequestMetrics = request.app.state.metrics
    return Response(collected.exposition(), media_type=CONTENT_TYPE_LATEST)
