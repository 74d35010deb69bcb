"""Staff log in and out: a server-side session in an HttpOnly cookie that only `/staff`
pages receive. The login form carries its own CSRF token (a cookie only this site sets)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Query, Request
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
from locator.errors import AccountDisabled, AccountLocked, NotAuthenticated, StorageUnavailable

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


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
def login(
    request: Request,
    users: UsersDep,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=500)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "",
    sp_login: Annotated[str | None, Cookie()] = None,
) -> Response:
    check_csrf(csrf_token, sp_login or "")
    try:
        user = users.authenticate(email, password)
        session = users.start_session(user)
    except (NotAuthenticated, AccountLocked, AccountDisabled, StorageUnavailable) as exc:
        return _login_page(request, status_of(exc), exc.user_message, email, next_path)
    redirect = RedirectResponse(after_login(next_path), status_code=303)
    set_staff_cookie(
        redirect, request, SESSION_COOKIE, session, int(SESSION_LENGTH.total_seconds())
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
