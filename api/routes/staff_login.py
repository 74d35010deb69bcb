"""Staff log in and out: a server-side session in an HttpOnly cookie that only `/staff`
pages receive. The login form carries its own CSRF token (a cookie only this site sets).

Logging in is throttled (geodata.throttle) and its argon2 check runs in a small thread pool of
its own (`app.state.login_limiter`), so a flood of logins never takes the threads that answer
public searches; a refused try is answered at once with 429 and Retry-After.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import anyio
from fastapi import APIRouter, Cookie, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    STAFF_PATH,
    StaffPage,
    UsersDep,
    after_login,
    check_csrf,
    set_staff_cookie,
)
from api.errors import status_of
from api.html import render
from geodata.users import SESSION_LENGTH
from locator.errors import AccountDisabled, NotAuthenticated, StorageUnavailable, TooManyTries

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)

# A browser that has logged in before (see geodata.throttle): not held by the account's count.
DEVICE_COOKIE = "sp_device"


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
) -> HTMLResponse:
    # Login CSRF: the form's token must match a cookie only this site could have set.
    token = secrets.token_urlsafe(32)
    context = {"csrf_token": token, "next": after_login(next_path) if next_path else ""}
    context |= {"error": error, "email": email} if error else {}
    response = render(request, "staff/login.html", context, status_code=status_code)
    set_staff_cookie(response, request, LOGIN_COOKIE, token, 3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, next_path: Annotated[str, Query(alias="next")] = ""
) -> HTMLResponse:
    # The staff page that sent the browser here, to go back to once logged in.
    return _login_page(request, next_path=next_path)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    users: UsersDep,
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
            users.log_in,
            email,
            password,
            source,
            (sp_device or "")[:64],
            limiter=limiter,
        )
    except TooManyTries as exc:
        page = _login_page(request, status_of(exc), exc.user_message, email, next_path)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    except (NotAuthenticated, AccountDisabled, StorageUnavailable) as exc:
        return _login_page(request, status_of(exc), exc.user_message, email, next_path)
    redirect = RedirectResponse(after_login(next_path), status_code=303)
    session_age = int(SESSION_LENGTH.total_seconds())
    set_staff_cookie(redirect, request, SESSION_COOKIE, done.session_id, session_age)
    device_age = int(users.throttle.device_age.total_seconds())
    set_staff_cookie(redirect, request, DEVICE_COOKIE, done.device, device_age)
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
