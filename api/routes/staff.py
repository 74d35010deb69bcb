"""Staff API: create, change, suspend, remove and restore places, with their history.

Every route needs an account (the router carries the dependency, so none can forget it);
the place editor (`geodata.editor`) decides what each account may change. Edits name the
version they change (If-Match), so a stale edit is refused with 412 instead of silently
overwriting someone else's.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from api.auth import STAFF_API_PATH, CurrentStaff, current_staff
from api.deps import EditorDep, StoreDep
from api.openapi import problem_response, problems
from api.staff_schemas import ChangeOut, PlaceIn, PlacePatch, StaffPlaceOut, StatusIn
from api.staff_views import who
from geodata.editor import NEEDS_REASON
from geodata.place_list import Check, Missing, PlaceQuery
from geodata.rows import PlaceRow
from geodata.users import UserStore
from locator.errors import InvalidParameter, PreconditionRequired
from locator.venues import Status

# Every operation may answer 401, and 503 while the database doesn't; those that change a
# place also 403 (role, area, or a page on another site) and 404.
router = APIRouter(
    prefix=STAFF_API_PATH,
    tags=["staff"],
    dependencies=[Depends(current_staff)],
    responses=problems(401, 503),
)
CHANGE = problems(403, 404)
# `external_ref` is unique: a new, changed or restored one may be another place's already.
TAKEN: dict[int | str, dict[str, Any]] = {
    409: problem_response(409, "Another place has this `external_ref`: `detail` names it.")
}


def etag(row: PlaceRow) -> str:
    return f'"{row.id}-v{row.version}"'


def _expected_version(if_match: str | None, place_id: str) -> int:
    if not if_match:
        raise PreconditionRequired(
            "Send the If-Match header with the ETag you got when you read this place."
        )
    tag = if_match.strip().removeprefix("W/").strip('"')
    prefix = f"{place_id}-v"
    if not tag.startswith(prefix) or not tag[len(prefix) :].isdigit():
        raise InvalidParameter("The If-Match header is not an ETag of this place.")
    return int(tag[len(prefix) :])


def _answer(response: Response, row: PlaceRow) -> StaffPlaceOut:
    response.headers["ETag"] = etag(row)
    return StaffPlaceOut.of(row, date.today())


@router.get("/places", response_model=list[StaffPlaceOut], responses=problems(422))
def list_places(
    editor: EditorDep,
    status: Annotated[Status | None, Query()] = None,
    overdue_only: Annotated[bool, Query(alias="overdue")] = False,
    area: Annotated[str | None, Query(max_length=16)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Part of a name, address, postcode, phone number or reference",
        ),
    ] = None,
    check: Annotated[Check | None, Query(description="Where the yearly check stands")] = None,
    missing: Annotated[Missing | None, Query(description="A detail the place lacks")] = None,
    changed: Annotated[
        int | None, Query(ge=1, le=3660, description="Changed in the last this many days")
    ] = None,
) -> list[StaffPlaceOut]:
    """Every place in any state, with the staff list's filters (as its page's links)."""
    statuses = frozenset({status}) if status else frozenset()
    query = PlaceQuery(
        q=q,
        statuses=statuses,
        area=area,
        kind=kind,
        overdue_only=overdue_only,
        check=check,
        missing=missing,
        changed_within_days=changed,
    )
    today = date.today()
    return [StaffPlaceOut.of(row, today) for row in editor.select(query, today)]


@router.get("/places/{place_id}", response_model=StaffPlaceOut, responses=problems(404))
def get_place(place_id: str, store: StoreDep, response: Response) -> StaffPlaceOut:
    """One place in any state, with its `ETag` to send as `If-Match` when changing it."""
    return _answer(response, store.get(place_id))


@router.post(
    "/places",
    response_model=StaffPlaceOut,
    status_code=201,
    responses=problems(403, 422) | TAKEN,
)
def create_place(
    body: PlaceIn, user: CurrentStaff, editor: EditorDep, response: Response
) -> StaffPlaceOut:
    """Add a place (active unless `status` says otherwise); `Location` is its address."""
    row = editor.create(user, body.model_dump(exclude={"status"}), body.status)
    response.headers["Location"] = f"{STAFF_API_PATH}/places/{row.id}"
    return _answer(response, row)


@router.patch(
    "/places/{place_id}",
    response_model=StaffPlaceOut,
    responses=CHANGE | problems(412, 422, 428) | TAKEN,
)
def update_place(
    place_id: str,
    body: PlacePatch,
    user: CurrentStaff,
    editor: EditorDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> StaffPlaceOut:
    """Change the fields sent, if the place is still the version in `If-Match` (its ETag)."""
    expected = _expected_version(if_match, place_id)
    changes = body.model_dump(exclude_unset=True)
    return _answer(response, editor.update(user, place_id, changes, expected))


def _lifecycle(status: Status) -> Any:
    def change(
        place_id: str,
        user: CurrentStaff,
        editor: EditorDep,
        response: Response,
        body: StatusIn | None = None,
    ) -> StaffPlaceOut:
        reason = body.reason if body is not None else None
        return _answer(response, editor.set_status(user, place_id, status, reason))

    needs = " It needs a reason, kept in the history." if status in NEEDS_REASON else ""
    change.__doc__ = f"Make the place {status.value}.{needs}"
    return change


for _action, _status in (
    ("suspend", Status.SUSPENDED),
    ("remove", Status.REMOVED),
    ("restore", Status.ACTIVE),
    ("activate", Status.ACTIVE),
):
    router.add_api_route(
        f"/places/{{place_id}}/{_action}",
        _lifecycle(_status),
        methods=["POST"],
        response_model=StaffPlaceOut,
        name=f"{_action}_place",
        responses=CHANGE | problems(422),
    )


@router.post("/places/{place_id}/checked", response_model=StaffPlaceOut, responses=CHANGE)
def checked_today(
    place_id: str, user: CurrentStaff, editor: EditorDep, response: Response
) -> StaffPlaceOut:
    """The yearly check is done: the last-checked date becomes today (recorded as a check)."""
    return _answer(response, editor.mark_checked(user, place_id))


@router.get("/places/{place_id}/history", response_model=list[ChangeOut], responses=problems(404))
def place_history(place_id: str, store: StoreDep, request: Request) -> list[ChangeOut]:
    """Every change: who (by email and by name), when, and each field's before and after."""
    store.get(place_id)  # 404 for an unknown place
    users: UserStore = request.app.state.users
    names = users.names()
    return [ChangeOut.of(c, who(c.actor, names)) for c in store.history(place_id)]


@router.post(
    "/places/{place_id}/history/{version}/restore",
    response_model=StaffPlaceOut,
    responses=CHANGE | problems(412, 422) | TAKEN,
)
def restore_version(
    place_id: str, version: int, user: CurrentStaff, editor: EditorDep, response: Response
) -> StaffPlaceOut:
    """Put the place back as it was at `version` (itself recorded as a change)."""
    return _answer(response, editor.restore_version(user, place_id, version))
