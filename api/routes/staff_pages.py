"""Staff web pages: log in and out (a server-side session in an HttpOnly cookie that only
`/staff` pages receive), and the place list. Every form carries a CSRF token."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.auth import UsersDep, may_edit
from api.html import render
from api.routes.staff import StaffPlaceOut, checker_of, select_places, store_of
from api.settings import Settings
from api.views import places_words
from geodata.importer import ImportPlan, RowError, plan_import, read_table
from geodata.rows import PlaceRow
from geodata.users import SESSION_LENGTH, StaffSession
from geodata.validation import PlaceChecker
from locator.accounts import Role
from locator.errors import (
    AccountDisabled,
    AccountLocked,
    DataError,
    Forbidden,
    InvalidParameter,
    NotAuthenticated,
    PlaceInvalid,
    StaleEdit,
)
from locator.hours import LONDON, OpeningHours
from locator.venues import Category, Kind, LocationPrecision, Status, Venue
from maps.render import place_map

SESSION_COOKIE = "sp_staff"
LOGIN_COOKIE = "sp_login"
STAFF_PATH = "/staff"

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    # Strict and path-bound: the public pages never receive (or set) a cookie.
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=STAFF_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def staff_session(
    users: UsersDep, sp_staff: Annotated[str | None, Cookie()] = None
) -> StaffSession:
    session = users.session_for(sp_staff or "")
    if session is None:
        raise NotAuthenticated(
            "Please log in to see the staff pages.", log_message="staff page without a session"
        )
    return session


StaffPage = Annotated[StaffSession, Depends(staff_session)]


def check_csrf(sent: str, expected: str) -> None:
    if not sent or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            "This form has expired. Please go back, reload the page and try again.",
            log_message="form without a valid CSRF token",
        )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    # Login CSRF: the form's token must match a cookie only this site could have set.
    token = secrets.token_urlsafe(32)
    response = render(request, "staff/login.html", {"csrf_token": token})
    _cookie(response, request, LOGIN_COOKIE, token, 3600)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    users: UsersDep,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=500)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    sp_login: Annotated[str | None, Cookie()] = None,
) -> Response:
    check_csrf(csrf_token, sp_login or "")
    try:
        user = users.authenticate(email, password)
    except (NotAuthenticated, AccountLocked, AccountDisabled) as exc:
        token = secrets.token_urlsafe(32)
        response = render(
            request,
            "staff/login.html",
            {"csrf_token": token, "error": exc.user_message, "email": email},
            status_code=exc.status,
        )
        _cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response
    redirect = RedirectResponse(f"{STAFF_PATH}/places", status_code=303)
    _cookie(
        redirect,
        request,
        SESSION_COOKIE,
        users.start_session(user),
        int(SESSION_LENGTH.total_seconds()),
    )
    redirect.delete_cookie(LOGIN_COOKIE, path=STAFF_PATH)
    return redirect


@router.post("/logout")
def logout(
    staff: StaffPage,
    users: UsersDep,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    sp_staff: Annotated[str | None, Cookie()] = None,
) -> Response:
    check_csrf(csrf_token, staff.csrf_token)
    users.end_session(sp_staff or "")
    redirect = RedirectResponse(f"{STAFF_PATH}/login", status_code=303)
    redirect.delete_cookie(SESSION_COOKIE, path=STAFF_PATH)
    return redirect


STATUS_WORDS = {
    Status.DRAFT: "Draft (the public can't see it yet)",
    Status.ACTIVE: "Active (the public can see it)",
    Status.SUSPENDED: "Suspended (hidden for now)",
    Status.REMOVED: "Removed (can be restored)",
}
KIND_WORDS = {
    Kind.SAFE_PLACE: "Safe Place",
    Kind.POLICE_ENQUIRY_OFFICE: "Police station front desk",
}


@router.get("/places", response_class=HTMLResponse)
def places(
    request: Request,
    staff: StaffPage,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Status | None, Query()] = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[Kind | None, Query()] = None,
    overdue: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    datasets = request.app.state.datasets
    message = None
    if area:
        # A name ("Amber Valley") or a code in any case; one we don't know is said, not hidden.
        try:
            area = next(
                iter(datasets.areas.parse([area], datasets.gazetteer.local_authority_codes())), None
            )
        except ValueError as exc:
            message, area = str(exc), None
    shown = select_places(
        _store(request),
        q=q,
        status=status,
        area=area,
        kind=kind.value if kind else None,
        overdue_only=overdue,
    )
    filters = {
        "q": q,
        "status": status.value if status else None,
        "area": area,
        "kind": kind.value if kind else None,
        "overdue": overdue,
    }
    return render(
        request,
        "staff/places.html",
        {
            "staff": staff,
            "places": shown,
            "filters": filters,
            "statuses": [(s.value, STATUS_WORDS[s]) for s in Status],
            "kinds": [(k.value, KIND_WORDS[k]) for k in Kind],
            "area_choices": datasets.staff_areas(),
            "area_label": datasets.areas.label,
            "categories": {c.value: c.label for c in Category},
            "message": message,
        },
    )


# -- one place: create, edit, status, history ----------------------------------------------


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    kind: str = "text"
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()


FORM_FIELDS = (
    FormField("name", "Name of the place"),
    FormField(
        "category",
        "What kind of place it is",
        "select",
        # No kind is chosen for the person: an unchosen one is an error, not a library.
        options=(("", "Choose one"), *((c.value, c.label) for c in Category)),
    ),
    FormField("address", "Address", hint="Without the postcode."),
    FormField("postcode", "Postcode", hint="The pin goes to the middle of the postcode."),
    FormField("phone", "Phone number", "tel", hint="For example, 01629 533400."),
    FormField("email", "Email address", "email"),
    FormField("website", "Website", "url", hint="Starting with https://"),
    FormField(
        "opening_hours",
        "Opening times",
        "textarea",
        hint="One line for each day or days with the same times, for example "
        "Mon-Fri 09:00-17:00 then Sat 09:00-12:30 on the next line. "
        "Days not listed are closed. Leave empty if not known.",
    ),
    FormField("accessibility_notes", "Access notes", "textarea"),
    FormField("last_checked", "Date of the last yearly check", "date"),
)
STATUS_ACTIONS = {
    "suspend": (Status.SUSPENDED, "Suspend (hide from the public for now)"),
    "remove": (Status.REMOVED, "Remove"),
    "restore": (Status.ACTIVE, "Restore (show to the public again)"),
}
DONE = {
    "1": "Saved.",
    "suspend": "Suspended: the public can't see this place now.",
    "remove": "Removed: the public can't see this place. You can restore it.",
    "restore": "Restored: the public can see this place again.",
}


# The same lookups as the staff API's.
_store = store_of
_checker = checker_of


PRECISION_WORDS = {
    "building": "at the building",
    "postcode": "at the middle of the postcode",
    "street": "on the street",
    "locality": "in the area (approximate)",
    "town": "in the town (approximate)",
}


VALUE_WORDS = {
    "category": {c.value: c.label for c in Category},
    "kind": {k.value: w for k, w in KIND_WORDS.items()},
    "status": {st.value: w.split(" (")[0] for st, w in STATUS_WORDS.items()},
    "location_precision": PRECISION_WORDS,
}


def shown(field: str, value: Any, separator: str = "; ") -> Any:
    """A stored value as staff read it: words, not codes. Opening hours are stored listing
    every day; people read (and edit) days with the same times together."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    words = VALUE_WORDS.get(field)
    if words is not None and isinstance(value, str):
        return words.get(value, value)
    if field == "opening_hours" and isinstance(value, str):
        try:
            hours = OpeningHours.parse(value)
        except ValueError:
            return value
        return separator.join(hours.to_lines()) if hours else value
    return value


