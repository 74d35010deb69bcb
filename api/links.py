"""Links to this service for emails: from `SAFEPLACES_SERVER__PUBLIC_URL` when it is set,
else from the address the request came to (right when nothing sits between, or a trusted
proxy passes on the scheme)."""

from __future__ import annotations

from fastapi import Request

from api.settings import Settings


def public_link(request: Request, path: str) -> str:
    """An absolute link to `path` (which starts with /) on this service."""
    settings: Settings = request.app.state.settings
    base = settings.server.public_url or str(request.base_url).rstrip("/")
    return base + path
