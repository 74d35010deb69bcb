"""Staff web pages: log in and out (a server-side session in an HttpOnly cookie that only
`/staff` pages receive), and the place list. Every form carries a CSRF token."""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import UsersDep
from api.html import render
from api.routes.staff import StaffPlaceOut
from geodata.store import PlaceStore
from geodata.users import SESSION_LENGTH, StaffSession
from locator.errors import AccountLocked, Forbidden, NotAuthenticated
from locator.venues import Kind, Status

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
    except (NotAuthenticated, AccountLocked) as exc:
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


@router.get("/places", response_class=HTMLResponse)
def places(
    request: Request,
    staff: StaffPage,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Status | None, Query()] = None,
    area: Annotated[str | None, Query(max_length=16)] = None,
    kind: Annotated[Kind | None, Query()] = None,
    overdue: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    store: PlaceStore = request.app.state.datasets.store
    today = date.today()
    rows = [StaffPlaceOut.of(r, today) for r in store.rows()]
    shown = [
        p
        for p in rows
        if (not q or q.lower() in p.name.lower())
        and (status is None or p.status == status.value)
        and (not area or p.local_authority_code == area)
        and (kind is None or p.kind == kind.value)
        and (not overdue or p.check_overdue)
    ]
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
            "statuses": [s.value for s in Status],
            "kinds": [k.value for k in Kind],
        },
    )