def _values(row: PlaceRow | None) -> dict[str, str]:
    if row is None:
        return {}
    return _form_values({f.name: getattr(row, f.name) for f in FORM_FIELDS})


def _form_values(fields: dict[str, Any]) -> dict[str, str]:
    """Stored values as the form shows them (text; hours as grouped lines)."""
    return {
        f.name: "" if fields.get(f.name) is None else str(shown(f.name, fields[f.name], "\n"))
        for f in FORM_FIELDS
    }


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
    confirm_remove: bool = False,
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    place = StaffPlaceOut.of(row, date.today()) if row is not None else None
    shown = preview or (row.to_venue() if row is not None else None)
    return render(
        request,
        "staff/place_form.html",
        {
            "staff": staff,
            "place": place,
            "heading": row.name if row is not None else "Add a Safe Place",
            "action": f"{STAFF_PATH}/places/{row.id}"
            if row is not None
            else f"{STAFF_PATH}/places/new",
            "submit": "Save changes" if row is not None else "Add this place",
            "fields": FORM_FIELDS,
            "values": values if values is not None else _values(row),
            "errors": errors or {},
            "message": message,
            "status_actions": [
                (k, v[1])
                for k, v in STATUS_ACTIONS.items()
                if row is None or v[0].value != row.status
            ],
            # An editor outside the place's area sees it, but not forms that can't work.
            "can_edit": row is None or staff.user.can_edit_place(row.local_authority_code),
            "area_label": request.app.state.datasets.areas.label,
            "confirm_remove": confirm_remove,
            "map": place_map(shown, settings.pages) if shown is not None else None,
        },
        status_code=status_code,
    )


