"""The staff dashboard at /staff, where staff land after logging in: the numbers that say what
needs doing (each a link to its list) and the latest changes."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.auth import STAFF_PATH, StaffPage
from api.deps import DatasetsDep, StoreDep
from api.html import render
from api.list_views import NUMBER_WORDS, list_url
from api.staff_views import ACTION_WORDS, aware_utc, who
from geodata.dashboard import dashboard
from geodata.users import UserStore
from locator.accounts import Role
from locator.hours import LONDON

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def staff_home(
    request: Request, staff: StaffPage, store: StoreDep, datasets: DatasetsDep
) -> HTMLResponse:
    # An editor sees their own areas' checks first; admins and viewers see everything.
    mine = staff.user.areas if staff.user.role is Role.EDITOR else frozenset()
    board = dashboard(store, date.today(), areas=mine)
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for code, numbers in board.by_area.items():
        for key, number in numbers.items():
            words = NUMBER_WORDS[key][1]
            heading = f"Yearly checks in {datasets.areas.name(code)}"
            groups.setdefault(heading, []).append((number.count, words, list_url(number.query)))
    for key, number in board.numbers.items():
        heading, words = NUMBER_WORDS[key]
        if board.by_area and heading == "Yearly checks":
            heading = "Yearly checks in every area"
        groups.setdefault(heading, []).append((number.count, words, list_url(number.query)))
    users: UserStore = request.app.state.users
    names = users.names()  # the history says who by name
    recent = [
        {
            "place_id": r.place_id,
            "name": r.place_name,
            "actor": who(r.change.actor, names),
            "action": ACTION_WORDS.get(r.change.action, r.change.action),
            "at": aware_utc(r.at).astimezone(LONDON),
        }
        for r in board.recent
    ]
    context = {"staff": staff, "groups": groups, "recent": recent}
    return render(request, "staff/dashboard.html", context)
