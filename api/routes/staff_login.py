"""Staff log in and out: a server-side session in an HttpOnly cookie that only `/staff`
pages receive. The login forms carry their own CSRF token (api.login_forms).

Logging in is throttled (geodata.throttle) and its argon2 check runs in a small thread pool of
its own (`app.state.login_limiter`), so a flood of logins never takes the threads that answer
public searches; a refused try is answered at once with 429 and Retry-After. With two-factor
login on (geodata.two_factor), a right password leads to the code page, and only a right code
to a session.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Cookie, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import (
    SESSION_COOKIE,
    STAFF_PATH,
    StaffPage,
    UsersDep,
    after_login,
    check_csrf,
    set_staff_cookie,
)
from api.deps import SettingsDep, TwoFactorDep
from api.errors import status_of
from api.login_forms import CODE_COOKIE, form_page, logged_in
from geodata.two_factor import CodeNeeded
from locator.errors import (
    AccountDisabled,
    NotAuthenticated,
    SafePlacesError,
    StorageUnavailable,
    TooManyTries,
)

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)

# Messages the login page shows after a step elsewhere (?done=...).
DONE = {
    "password": "Your new password is set. Log in with it.",
    "expired": "That took too long. Please log in again.",
}


async def _login_limiter(request: Request) -> anyio.CapacityLimiter:
    limiter: anyio.CapacityLimiter = request.app.state.login_limiter
    return limiter


LoginLimiter = Annotated[anyio.CapacityLimiter, Depends(_login_limiter)]


def _login_page(
    request: Request,
    status_code: int = 200,
    error: str | None = None,
    email: str = "",
    next_path: str = "",
    message: str | None = None,
) -> HTMLResponse:
    context = {"next": after_login(next_path) if next_path else "", "message": message}
    context |= {"error": error, "email": email} if error else {}
    return form_page(request, "staff/login.html", context, status_code)


def _refused(page: HTMLResponse, exc: SafePlacesError) -> HTMLResponse:
    if isinstance(exc, TooManyTries):
        page.headers["Retry-After"] = str(exc.retry_after_s)
    return page


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    next_path: Annotated[str, Query(alias="next")] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    # The staff page that sent the browser here, to go back to once logged in.
    return _login_page(request, next_path=next_path, message=DONE.get(done))


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    two_factor: TwoFactorDep,
    settings: SettingsDep,
    limiter: LoginLimiter,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=500)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "",
    sp_login: Annotated[str | None, Cookie()] = None,
    sp_device: Annotated[str | None, Cookie()] = None,
) -> Response:
    check_csrf(csrf_token, sp_login or "")
    # The peer's address; behind a trusted proxy, uvicorn has already put the client's here.
    source = request.client.host if request.client else ""
    try:
        done = await anyio.to_thread.run_sync(
            # A cookie we never set (too long to be ours) is simply not a known device.
            two_factor.start_login,
            email,
            password,
            source,
            (sp_device or "")[:64],
            limiter=limiter,
        )
    except (NotAuthenticated, AccountDisabled, StorageUnavailable, TooManyTries) as exc:
        page = _login_page(request, status_of(exc), exc.user_message, email, next_path)
        return _refused(page, exc)
    if isinstance(done, CodeNeeded):
        redirect = RedirectResponse(_code_path(next_path), status_code=303)
        age = settings.staff.code_minutes * 60
        set_staff_cookie(redirect, request, CODE_COOKIE, done.token, age)
        return redirect
    return logged_in(request, done, after_login(next_path), settings.login.device_days)


def _code_path(next_path: str) -> str:
    target = after_login(next_path) if next_path else ""
    return f"{STAFF_PATH}/login/code" + (f"?{urlencode({'next': target})}" if target else "")


def _code_page(
    request: Request, next_path: str, status_code: int = 200, error: str | None = None
) -> HTMLResponse:
    context = {"next": after_login(next_path) if next_path else "", "error": error}
    return form_page(request, "staff/login_code.html", context, status_code)


@router.get("/login/code", response_class=HTMLResponse)
def code_form(
    request: Request,
    two_factor: TwoFactorDep,
    next_path: Annotated[str, Query(alias="next")] = "",
    sp_code: Annotated[str | None, Cookie()] = None,
) -> Response:
    if two_factor.waiting(sp_code or "") is None:
        return RedirectResponse(f"{STAFF_PATH}/login?done=expired", status_code=303)
    return _code_page(request, next_path)


@router.post("/login/code", response_class=HTMLResponse)
async def code(
    request: Request,
    two_factor: TwoFactorDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=100)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "",
    sp_login: Annotated[str | None, Cookie()] = None,
    sp_code: Annotated[str | None, Cookie()] = None,
    sp_device: Annotated[str | None, Cookie()] = None,
) -> Response:
    check_csrf(csrf_token, sp_login or "")
    source = request.client.host if request.client else ""
    try:
        done = await anyio.to_thread.run_sync(
            two_factor.finish_login, sp_code or "", code, source, (sp_device or "")[:64]
        )
    except (NotAuthenticated, StorageUnavailable, TooManyTries) as exc:
        if two_factor.waiting(sp_code or "") is None:
            return RedirectResponse(f"{STAFF_PATH}/login?done=expired", status_code=303)
        return _refused(_code_page(request, next_path, status_of(exc), exc.user_message), exc)
    return logged_in(request, done, after_login(next_path), settings.login.device_days)


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
