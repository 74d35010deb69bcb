"""Staff account pages: admins add, change, disable, delete accounts and reset passwords;
everyone may change their own password. Every form carries the session's CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.html import render
from api.routes.staff_pages import STAFF_PATH, StaffPage, posted_form
from geodata.users import MIN_PASSWORD, StaffSession, UserStore
from locator.accounts import Role, StaffUser
from locator.errors import AccountNotFound, Forbidden, InvalidParameter

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)

# Least power first, so the form starts at viewer.
ROLES = [Role.VIEWER.value, Role.EDITOR.value, Role.ADMIN.value]
DONE = {
    "role": "Saved the role and areas.",
    "password": "Set the new password. Any sessions on that account have ended.",
    "disable": "Disabled the account. It can't log in and its tokens stop working.",
    "enable": "Enabled the account. It can log in again.",
}


def _users(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


def _admin(staff: StaffSession) -> None:
    if not staff.user.can_manage_users:
        raise Forbidden("Only admins can manage staff accounts.")


async def _areas(request: Request) -> frozenset[str]:
    """The areas ticked (or typed: codes or names, with commas); unknown ones are refused."""
    form = await request.form()
    datasets = request.app.state.datasets
    given = [str(v) for v in form.getlist("areas")]
    return datasets.areas.parse(given, datasets.gazetteer.local_authority_codes())  # type: ignore[no-any-return]


def _area_context(request: Request) -> dict[str, Any]:
    datasets = request.app.state.datasets
    return {"area_choices": datasets.staff_areas(), "area_label": datasets.areas.label}


def _role(text: str) -> Role:
    if text not in ROLES:
        raise ValueError("Choose a role: viewer, editor or admin.")
    return Role(text)


def _account(request: Request, user_id: int) -> StaffUser:
    user = _users(request).account(user_id)
    if user is None:
        raise AccountNotFound(
            "There is no such account. It may have been deleted.",
            log_message="unknown account id",
        )
    return user


# -- the list, and adding an account --------------------------------------------------------


def _users_page(
    request: Request, staff: StaffSession, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return render(
        request,
        "staff/users.html",
        {
            "staff": staff,
            "users": _users(request).users(),
            "roles": ROLES,
            "values": {},
            "ticked": [],
            "error_field": "email",
        }
        | _area_context(request)
        | context,
        status_code,
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, staff: StaffPage) -> HTMLResponse:
    _admin(staff)
    deleted = request.query_params.get("deleted") == "1"
    message = "Deleted the account. Place histories still name it." if deleted else None
    return _users_page(request, staff, message=message)


@router.post("/users", response_class=HTMLResponse)
async def add_user(request: Request, staff: StaffPage) -> HTMLResponse:
    _admin(staff)
    posted = await posted_form(request, staff)
    try:
        user = _users(request).create_user(
            posted.get("email", ""),
            posted.get("name", ""),
            _role(posted.get("role", "viewer")),
            posted.get("password", ""),
            await _areas(request),
        )
    except ValueError as exc:
        values = {k: v for k, v in posted.items() if k != "password"}
        ticked = (await request.form()).getlist("areas")
        field = "areas" if "area" in str(exc) else "email"
        return _users_page(
            request, staff, 422, errors=str(exc), error_field=field, values=values, ticked=ticked
        )
    return _users_page(request, staff, message=f"Added {user.role.value} account {user.email}.")


# -- one account ----------------------------------------------------------------------------


def _account_page(
    request: Request,
    staff: StaffSession,
    account: StaffUser,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    values = {"role": account.role.value}
    ticked = context.pop("ticked", sorted(account.areas))
    return render(
        request,
        "staff/account.html",
        {
            "staff": staff,
            "account": account,
            "roles": ROLES,
            "values": values | context.pop("values", {}),
            "is_self": account.id == staff.user.id,
            "min_password": MIN_PASSWORD,
            "ticked": ticked,
        }
        | _area_context(request)
        | context,
        status_code,
    )


@router.get("/users/{user_id}", response_class=HTMLResponse)
def account_page(request: Request, user_id: int, staff: StaffPage) -> HTMLResponse:
    _admin(staff)
    done = request.query_params.get("saved", "")
    return _account_page(request, staff, _account(request, user_id), message=DONE.get(done))


def _saved(user_id: int, what: str) -> RedirectResponse:
    return RedirectResponse(f"{STAFF_PATH}/users/{user_id}?saved={what}", status_code=303)


@router.post("/users/{user_id}", response_class=HTMLResponse)
async def update_account(request: Request, user_id: int, staff: StaffPage) -> Response:
    _admin(staff)
    posted = await posted_form(request, staff)
    account = _account(request, user_id)
    try:
        role = _role(posted.get("role", ""))
        _users(request).update(user_id, role, await _areas(request))
    except ValueError as exc:
        ticked = (await request.form()).getlist("areas")
        field = "areas" if "area" in str(exc) else "role"
        return _account_page(
            request, staff, account, 422, errors={field: str(exc)}, values=posted, ticked=ticked
        )
    return _saved(user_id, "role")


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
async def reset_password(request: Request, user_id: int, staff: StaffPage) -> Response:
    """An admin sets a new password for someone who forgot theirs (and unlocks them)."""
    _admin(staff)
    posted = await posted_form(request, staff)
    account = _account(request, user_id)
    try:
        _users(request).set_password(user_id, posted.get("password", ""))
    except ValueError as exc:
        return _account_page(request, staff, account, 422, errors={"password": str(exc)})
    return _saved(user_id, "password")


@router.post("/users/{user_id}/active", response_class=HTMLResponse)
async def set_active(request: Request, user_id: int, staff: StaffPage) -> Response:
    _admin(staff)
    posted = await posted_form(request, staff)
    account = _account(request, user_id)
    action = posted.get("action", "")
    if action not in ("disable", "enable"):
        raise InvalidParameter("Choose disable or enable.")
    if account.id == staff.user.id:
        raise Forbidden("You can't disable your own account. Ask another admin.")
    try:
        _users(request).set_active(user_id, action == "enable")
    except ValueError as exc:
        return _account_page(request, staff, account, 422, errors={"active": str(exc)})
    return _saved(user_id, action)


@router.post("/users/{user_id}/delete", response_class=HTMLResponse)
async def delete_account(request: Request, user_id: int, staff: StaffPage) -> Response:
    _admin(staff)
    posted = await posted_form(request, staff)
    account = _account(request, user_id)
    if account.id == staff.user.id:
        raise Forbidden("You can't delete your own account. Ask another admin.")
    if posted.get("confirm") != "yes":
        # Deleting can't be undone, so the page asks first.
        return _account_page(request, staff, account, confirm_delete=True)
    try:
        _users(request).delete_user(user_id)
    except ValueError as exc:
        return _account_page(request, staff, account, 422, errors={"active": str(exc)})
    return RedirectResponse(f"{STAFF_PATH}/users?deleted=1", status_code=303)


# -- your own password ----------------------------------------------------------------------


def _own_page(
    request: Request, staff: StaffSession, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return render(
        request,
        "staff/own_password.html",
        {"staff": staff, "min_password": MIN_PASSWORD} | context,
        status_code,
    )


@router.get("/password", response_class=HTMLResponse)
def own_password_form(request: Request, staff: StaffPage) -> HTMLResponse:
    return _own_page(request, staff)


@router.post("/password", response_class=HTMLResponse)
async def change_own_password(
    request: Request, staff: StaffPage, sp_staff: Annotated[str | None, Cookie()] = None
) -> HTMLResponse:
    posted = await posted_form(request, staff)
    new = posted.get("new_password", "")
    try:
        if new != posted.get("new_password_again", ""):
            raise ValueError("The two new passwords are not the same. Nothing was changed.")
        _users(request).change_own_password(
            staff.user.id, posted.get("current_password", ""), new, keep_session=sp_staff or ""
        )
    except ValueError as exc:
        return _own_page(request, staff, 422, errors=str(exc))
    return _own_page(
        request, staff, message="Your password is changed. Other sessions have been logged out."
    )
