"""The installable app: manifest, icons, service worker, and the pages it keeps for when
there is no signal (the no-signal page and the Keep Safe Card on its own)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import SettingsDep
from api.html import TEMPLATES_DIR, contact_book, render
from api.offline import (
    OFFLINE_PATH,
    app_version,
    icon_png,
    manifest,
    served_files,
    service_worker,
)
from api.pictures import DEFAULT_PICTURES_DIR
from api.static import STATIC_DIR

router = APIRouter(include_in_schema=False)


@router.get("/manifest.webmanifest")
def web_manifest(settings: SettingsDep) -> JSONResponse:
    return JSONResponse(manifest(settings.server.root_path), media_type="application/manifest+json")


@router.get("/icons/app-{size}.png")
def app_icon(size: Literal["192", "512"]) -> Response:
    return Response(
        icon_png(int(size)),
        media_type="image/png",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/sw.js")
def worker(request: Request, settings: SettingsDep) -> Response:
    """Never taken from the browser's cache, so a new deployment is seen at the next visit."""
    pictures = settings.pages.pictures_dir or DEFAULT_PICTURES_DIR
    numbers = contact_book(settings.pages).model_dump_json()  # as the pages show them
    files = served_files([STATIC_DIR, TEMPLATES_DIR], pictures)
    version = app_version(request.app.version, numbers, files)
    root = settings.server.root_path
    return Response(
        service_worker(version, pictures if pictures.is_dir() else None, root),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": f"{root}/"},
    )


@router.get(OFFLINE_PATH, response_class=HTMLResponse)
def no_signal(request: Request) -> HTMLResponse:
    """Shown by the service worker when a page can't be reached and isn't kept."""
    return render(request, "offline.html", {})


@router.get("/card", response_class=HTMLResponse)
def card(request: Request) -> HTMLResponse:
    """The Keep Safe Card on its own, so it can be shown with no signal."""
    return render(request, "card.html", {})
