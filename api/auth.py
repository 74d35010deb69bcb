"""Who is calling a staff route, as typed dependencies: an API token (scripts), or a staff
page's session cookie with its CSRF token (people). Every staff router depends on these."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Cookie, Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from geodata.users import StaffSession, UserStore
from locator.accounts import Role, StaffUser
from locator.errors import Forbidden, NotAuthenticated, TwoFactorNeeded
from locator.settings import StaffSettings

SESSION_COOKIE = "sp_staff"
LOGIN_COOKIE = "sp_login"
STAFF_PATH = "/staff"
STAFF_API_PATH = "/api/v1/admin"


def get_users(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


UsersDep = Annotated[UserStore, Depends(get_users)]


# -- scripts: API tokens ----------------------------------------------------------------------


# Declares the scheme in the OpenAPI document (and Swagger UI's "Authorize"); the 401 is ours.
bearer_token = HTTPBearer(
    scheme_name="apiToken",
    description="An API token from `safeplaces tokens create`.",
    auto_error=False,
)


def current_staff(
    users: UsersDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_token)],
) -> StaffUser:
    """The account behind `Authorization: Bearer <token>`; 401 for anyone else."""
    user = users.user_for_token(credentials.credentials.strip()) if credentials else None
    if user is None:
        raise NotAuthenticated(
            "Please log in: send your API token as 'Authorization: Bearer <token>'.",
            log_message="staff route without a valid token",
        )
    return user


CurrentStaff = Annotated[StaffUser, Depends(current_staff)]


# -- people: the staff pages' session ---------------------------------------------------------


# Where an admin who must turn on two-factor login may still go (`admins_need_two_factor`).
TWO_FACTOR_PATH = f"{STAFF_PATH}/two-factor"
_BEFORE_TWO_FACTOR = (TWO_FACTOR_PATH, f"{STAFF_PATH}/logout")


def staff_session(
    request: Request, users: UsersDep, sp_staff: Annotated[str | None, Cookie()] = None
) -> StaffSession:
    session = users.session_for(sp_staff or "")
    if session is None:
        raise NotAuthenticated(
            "Please log in to see the staff pages.", log_message="staff page without a session"
        )
    user = session.user
    staff: StaffSettings = request.app.state.settings.staff
    needs = staff.admins_need_two_factor and user.role is Role.ADMIN and not user.two_factor
    if needs and request.url.path not in _BEFORE_TWO_FACTOR:
        raise TwoFactorNeeded(
            "Admins must use two-factor login. Turn it on first, on the two-factor login page.",
            log_message="admin without two-factor login",
        )
    return session


StaffPage = Annotated[StaffSession, Depends(staff_session)]

# Where a login goes when it wasn't sent from a page that asked for one: the dashboard.
AFTER_LOGIN = STAFF_PATH


def two_factor_redirect(request: Request) -> RedirectResponse | None:
    """An admin who must turn on two-factor login, opening a page: sent to set it up."""
    if request.method != "GET" or "text/html" not in request.headers.get("accept", ""):
        return None
    return RedirectResponse(TWO_FACTOR_PATH, status_code=303)


def login_redirect(request: Request) -> RedirectResponse | None:
    """A staff page opened without a session goes to the login form, which comes back here.

    Only for a page (GET, asking for HTML); the API and a form post keep their 401."""
    if request.method != "GET" or not _is_staff_page(request.url.path):
        return None
    if "text/html" not in request.headers.get("accept", ""):
        return None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{STAFF_PATH}/login?{urlencode({'next': here})}", status_code=303)


def after_login(next_path: str) -> str:
    """`next_path` if it is one of our own staff pages, else the dashboard: a login link
    can't send anyone to another site (an open redirect) or back to the login form."""
    parts = urlsplit(next_path)
    local = (
        not parts.scheme
        and not parts.netloc
        and next_path.isprintable()
        and "\\" not in next_path
        and len(next_path) <= 500
    )
    if local and _is_staff_page(parts.path) and parts.path != f"{STAFF_PATH}/login":
        return next_path
    return AFTER_LOGIN


def _is_staff_page(path: str) -> bool:
    return path == STAFF_PATH or path.startswith(STAFF_PATH + "/")


def check_csrf(sent: str, expected: str) -> None:
    if not sent or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            "This form has expired. Please go back, reload the page and try again.",
            log_message="form without a valid CSRF token",
        )


async def posted_form(request: Request, staff: StaffSession) -> dict[str, str]:
    """A staff form's fields, once its CSRF token is checked against the session's."""
    form = await request.form()
    check_csrf(str(form.get("csrf_token", "")), staff.csrf_token)
    return {key: str(value) for key, value in form.items()}


def set_staff_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int
) -> None:
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
