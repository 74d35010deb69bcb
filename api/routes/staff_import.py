"""The staff import page: upload a CSV, Excel, GeoJSON or GeoPackage file, say what each of
its columns fills, see every place it would add or change (and every bad row), then confirm.
Checking and applying are the place editor's (`geodata.editor`), as for the command line's
`safeplaces import`; the file and the person's choices wait between the steps in
`geodata.uploads`. Reading, checking and writing run off the event loop and in a process of
their own (`geodata.import_worker`), one import at a time, so an import never holds up the
public pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect

from api.auth import STAFF_PATH, StaffPage, check_csrf, posted_form
from api.deps import PendingDep, SettingsDep, WorkerDep
from api.html import render
from api.settings import Settings
from api.staff_views import FIELD_LABELS, FORM_FIELDS, error_rows_words, shown
from api.uploads import TooBig, declared_too_big, read_form
from api.views import places_words
from geodata.columns import LEAVE_OUT, TARGETS
from geodata.editor import require_import
from geodata.lookalikes import Decision
from geodata.uploads import SUFFIXES, ImportChoices, Matching, Preview
from geodata.users import StaffSession
from locator.errors import DataError
from locator.venues import Category

T = TypeVar("T")

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


async def _off_the_loop(request: Request, job: Callable[[], T]) -> T:
    """Wait for the import process on a thread of the imports' own limiter: one import at a
    time, never holding a thread of the pool the public routes share."""
    limiter: CapacityLimiter = request.app.state.import_limiter
    return await anyio.to_thread.run_sync(job, limiter=limiter)


def _import_page(
    request: Request, staff: StaffSession, status_code: int = 200, **context: Any
) -> HTMLResponse:
    labels = {f.name: f.label for f in FORM_FIELDS} | FIELD_LABELS
    settings: Settings = request.app.state.settings
    return render(
        request,
        "staff/import.html",
        {
            "staff": staff,
            "labels": labels,
            "categories": {c.value: c.label for c in Category},
            "shown": shown,
            "limits": settings.imports,
            "targets": TARGETS,
            "row_words": error_rows_words,
            **context,
        },
        status_code,
    )


def _columns_page(
    request: Request, staff: StaffSession, matching: Matching, status_code: int = 200
) -> HTMLResponse:
    """The matching step: each column of the file, a few of its cells, and what it fills."""
    return render(
        request,
        "staff/import_columns.html",
        {"staff": staff, "matching": matching, "targets": TARGETS, "leave_out": LEAVE_OUT},
        422 if matching.problems else status_code,
    )


def _step_page(
    request: Request, staff: StaffSession, step: Matching | Preview | None
) -> HTMLResponse:
    """The page for where the import has got to: the matching step or the preview."""
    if step is None:
        return _import_page(request, staff, 404, error=_GONE)
    if isinstance(step, Matching):
        return _columns_page(request, staff, step)
    status = 422 if step.plan.error_count or step.plan.clashes else 200
    return _import_page(
        request, staff, status, preview=step, plan=step.plan, upload_id=step.upload_id
    )


async def _run_step(
    request: Request, staff: StaffSession, job: Callable[[], Matching | Preview | None]
) -> HTMLResponse:
    """One step of the import in its process, then its page; a file it can't use is said on
    the import page."""
    try:
        step = await _off_the_loop(request, job)
    except DataError as exc:
        return _import_page(request, staff, 422, error=str(exc))
    return _step_page(request, staff, step)


_GONE = "That upload has gone. Upload it again."
_COLUMN = re.compile(r"^column-(\d{1,3})$")
_ROW = re.compile(r"^row-(\d{1,6})$")
_DECISIONS = {d.value: d for d in Decision}


def _choices(form: dict[str, str]) -> ImportChoices:
    """The choices sent back with a step's form: what each column fills (``column-0``, …;
    blank: not chosen yet; none at all: as the headings suggest), what to do with each row
    that looks like a place (``row-12``), and whether to leave out the rows with errors."""
    found = {int(m[1]): v for k, v in form.items() if (m := _COLUMN.match(k))}
    columns = tuple(found.get(i) or None for i in range(max(found) + 1)) if found else None
    rows = tuple(
        (int(m[1]), _DECISIONS[v])
        for k, v in form.items()
        if (m := _ROW.match(k)) and v in _DECISIONS
    )
    return ImportChoices(columns, rows, form.get("leave_out_errors", ""))


def _too_big(request: Request, staff: StaffSession, settings: Settings) -> HTMLResponse:
    error = f"The file is too big (at most {settings.imports.size_words})."
    response = _import_page(request, staff, 413, error=error)
    # The rest of the body is never read: end the connection rather than drain it.
    response.headers["Connection"] = "close"
    return response


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, staff: StaffPage) -> HTMLResponse:
    require_import(staff.user)
    return _import_page(request, staff)


@router.post("/import", response_class=HTMLResponse)
async def import_upload(
    request: Request, staff: StaffPage, worker: WorkerDep, settings: SettingsDep
) -> HTMLResponse:
    require_import(staff.user)
    limit = settings.imports.max_bytes
    if declared_too_big(request, limit):
        return _too_big(request, staff, settings)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _import_page(request, staff, 422, error="Choose a file to import.")
    try:
        form = await read_form(request, limit)
    except TooBig:
        return _too_big(request, staff, settings)
    except (MultiPartException, ClientDisconnect):  # not a form, or the sender gave up
        return _import_page(request, staff, 422, error="Choose a file to import.")
    try:
        check_csrf(str(form.get("csrf_token", "")), staff.csrf_token)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _import_page(request, staff, 422, error="Choose a file to import.")
        suffix = Path(upload.filename).suffix.lower()
        if suffix == ".xls":
            error = (
                "This is an older Excel file (.xls). In Excel choose Save As, and pick "
                "Excel Workbook (.xlsx) or CSV UTF-8."
            )
            return _import_page(request, staff, 422, error=error)
        if suffix not in SUFFIXES:
            error = "Choose a .csv, .xlsx, .geojson or .gpkg file."
            return _import_page(request, staff, 422, error=error)
        content = await upload.read()
    finally:
        await form.close()
    return await _run_step(request, staff, partial(worker.upload, staff.user, content, suffix))


@router.post("/import/{upload_id}/preview", response_class=HTMLResponse)
async def import_preview(
    request: Request, upload_id: str, staff: StaffPage, worker: WorkerDep
) -> Response:
    """The columns as chosen on the matching step: the preview, or the step again."""
    require_import(staff.user)
    choices = _choices(await posted_form(request, staff))
    return await _run_step(request, staff, partial(worker.preview, staff.user, upload_id, choices))


@router.post("/import/{upload_id}/columns", response_class=HTMLResponse)
async def import_columns(
    request: Request, upload_id: str, staff: StaffPage, worker: WorkerDep
) -> Response:
    """Back from the preview to the matching step, with the columns as they were chosen."""
    require_import(staff.user)
    choices = _choices(await posted_form(request, staff))
    return await _run_step(request, staff, partial(worker.matching, staff.user, upload_id, choices))


@router.post("/import/{upload_id}/confirm", response_class=HTMLResponse)
async def import_confirm(
    request: Request, upload_id: str, staff: StaffPage, worker: WorkerDep
) -> Response:
    require_import(staff.user)
    form = await posted_form(request, staff)
    seen = form.get("plan_digest", "")
    job = partial(worker.confirm, staff.user, upload_id, seen, _choices(form))
    try:
        done = await _off_the_loop(request, job)
    except DataError as exc:
        return _import_page(request, staff, 422, error=str(exc))
    if done is None:
        return _import_page(request, staff, 404, error=_GONE)
    kept = {"plan": done.plan, "upload_id": upload_id, "preview": done}
    if done.changed:
        error = (
            "Some places have changed since you looked at this file, so nothing was imported. "
            "Check what it would do now, below, and import again."
        )
        return _import_page(request, staff, 409, error=error, **kept)
    if done.applied is None:
        return _import_page(request, staff, 422, **kept)
    message = f"Imported: {places_words(done.applied)} added or updated."
    return _import_page(request, staff, message=message)


@router.post("/import/{upload_id}/cancel", response_class=HTMLResponse)
async def import_cancel(
    request: Request, upload_id: str, staff: StaffPage, pending: PendingDep
) -> Response:
    require_import(staff.user)
    await posted_form(request, staff)
    pending.cancel(upload_id)  # gone already (swept, or a second click): the same answer
    return _import_page(request, staff, message="Import cancelled. Nothing was imported.")
