"""Before logging in: "Forgot your password?" and the pages emailed links open (a new
password, or an invited colleague's first one). geodata.account_links owns the links.

"Forgot your password?" answers the same whatever was typed, at once: the lookup and the email
happen after the answer is sent (a background task, in a thread), so neither the words nor
the time tell anyone whether an address has an account.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, BackgroundTasks, Cookie, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import AFTER_LOGIN, STAFF_PATH, check_csrf
from api.deps import AccountsDep, SettingsDep
from api.errors import status_of
from api.links import LINK_PATHS, account_linker
from api.login_forms import form_page, logged_in
from geodata.account_links import Purpose
from geodata.account_mail import duration_words
from geodata.passwords import MIN_PASSWORD
from locator.errors import AccountInvalid, StorageUnavailable, TooManyTries

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


def _forgot_page(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    return form_page(request, "staff/forgot.html", dict(context), status_code)


@router.get("/forgot", response_class=HTMLResponse)
def forgot_form(request: Request) -> HTMLResponse:
    return _forgot_page(request)


@router.post("/forgot", response_class=HTMLResponse)
async def forgot(
    request: Request,
    accounts: AccountsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    sp_login: Annotated[str | None, Cookie()] = None,
) -> HTMLResponse:
    check_csrf(csrf_token, sp_login or "")
    if "@" not in email:
        message = "Type your email address, like name@derbyshire.gov.uk."
        return _forgot_page(request, 422, error=message, email=email)
    source = request.client.host if request.client else ""
    try:
        keys = await anyio.to_thread.run_sync(accounts.links.check_tries, "reset", email, source)
        await anyio.to_thread.run_sync(accounts.links.count_try, keys)
    except (TooManyTries, StorageUnavailable) as exc:
        page = _forgot_page(request, status_of(exc), error=exc.user_message, email=email)
        if isinstance(exc, TooManyTries):
            page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    # A plain function: Starlette runs it in a thread once the answer has gone.
    background.add_task(accounts.forgot_password, email, account_linker(request))
    lasts = duration_words(settings.staff.reset_link_minutes)
    return _forgot_page(request, sent=True, email=email, lasts=lasts)


# -- the emailed links ------------------------------------------------------------------------


def _link_page(
    request: Request,
    purpose: Purpose,
    token: str,
    accounts: AccountsDep,
    status_code: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    user = accounts.links.holder(token, purpose)
    context = {
        "purpose": purpose.value,
        "user": user,
        "action": f"{LINK_PATHS[purpose]}/{token}",
        "min_password": MIN_PASSWORD,
        "error": error,
    }
    status = status_code if user is not None else 410  # used, replaced or expired: gone
    return form_page(request, "staff/link_password.html", context, status)


async def _choose_password(
    request: Request,
    purpose: Purpose,
    token: str,
    accounts: AccountsDep,
    settings: SettingsDep,
) -> Response:
    form = await request.form()
    check_csrf(str(form.get("csrf_token", "")), request.cookies.get("sp_login", ""))
    new, again = str(form.get("new_password", "")), str(form.get("new_password_again", ""))
    try:
        user = await anyio.to_thread.run_sync(
            accounts.links.set_password, token, purpose, new, again
        )
    except AccountInvalid as exc:
        return _link_page(request, purpose, token, accounts, 422, exc.user_message)
    if user.two_factor:  # the code is still needed: log in as usual
        return RedirectResponse(f"{STAFF_PATH}/login?done=password", status_code=303)
    device = request.cookies.get("sp_device", "")[:64]
    done = await anyio.to_thread.run_sync(accounts.users.admit, user, device)
    return logged_in(request, done, AFTER_LOGIN, settings.login.device_days)


@router.get("/reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, token: str, accounts: AccountsDep) -> HTMLResponse:
    return _link_page(request, Purpose.RESET, token, accounts)


@router.post("/reset/{token}", response_class=HTMLResponse)
async def reset(
    request: Request, token: str, accounts: AccountsDep, settings: SettingsDep
) -> Response:
    return await _choose_password(request, Purpose.RESET, token, accounts, settings)


@router.get("/welcome/{token}", response_class=HTMLResponse)
def welcome_form(request: Request, token: str, accounts: AccountsDep) -> HTMLResponse:
    return _link_page(request, Purpose.INVITE, token, accounts)


@router.post("/welcome/{token}", response_class=HTMLResponse)
async def welcome(
    request: Request, token: str, accounts: AccountsDep, settings: SettingsDep
) -> Response:
    return await _choose_password(request, Purpose.INVITE, token, accounts, settings)
