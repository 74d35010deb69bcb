"""Staff pages for where a place stands: "Checked today", suspend and remove (each asking
why), restore, and the history (in words, by name) with "restore version".

Every change goes through the place editor (`geodata.editor`), as the staff API's do.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import STAFF_PATH, StaffPage, posted_form
from api.deps import DatasetsDep, EditorDep
from api.errors import status_of
from api.html import render
from api.staff_views import REASON_HINT, STATUS_ACTIONS, STATUS_QUESTIONS, history_rows
from geodata.rows import PlaceRow
from geodata.users import StaffSession, UserStore
from locator.errors import InvalidParameter, PlaceInvalid, StorageUnavailable

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)
Action = Annotated[str, Query(max_length=10)]


def _question(
    request: Request,
    staff: StaffSession,
    row: PlaceRow,
    action: str,
    reason: str = "",
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page asking before a place is hidden, with its reason as typed."""
    question = STATUS_QUESTIONS.get(action)
    if question is None:
        raise InvalidParameter("Choose suspend or remove.")
    context = {
        "staff": staff,
        "place": row,
        "action": action,
        "question": question,
        "heading": question.title.format(name=row.name),
        "hint": REASON_HINT,
        "reason": reason,
        "errors": errors or {},
        "message": message,
    }
    return render(request, "staff/place_status.html", context, status_code=status_code)


@router.get("/places/{place_id}/status", response_class=HTMLResponse)
def status_form(
    request: Request, place_id: str, staff: StaffPage, editor: EditorDep, action: Action = ""
) -> HTMLResponse:
    return _question(request, staff, editor.may_change(staff.user, place_id), action)


@router.post("/places/{place_id}/status")
async def change_status(
    request: Request, place_id: str, staff: StaffPage, editor: EditorDep
) -> Response:
    posted = await posted_form(request, staff)
    name = posted.get("action", "")
    action = STATUS_ACTIONS.get(name)
    if action is None:
        raise InvalidParameter("Choose suspend, remove or restore.")
    reason = posted.get("reason", "")
    row = editor.may_change(staff.user, place_id)
    if name == "remove" and posted.get("confirm") != "yes":
        return _question(request, staff, row, name, reason)  # removing is asked first
    try:
        editor.set_status(staff.user, place_id, action[0], reason)
    except (PlaceInvalid, StorageUnavailable) as exc:
        # Asked again, with the reason as typed and what to do about it.
        message = None if exc.field_errors else exc.user_message
        code = status_of(exc)
        return _question(request, staff, row, name, reason, exc.field_errors, message, code)
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}?saved={name}", status_code=303)


@router.post("/places/{place_id}/checked")
async def checked_today(
    request: Request, place_id: str, staff: StaffPage, editor: EditorDep
) -> Response:
    """The yearly check is done: today's date, and who, in the history."""
    await posted_form(request, staff)
    editor.mark_checked(staff.user, place_id)
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}?saved=checked", status_code=303)


@router.get("/places/{place_id}/history", response_class=HTMLResponse)
def history_page(
    request: Request, place_id: str, staff: StaffPage, editor: EditorDep, datasets: DatasetsDep
) -> HTMLResponse:
    row = editor.store.get(place_id)
    users: UserStore = request.app.state.users
    changes = history_rows(editor.store.history(place_id), users.names(), datasets.areas.name)
    return render(request, "staff/history.html", {"staff": staff, "place": row, "changes": changes})


@router.post("/places/{place_id}/history/{version}/restore")
async def restore_page(
    request: Request, place_id: str, version: int, staff: StaffPage, editor: EditorDep
) -> Response:
    await posted_form(request, staff)
    editor.restore_version(staff.user, place_id, version)
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}/history", status_code=303)
