"""Staff pages for one place: the form to add or change it (with a map preview of the pin),
where it stands (the public's view of it, its area, its yearly check) and its status actions
(they and the history are in `api.routes.staff_place_status`).

Every change goes through the place editor (`geodata.editor`), as the staff API's do.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import STAFF_PATH, StaffPage, posted_form
from api.deps import EditorDep
from api.errors import status_of
from api.html import render
from api.staff_schemas import StaffPlaceOut
from api.staff_views import (
    DONE,
    FORM_FIELDS,
    PREVIEWED,
    STATUS_ACTIONS,
    STATUS_WORDS,
    changed_fields,
    clash,
    form_values,
    long_date,
    new_place_data,
    preview_venue,
    row_values,
)
from geodata.editor import PlaceEditor
from geodata.place_list import contact_problems
from geodata.rows import PlaceRow
from geodata.users import StaffSession
from locator.accounts import Role
from locator.errors import (
    DuplicateReference,
    Forbidden,
    InvalidParameter,
    PlaceInvalid,
    StaleEdit,
    StorageUnavailable,
)
from locator.venues import Status, Venue
from maps.render import place_map

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


def _form_page(
    request: Request,
    staff: StaffSession,
    row: PlaceRow | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
    preview: Venue | None = None,
) -> HTMLResponse:
    settings = request.app.state.settings
    shown = preview or (row.to_venue() if row is not None else None)
    context: dict[str, Any] = {
        "staff": staff,
        "place": StaffPlaceOut.of(row, date.today()) if row is not None else None,
        "heading": row.name if row is not None else "Add a Safe Place",
        "action": f"{STAFF_PATH}/places/{row.id if row is not None else 'new'}",
        "submit": "Save changes" if row is not None else "Add this place",
        "fields": FORM_FIELDS,
        "values": values if values is not None else row_values(row),
        "errors": errors or {},
        "message": message,
        "status_actions": [
            (k, v[1]) for k, v in STATUS_ACTIONS.items() if row is None or v[0].value != row.status
        ],
        # An editor outside the place's area sees it, but not forms that can't work.
        "can_edit": row is None or staff.user.can_edit_place(row.local_authority_code),
        "area_name": request.app.state.datasets.areas.name,
        "long_date": long_date,
        "status_words": STATUS_WORDS[Status(row.status)] if row is not None else "",
        "map": (
            place_map(shown, settings.pages, root=settings.server.root_path)
            if shown is not None
            else None
        ),
    }
    return render(request, "staff/place_form.html", context, status_code=status_code)


@router.get("/places/new", response_class=HTMLResponse)
def new_place_form(request: Request, staff: StaffPage) -> HTMLResponse:
    return _form_page(request, staff, None)


@router.post("/places/new", response_class=HTMLResponse)
async def new_place(request: Request, staff: StaffPage, editor: EditorDep) -> Response:
    posted = await posted_form(request, staff)
    try:
        fields = editor.check_new(staff.user, new_place_data(posted))
    except (PlaceInvalid, Forbidden) as exc:
        return _kept(request, staff, None, posted, exc)
    if posted.get("preview"):
        pin = preview_venue(None, fields)
        return _form_page(request, staff, None, values=posted, message=PREVIEWED, preview=pin)
    try:
        row = editor.create(staff.user, new_place_data(posted))
    except (PlaceInvalid, DuplicateReference, StorageUnavailable) as exc:
        return _kept(request, staff, None, posted, exc)
    return RedirectResponse(f"{STAFF_PATH}/places/{row.id}?saved=1", status_code=303)


@router.get("/places/{place_id}", response_class=HTMLResponse)
def edit_form(
    request: Request,
    place_id: str,
    staff: StaffPage,
    editor: EditorDep,
    saved: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    row = editor.store.get(place_id)
    # A number or email kept as it was typed (not a real one) is said by its box, to fix.
    problems = contact_problems(row)
    return _form_page(request, staff, row, errors=problems, message=DONE.get(saved or ""))


@router.post("/places/{place_id}", response_class=HTMLResponse)
async def edit(request: Request, place_id: str, staff: StaffPage, editor: EditorDep) -> Response:
    posted = await posted_form(request, staff)
    row = editor.may_change(staff.user, place_id)
    version = _version(posted)
    loaded = _loaded(editor, row, version)
    changed = changed_fields(posted, loaded)
    if not changed:
        return _form_page(request, staff, row, message="Nothing was changed.")
    try:
        if posted.get("preview"):
            _, fields = editor.check_changes(staff.user, place_id, changed)
            pin = preview_venue(row, fields)
            return _form_page(request, staff, row, values=posted, message=PREVIEWED, preview=pin)
        editor.update(staff.user, place_id, changed, version)
    except (PlaceInvalid, DuplicateReference, StorageUnavailable, Forbidden) as exc:
        return _kept(request, staff, row, posted, exc)
    except StaleEdit:
        now = editor.store.get(place_id)
        again = clash(now, loaded, posted, changed)
        return _form_page(
            request, staff, now, values=again.values, message=again.message, status_code=412
        )
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}?saved=1", status_code=303)


def _kept(
    request: Request,
    staff: StaffSession,
    row: PlaceRow | None,
    posted: dict[str, str],
    exc: PlaceInvalid | DuplicateReference | StorageUnavailable | Forbidden,
) -> HTMLResponse:
    """The form again with everything typed kept, and what stopped the save: beside the
    field it is about, or at the top when it is about no field (a database that can't save)."""
    errors = exc.field_errors
    if isinstance(exc, Forbidden) and staff.user.role is Role.EDITOR:
        errors = {"postcode": exc.user_message}  # the postcode is in another area
    return _form_page(
        request,
        staff,
        row,
        values=posted,
        errors=errors,
        message=None if errors else exc.user_message,
        status_code=status_of(exc),
    )


def _version(posted: dict[str, str]) -> int:
    text = posted.get("version", "").strip()
    if text and not text.isdigit():
        raise InvalidParameter("This form has been changed. Please reload the page.")
    return int(text or 0)


def _loaded(editor: PlaceEditor, row: PlaceRow, version: int) -> dict[str, str]:
    """The form as this person had it: what they changed is measured against the version
    in front of them, not the place as it is now (someone else may have saved since)."""
    if version != row.version and 0 < version < row.version:
        return form_values(editor.store.fields_at(row.id, version))
    return row_values(row)