async def posted_form(request: Request, staff: StaffSession) -> dict[str, str]:
    form = await request.form()
    check_csrf(str(form.get("csrf_token", "")), staff.csrf_token)
    return {key: str(value) for key, value in form.items()}


@router.get("/places/new", response_class=HTMLResponse)
def new_place_form(request: Request, staff: StaffPage) -> HTMLResponse:
    return _form_page(request, staff, None)


@router.post("/places/new", response_class=HTMLResponse)
async def new_place(request: Request, staff: StaffPage) -> Response:
    posted = await posted_form(request, staff)
    data: dict[str, Any] = {f.name: posted.get(f.name, "") or None for f in FORM_FIELDS}
    data["outside_area_override"] = posted.get("outside_area_override") == "true"
    try:
        fields = _checker(request).check(data)
        may_edit(staff.user, fields.get("local_authority_code"))
    except PlaceInvalid as exc:
        return _form_page(
            request, staff, None, values=posted, errors=exc.field_errors, status_code=422
        )
    fields.setdefault("address", "")
    if posted.get("preview"):
        pin = _preview(None, fields)
        return _form_page(request, staff, None, values=posted, message=PREVIEWED, preview=pin)
    row = _store(request).create(fields, staff.user.email)
    return RedirectResponse(f"{STAFF_PATH}/places/{row.id}?saved=1", status_code=303)


PREVIEWED = "The map below shows where the pin would go. Nothing is saved yet."


def _preview(row: PlaceRow | None, fields: dict[str, Any]) -> Venue:
    """The place as it would be with these fields, for the map preview only."""
    base = row.to_venue() if row is not None else None
    name = fields.get("name") or (base.name if base else "New place")
    category = fields.get("category") or (base.category.value if base else "other")
    latitude = fields.get("latitude", base.latitude if base else 0.0)
    longitude = fields.get("longitude", base.longitude if base else 0.0)
    precision = fields.get("location_precision") or (
        base.location_precision.value if base else LocationPrecision.POSTCODE.value
    )
    return Venue(
        id=base.id if base else "preview",
        name=str(name),
        kind=base.kind if base else Kind.SAFE_PLACE,
        category=Category(category),
        address=str(fields.get("address") or (base.address if base else "")),
        postcode=fields.get("postcode") or (base.postcode if base else None),
        latitude=float(latitude),
        longitude=float(longitude),
        location_precision=LocationPrecision(precision),
    )


