"""The staff import page: upload a CSV, GeoJSON or GeoPackage file, see every place it would
add or change (and every bad row) first, then confirm. Checking and applying are the place
editor's (`geodata.editor`), as for the command line's `safeplaces import`."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from api.auth import STAFF_PATH, StaffPage, check_csrf, posted_form
from api.deps import EditorDep, SettingsDep
from api.html import render
from api.settings import Settings
from api.staff_views import FIELD_LABELS, FORM_FIELDS, shown
from api.views import places_words
from geodata.editor import PlaceEditor, require_import
from geodata.importer import ImportPlan, read_table
from geodata.users import StaffSession
from locator.errors import DataError
from locator.venues import Category

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)

MAX_UPLOAD = 5_000_000
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(csv|geojson|json|gpkg)$")
SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")
# A preview lists at most this many places of each kind; a whole-county file stays readable.
PREVIEW_ROWS = 300


def _uploads(settings: Settings) -> Path:
    return settings.data.cache_dir.parent / "uploads"


def _plan_for(editor: PlaceEditor, staff: StaffSession, path: Path) -> ImportPlan:
    return editor.plan_import(staff.user, read_table(path))


def _import_page(
    request: Request, staff: StaffSession, status_code: int = 200, **context: Any
) -> HTMLResponse:
    labels = {f.name: f.label for f in FORM_FIELDS} | FIELD_LABELS
    return render(
        request,
        "staff/import.html",
        {
            "staff": staff,
            "labels": labels,
            "categories": {c.value: c.label for c in Category},
            "shown": shown,
            "preview_rows": PREVIEW_ROWS,
            **context,
        },
        status_code,
    )


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, staff: StaffPage) -> HTMLResponse:
    require_import(staff.user)
    return _import_page(request, staff)


@router.post("/import", response_class=HTMLResponse)
async def import_upload(
    request: Request, staff: StaffPage, editor: EditorDep, settings: SettingsDep
) -> HTMLResponse:
    require_import(staff.user)
    form = await request.form()
    check_csrf(str(form.get("csrf_token", "")), staff.csrf_token)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, staff, 422, error="Choose a file to import.")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return _import_page(request, staff, 422, error="Choose a .csv, .geojson or .gpkg file.")
    content = await upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _import_page(request, staff, 413, error="The file is too big (at most 5 MB).")
    folder = _uploads(settings)
    folder.mkdir(parents=True, exist_ok=True)
    upload_id = secrets.token_urlsafe(16) + suffix
    path = folder / upload_id
    path.write_bytes(content)
    try:
        plan = _plan_for(editor, staff, path)
    except (DataError, ValueError, OSError) as exc:
        path.unlink(missing_ok=True)
        reason = str(exc) if isinstance(exc, DataError) else "The file could not be read."
        return _import_page(request, staff, 422, error=reason)
    status = 422 if plan.errors else 200
    return _import_page(request, staff, status, plan=plan, upload_id=upload_id)


@router.post("/import/{upload_id}/confirm", response_class=HTMLResponse)
async def import_confirm(
    request: Request, upload_id: str, staff: StaffPage, editor: EditorDep, settings: SettingsDep
) -> Response:
    require_import(staff.user)
    await posted_form(request, staff)
    path = _uploads(settings) / upload_id
    if not _UPLOAD_ID.match(upload_id) or not path.is_file():
        return _import_page(request, staff, 404, error="That upload has gone. Upload it again.")
    # Check again: places may have changed since the preview.
    plan = _plan_for(editor, staff, path)
    if plan.errors:
        return _import_page(request, staff, 422, plan=plan, upload_id=upload_id)
    applied = editor.apply_import(staff.user, plan)
    path.unlink(missing_ok=True)
    message = f"Imported: {places_words(applied)} added or updated."
    return _import_page(request, staff, message=message)
