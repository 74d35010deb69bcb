"""Two-factor login on "My account": set it up (scan the QR code or type the key, then a code),
see the recovery codes once, or turn it off. geodata.two_factor owns the codes.

The QR code is an SVG drawn here (segno): the key never leaves this server for a QR service.
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from api.auth import STAFF_PATH, StaffPage, posted_form
from api.deps import SettingsDep, TwoFactorDep
from api.errors import status_of
from api.html import render
from geodata.two_factor import is_key, key_uri, new_key, spaced
from geodata.users import StaffSession
from locator.errors import AccountInvalid

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


def _qr_svg(uri: str) -> Markup:
    # Drawn from the key's own address: nothing typed by anyone is in the SVG's text.
    import segno

    return Markup(segno.make(uri, error="m").svg_inline(scale=5, border=2))


def _page(
    request: Request,
    staff: StaffSession,
    two_factor: TwoFactorDep,
    settings: SettingsDep,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    user = staff.user
    required = settings.staff.admins_need_two_factor and user.role.value == "admin"
    base: dict[str, Any] = {"staff": staff, "required": required}
    if user.two_factor:
        base["codes_left"] = two_factor.recovery_codes_left(user.id)
    elif "codes" not in context:
        key = context.pop("key", "")
        key = key if is_key(key) else new_key()
        base |= {"key": key, "key_words": spaced(key), "qr": _qr_svg(key_uri(user, key))}
    return render(request, "staff/two_factor.html", base | context, status_code)


@router.get("/two-factor", response_class=HTMLResponse)
def two_factor_page(
    request: Request, staff: StaffPage, two_factor: TwoFactorDep, settings: SettingsDep
) -> HTMLResponse:
    off = request.query_params.get("done") == "off"
    return _page(
        request, staff, two_factor, settings, message="Two-factor login is off." if off else None
    )


@router.post("/two-factor", response_class=HTMLResponse)
async def turn_on(
    request: Request, staff: StaffPage, two_factor: TwoFactorDep, settings: SettingsDep
) -> HTMLResponse:
    posted = await posted_form(request, staff)
    key, code = posted.get("key", ""), posted.get("code", "")
    try:
        codes = await anyio.to_thread.run_sync(two_factor.turn_on, staff.user.id, key, code)
    except AccountInvalid as exc:
        # The same key again: the app has already saved it.
        return _page(request, staff, two_factor, settings, 422, key=key, error=exc.user_message)
    return _page(request, staff, two_factor, settings, codes=codes)


@router.post("/two-factor/off", response_class=HTMLResponse)
async def turn_off(
    request: Request, staff: StaffPage, two_factor: TwoFactorDep, settings: SettingsDep
) -> Response:
    posted = await posted_form(request, staff)
    if settings.staff.admins_need_two_factor and staff.user.role.value == "admin":
        message = "Admins must keep two-factor login on here. Ask council IT if you need help."
        return _page(request, staff, two_factor, settings, 403, off_error=message)
    try:
        job = two_factor.turn_off
        await anyio.to_thread.run_sync(job, staff.user.id, posted.get("password", ""))
    except AccountInvalid as exc:
        status = status_of(exc)
        return _page(request, staff, two_factor, settings, status, off_error=exc.user_message)
    return RedirectResponse(f"{STAFF_PATH}/two-factor?done=off", status_code=303)