@router.get("/places/{place_id}", response_class=HTMLResponse)
def edit_form(
    request: Request,
    place_id: str,
    staff: StaffPage,
    saved: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    row = _store(request).get(place_id)
    return _form_page(request, staff, row, message=DONE.get(saved or ""))


@router.post("/places/{place_id}", response_class=HTMLResponse)
async def edit(request: Request, place_id: str, staff: StaffPage) -> Response:
    posted = await posted_form(request, staff)
    store = _store(request)
    row = store.get(place_id)
    may_edit(staff.user, row.local_authority_code)
    version = int(posted.get("version", "0") or 0)
    # What this person changed is measured against the version they had in front of them,
    # not against the place as it is now (someone else may have saved since).
    loaded = _values(row)
    if version != row.version and 0 < version < row.version:
        loaded = _form_values(store.fields_at(place_id, version))
    changed: dict[str, Any] = {
        f.name: posted.get(f.name, "") or None
        for f in FORM_FIELDS
        if posted.get(f.name, "") != loaded.get(f.name, "")
    }
    if not changed:
        return _form_page(request, staff, row, message="Nothing was changed.")
    changed["outside_area_override"] = posted.get("outside_area_override") == "true"
    try:
        fields = _checker(request).check(changed, partial=True)
        if "local_authority_code" in fields:
            may_edit(staff.user, fields["local_authority_code"])
        if posted.get("preview"):
            pin = _preview(row, fields)
            return _form_page(request, staff, row, values=posted, message=PREVIEWED, preview=pin)
        store.update(place_id, fields, staff.user.email, version)
    except PlaceInvalid as exc:
        return _form_page(
            request, staff, row, values=posted, errors=exc.field_errors, status_code=422
        )
    except StaleEdit:
        return _clash(request, staff, store.get(place_id), loaded, posted, changed)
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}?saved=1", status_code=303)


def _clash(
    request: Request,
    staff: StaffSession,
    now: PlaceRow,
    loaded: dict[str, str],
    posted: dict[str, str],
    changed: dict[str, Any],
) -> HTMLResponse:
    """Someone else saved first. Nothing is lost: the form shows the place as it is now with
    this person's changes on top, to check and save again (the version is now current)."""
    current = _values(now)
    labels = {f.name: f.label.lower() for f in FORM_FIELDS}
    theirs = [k for k in current if current[k] != loaded.get(k, "")]
    both = [k for k in theirs if k in changed and current[k] != posted.get(k, "")]
    mine = {k: posted.get(k, "") for k in changed if k in current}
    message = "Someone else changed this place while you were editing it"
    if theirs:
        message += f" ({', '.join(labels[k] for k in theirs)})"
    message += ". Your changes are still in the form, on top of theirs: check them and save again."
    if both:
        message += (
            f" You both changed the {', '.join(labels[k] for k in both)}: the form has yours; "
            "theirs is in the history."
        )
    return _form_page(request, staff, now, values=current | mine, message=message, status_code=412)


@router.post("/places/{place_id}/status")
async def change_status(request: Request, place_id: str, staff: StaffPage) -> Response:
    posted = await posted_form(request, staff)
    action = STATUS_ACTIONS.get(posted.get("action", ""))
    if action is None:
        raise InvalidParameter("Choose suspend, remove or restore.")
    store = _store(request)
    row = store.get(place_id)
    may_edit(staff.user, row.local_authority_code)
    if posted["action"] == "remove" and posted.get("confirm") != "yes":
        # Removing is asked twice: the page comes back with a plain question.
        return _form_page(request, staff, row, confirm_remove=True)
    store.set_status(place_id, action[0], staff.user.email)
    done = posted["action"]
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}?saved={done}", status_code=303)


@router.get("/places/{place_id}/history", response_class=HTMLResponse)
def history_page(request: Request, place_id: str, staff: StaffPage) -> HTMLResponse:
    store = _store(request)
    row = store.get(place_id)
    labels = {f.name: f.label for f in FORM_FIELDS} | FIELD_LABELS
    order = {name: i for i, name in enumerate([f.name for f in FORM_FIELDS] + list(FIELD_LABELS))}
    changes = [
        {
            "version": c.version,
            "actor": ACTOR_WORDS.get(c.actor, c.actor),
            "at": _aware_utc(c.at).astimezone(LONDON),
            "action": ACTION_WORDS.get(c.action, c.action),
            # In the form's order, so a new place's long list reads like the form.
            "fields": [
                (labels.get(k, k), shown(k, v[0]), shown(k, v[1]))
                for k, v in sorted(c.fields.items(), key=lambda kv: order.get(kv[0], 99))
            ],
        }
        for c in reversed(store.history(place_id))
    ]
    return render(request, "staff/history.html", {"staff": staff, "place": row, "changes": changes})


