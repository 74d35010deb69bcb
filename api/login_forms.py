"""The forms a person fills in before they are logged in (log in, the two-factor code,
"forgot your password?", a link's new password), and starting a session once they are.

Their CSRF token is a cookie only this site sets (login CSRF): each form's hidden token must
match it.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import LOGIN_COOKIE, SESSION_COOKIE, STAFF_PATH, set_staff_cookie
from api.html import render
from geodata.users import SESSION_LENGTH, LoggedIn

# A browser that has logged in before (see geodata.throttle): not held by the account's count.
DEVICE_COOKIE = "sp_device"
# The code step of a login (geodata.two_factor): which right password the code is for.
CODE_COOKIE = "sp_code"


def form_page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A pre-login form page, with a fresh CSRF token in the form and in its cookie."""
    token = secrets.token_urlsafe(32)
    response = render(request, name, {"csrf_token": token} | context, status_code=status_code)
    set_staff_cookie(response, request, LOGIN_COOKIE, token, 3600)
    return response


def logged_in(request: Request, done: LoggedIn, to: str, device_days: int) -> RedirectResponse:
    """Go on to `to` with the new session's cookie, and the browser's device cookie."""
    redirect = RedirectResponse(to, status_code=303)
    session_age = int(SESSION_LENGTH.total_seconds())
    set_staff_cookie(redirect, request, SESSION_COOKIE, done.session_id, session_age)
    set_staff_cookie(redirect, request, DEVICE_COOKIE, done.device, device_days * 86400)
    redirect.delete_cookie(LOGIN_COOKIE, path=STAFF_PATH)
    redirect.delete_cookie(CODE_COOKIE, path=STAFF_PATH)
    return redirect
