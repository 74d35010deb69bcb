"""Staff account pages: admins invite colleagues by email, change, disable and delete accounts,
and send a link to set a new password (no admin sets or sees anyone's password); everyone may
change their own password. Every form carries the session's CSRF token. Anything that sends
email waits for the mail server in a thread, never on the event loop."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Cookie, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import STAFF_PATH, StaffPage, posted_form
from api.deps import AccountsDep
from api.errors import status_of
from api.html import render
from api.links import account_linker
from geodata.account_service import AccountService, require_admin
from geodata.passwords import MIN_PASSWORD
from geodata.users import StaffSession
from locator.accounts import Role, StaffUser
from locator.errors import (
    AccountInvalid,
    Forbidden,
    InvalidParameter,
    MailFailed,
    MailNotSetUp,
    StorageUnavailable,
)

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)

# Least power first, so the form starts at viewer.
ROLES = [Role.VIEWER.value, Role.EDITOR.value, Role.ADMIN.value]
DONE = {
    "role": "Saved the role and areas.",
    "password": "Sent a link to set a new password to the account's email address. Nobody "
    "else sees the new password. Once it is set, the account is logged out everywhere else.",
    "invited": "Sent the invitation again. The earlier link no longer works.",
    "disable": "Disabled the account. It can't log in, and its API tokens are cancelled.",
    "enable": "Enabled the account. It can log in again.",
}


async def _ticked(request: Request) -> list[str]:
    """The areas ticked (or typed: codes or names, with commas)."""
    return [str(v) for v in (await request.form()).getlist("areas")]


def _area_context(request: Request) -> dict[str, Any]:
    datasets = request.app.state.datasets
    return {"area_choices": datasets.staff_areas(), "area_label": datasets.areas.label}


# -- the list, and adding an account --------------------------------------------------------


def _users_page(
    request: Request,
    staff: StaffSession,
    accounts: AccountService,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    everyone = accounts.users.users()
    live = {u.id for u in everyone if u.invited and accounts.links.pending(u.id)}
    return render(
        request,
        "staff/users.html",
        {
            "staff": staff,
            "users": everyone,
            "live_invitations": live,
            "invitation_days": accounts.staff.invitation_days,
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
def users_page(request: Request, staff: StaffPage, accounts: AccountsDep) -> HTMLResponse:
    require_admin(staff.user)
    done = request.query_params.get("done", "")
    return _users_page(request, staff, accounts, message=LIST_DONE.get(done))


LIST_DONE = {
    "deleted": "Deleted the account. Place histories still name it.",
    "cancelled": "Cancelled the invitation. Its link no longer works.",
    "resent": DONE["invited"],
}


@router.post("/users", response_class=HTMLResponse)
async def invite(request: Request, staff: StaffPage, accounts: AccountsDep) -> HTMLResponse:
    """An admin invites a colleague: the account is made, and its person emailed a link."""
    posted = await posted_form(request, staff)
    ticked = await _ticked(request)
    email = posted.get("email", "")
    job = partial(
        accounts.invite,
        staff.user,
        email,
        posted.get("name", ""),
        posted.get("role", "viewer"),
        ticked,
        account_linker(request),
    )
    try:
        user = await anyio.to_thread.run_sync(job)
    except (MailFailed, MailNotSetUp) as exc:
        kept = f"{exc.user_message} The invitation for {email} is saved: choose Send again below."
        return _users_page(
            request, staff, accounts, status_of(exc), errors=kept, error_field="list"
        )
    except (AccountInvalid, StorageUnavailable) as exc:
        field = next(iter(exc.field_errors), "email")
        return _users_page(
            request,
            staff,
            accounts,
            status_of(exc),
            errors=exc.user_message,
            error_field=field,
            values=posted,
            ticked=ticked,
        )
    days = accounts.staff.invitation_days
    message = (
        f"Invited {user.email} as {user.role.value}. We've emailed them a link to choose their "
        f"password: it works for {days} days."
    )
    return _users_page(request, staff, accounts, message=message)


@router.post("/users/{user_id}/invitation", response_class=HTMLResponse)
async def invitation(
    request: Request, user_id: int, staff: StaffPage, accounts: AccountsDep
) -> Response:
    """Send an invitation again (a new link), or cancel it (the account goes)."""
    posted = await posted_form(request, staff)
    action = posted.get("action", "")
    try:
        if action == "resend":
            resend = partial(
                accounts.resend_invitation, staff.user, user_id, account_linker(request)
            )
            await anyio.to_thread.run_sync(resend)
        elif action == "cancel":
            accounts.cancel_invitation(staff.user, user_id)
        else:
            raise InvalidParameter("Choose Send again or Cancel the invitation.")
    except (MailFailed, MailNotSetUp, AccountInvalid) as exc:
        return _users_page(
            request, staff, accounts, status_of(exc), errors=exc.user_message, error_field="list"
        )
    done = "resent" if action == "resend" else "cancelled"
    return RedirectResponse(f"{STAFF_PATH}/users?done={done}", status_code=303)


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
def account_page(
    request: Request, user_id: int, staff: StaffPage, accounts: AccountsDep
) -> HTMLResponse:
    require_admin(staff.user)
    done = request.query_params.get("saved", "")
    return _account_page(request, staff, accounts.account(user_id), message=DONE.get(done))


def _saved(user_id: int, what: str) -> RedirectResponse:
    return RedirectResponse(f"{STAFF_PATH}/users/{user_id}?saved={what}", status_code=303)


@router.post("/users/{user_id}", response_class=HTMLResponse)
async def update_account(
    request: Request, user_id: int, staff: StaffPage, accounts: AccountsDep
) -> Response:
    posted = await posted_form(request, staff)
    ticked = await _ticked(request)
    try:
        accounts.update(staff.user, user_id, posted.get("role", ""), ticked)
    except AccountInvalid as exc:
        account = accounts.account(user_id)
        return _account_page(
            request, staff, account, 422, errors=exc.field_errors, values=posted, ticked=ticked
        )
    return _saved(user_id, "role")


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
async def reset_password(
    request: Request, user_id: int, staff: StaffPage, accounts: AccountsDep
) -> Response:
    """An admin sends someone who forgot their password a link to set a new one."""
    await posted_form(request, staff)
    job = partial(accounts.send_reset, staff.user, user_id, account_linker(request))
    try:
        await anyio.to_thread.run_sync(job)
    except (AccountInvalid, MailFailed, MailNotSetUp) as exc:
        account = accounts.account(user_id)
        errors = exc.field_errors or {"password": exc.user_message}
        return _account_page(request, staff, account, status_of(exc), errors=errors)
    return _saved(user_id, "password")


@router.post("/users/{user_id}/active", response_class=HTMLResponse)
async def set_active(
    request: Request, user_id: int, staff: StaffPage, accounts: AccountsDep
) -> Response:
    posted = await posted_form(request, staff)
    action = posted.get("action", "")
    if action not in ("disable", "enable"):
        raise InvalidParameter("Choose disable or enable.")
    try:
        accounts.set_active(staff.user, user_id, action == "enable")
    except AccountInvalid as exc:
        account = accounts.account(user_id)
        return _account_page(request, staff, account, 422, errors=exc.field_errors)
    return _saved(user_id, action)


@router.post("/users/{user_id}/delete", response_class=HTMLResponse)
async def delete_account(
    request: Request, user_id: int, staff: StaffPage, accounts: AccountsDep
) -> Response:
    posted = await posted_form(request, staff)
    if posted.get("confirm") != "yes":
        # Deleting can't be undone, so the page asks first (once we know it may be done).
        require_admin(staff.user)
        account = accounts.account(user_id)
        if account.id == staff.user.id:
            raise Forbidden("You can't delete your own account. Ask another admin.")
        return _account_page(request, staff, account, confirm_delete=True)
    try:
        accounts.delete(staff.user, user_id)
    except AccountInvalid as exc:
        account = accounts.account(user_id)
        return _account_page(request, staff, account, 422, errors=exc.field_errors)
    return RedirectResponse(f"{STAFF_PATH}/users?done=deleted", status_code=303)


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
    request: Request,
    staff: StaffPage,
    accounts: AccountsDep,
    sp_staff: Annotated[str | None, Cookie()] = None,
) -> HTMLResponse:
    posted = await posted_form(request, staff)
    try:
        accounts.change_own_password(
            staff.user,
            posted.get("current_password", ""),
            posted.get("new_password", ""),
            posted.get("new_password_again", ""),
            keep_session=sp_staff or "",
        )
    except AccountInvalid as exc:
        return _own_page(request, staff, 422, errors=exc.user_message)
    return _own_page(
        request, staff, message="Your password is changed. Other sessions have been logged out."
    )