# History in words: field and action names as staff know them.
FIELD_LABELS = {
    "kind": "Kind",
    "status": "Status",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "location_precision": "How exact the pin is",
    "local_authority_code": "Area (local authority)",
    "verified": "Confirmed as a Safe Place",
    "verification_note": "How we know",
    "operator": "Run by",
    "external_ref": "Reference",
}
ACTOR_WORDS = {"seed": "the open data, on first start", "system": "the service"}
ACTION_WORDS = {
    "create": "added",
    "update": "changed",
    "activate": "restored",
    "suspend": "suspended",
    "remove": "removed",
    "make draft": "made a draft",
    "import": "imported",
}


def _aware_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@router.post("/places/{place_id}/history/{version}/restore")
async def restore_page(request: Request, place_id: str, version: int, staff: StaffPage) -> Response:
    await posted_form(request, staff)
    store = _store(request)
    may_edit(staff.user, store.get(place_id).local_authority_code)
    store.restore_version(place_id, version, staff.user.email)
    return RedirectResponse(f"{STAFF_PATH}/places/{place_id}/history", status_code=303)


# -- import -----------------------------------------------------------------------------------

MAX_UPLOAD = 5_000_000
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(csv|geojson|json|gpkg)$")


def _uploads(request: Request) -> Path:
    settings: Settings = request.app.state.settings
    return settings.data.cache_dir.parent / "uploads"


def _can_import(staff: StaffSession) -> None:
    if staff.user.role is Role.VIEWER:
        raise Forbidden("Your account can look at places but not import them.")


def _plan_for(request: Request, staff: StaffSession, path: Path) -> ImportPlan:
    datasets = request.app.state.datasets
    plan = plan_import(
        read_table(path), datasets.store, PlaceChecker(datasets.gazetteer, datasets.area)
    )
    # Editors may only import places in their own areas: anything else is a row error. An
    # update must be allowed where the place is now and where the file would move it.
    for planned in list(plan.rows):
        now = planned.area_now
        after = planned.fields.get("local_authority_code", now)
        allowed = staff.user.can_edit_place(after) and (
            planned.place_id is None or staff.user.can_edit_place(now)
        )
        if planned.action != "unchanged" and not allowed:
            plan.rows.remove(planned)
            plan.errors.append(
                RowError(planned.row, planned.ref, "this place is outside your areas")
            )
    plan.errors.sort(key=lambda e: e.row)
    return plan


# A preview lists at most this many places of each kind; a whole-county file stays readable.
PREVIEW_ROWS = 300


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
    _can_import(staff)
    return _import_page(request, staff)


@router.post("/import", response_class=HTMLResponse)
async def import_upload(request: Request, staff: StaffPage) -> HTMLResponse:
    _can_import(staff)
    form = await request.form()
    check_csrf(str(form.get("csrf_token", "")), staff.csrf_token)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, staff, 422, error="Choose a file to import.")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in (".csv", ".geojson", ".json", ".gpkg"):
        return _import_page(request, staff, 422, error="Choose a .csv, .geojson or .gpkg file.")
    content = await upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _import_page(request, staff, 413, error="The file is too big (at most 5 MB).")
    folder = _uploads(request)
    folder.mkdir(parents=True, exist_ok=True)
    upload_id = secrets.token_urlsafe(16) + suffix
    path = folder / upload_id
    path.write_bytes(content)
    try:
        plan = _plan_for(request, staff, path)
    except (DataError, ValueError, OSError) as exc:
        path.unlink(missing_ok=True)
        reason = str(exc) if isinstance(exc, DataError) else "The file could not be read."
        return _import_page(request, staff, 422, error=reason)
    status = 422 if plan.errors else 200
    return _import_page(request, staff, status, plan=plan, upload_id=upload_id)


@router.post("/import/{upload_id}/confirm", response_class=HTMLResponse)
async def import_confirm(request: Request, upload_id: str, staff: StaffPage) -> Response:
    _can_import(staff)
    await posted_form(request, staff)
    path = _uploads(request) / upload_id
    if not _UPLOAD_ID.match(upload_id) or not path.is_file():
        return _import_page(request, staff, 404, error="That upload has gone. Upload it again.")
    # Check again: places may have changed since the preview.
    plan = _plan_for(request, staff, path)
    if plan.errors:
        return _import_page(request, staff, 422, plan=plan, upload_id=upload_id)
    applied = _store(request).apply_import(plan, staff.user.email)
    path.unlink(missing_ok=True)
    message = f"Imported: {places_words(applied)} added or updated."
    return _import_page(request, staff, message=message)
