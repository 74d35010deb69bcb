"""Links to this service for emails: from `SAFEPLACES_SERVER__PUBLIC_URL` when it is set,
else from the address the request came to (right when nothing sits between, or a trusted
proxy passes on the scheme)."""

from __future__ import annotations

from fastapi import Request

from api.auth import STAFF_PATH
from api.settings import Settings
from geodata.account_links import Purpose
from geodata.account_service import Linker

# Where each emailed link opens (api.routes.staff_links).
LINK_PATHS = {Purpose.RESET: f"{STAFF_PATH}/reset", Purpose.INVITE: f"{STAFF_PATH}/welcome"}


def public_link(request: Request, path: str) -> str:
    """An absolute link to `path` (which starts with /) on this service."""
    settings: Settings = request.app.state.settings
    base = settings.server.public_url or str(request.base_url).rstrip("/")
    return base + path


def account_linker(request: Request) -> Linker:
    """The links account emails carry: the page for the link's purpose, with its token."""

    def link(purpose: Purpose, token: str) -> str:
        return public_link(request, f"{LINK_PATHS[purpose]}/{token}")

    return link
