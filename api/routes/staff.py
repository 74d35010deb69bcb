"""Staff API: create, change, suspend, remove and restore places, with their history.

Every route needs an account (the router carries the dependency, so none can forget it);
changes need the right role and area. Edits name the version they change (If-Match), so a
stale edit is refused with 412 instead of silently overwriting someone else's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field

from api.auth import CurrentStaff, current_staff, may_edit
from geodata.history import Change
from geodata.rows import PlaceRow
from geodata.store import PlaceStore
from geodata.validation import PlaceChecker
from locator.errors import InvalidParameter, PreconditionRequired, StaleEdit
from locator.venues import Status, check_overdue

router = APIRouter(prefix="/api/v1/admin", tags=["staff"], dependencies=[Depends(current_staff)])


class StaffPlaceOut(BaseModel):
    """A place as staff see it: every field, its status and version."""

    id: str
    external_ref: str | None
    name: str
    kind: str
    category: str
    address: str
    postcode: str | None
    latitude: float
    longitude: float
    location_precision: str
    local_authority_code: str | None
    phone: str | None
    email: str | None
    website: str | None
    opening_hours: str | None
    accessibility_notes: str | None
    last_checked: date | None
    check_overdue: bool
    status: str
    verified: bool
    verification_note: str | None
    operator: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: PlaceRow, today: date) -> StaffPlaceOut:
        fields = {name: getattr(row, name) for name in cls.model_fields if hasattr(row, name)}
        return cls(**fields, check_overdue=check_overdue(row.last_checked, today))


class ChangeOut(BaseModel):
    version: int
    actor: str
    at: datetime
    action: str
    fields: dict[str, list[Any]] = Field(description="field: [before, after]")

    @classmethod
    def of(cls, change: Change) -> ChangeOut:
        return cls(
            version=change.version,
            actor=change.actor,
            at=change.at,
            action=change.action,
            fields={k: [v[0], v[1]] for k, v in change.fields.items()},
        )


class PlaceFields(BaseModel):
    """Place fields staff may send; unknown fields are refused, checks give a message each."""

    model_config = {"extra": "forbid"}

    name: str | None = None
    category: str | None = None
    postcode: str | None = None
    kind: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    opening_hours: str | None = None
    accessibility_notes: str | None = None
    last_checked: date | None = None
    verified: bool | None = None
    operator: str | None = None
    outside_area_override: bool = False


class PlaceIn(PlaceFields):
    """A new place: name, category and postcode at least."""

    name: str
    category: str
    postcode: str
    address: str = ""
    verified: bool = True
    external_ref: str | None = None
    status: Status = Status.ACTIVE


class PlacePatch(PlaceFields):
    """The fields to change; leave out what stays the same."""


def select_places(
    store: PlaceStore,
    *,
    q: str | None = None,
    status: Status | None = None,
    area: str | None = None,
    kind: str | None = None,
    overdue_only: bool = False,
) -> list[StaffPlaceOut]:
    """The staff list, filtered (shared by the API and the staff pages)."""
    today = date.today()
    found = [StaffPlaceOut.of(r, today) for r in store.rows()]
    return [
        p
        for p in found
        if (not q or q.lower() in p.name.lower())
        and (status is None or p.status == status.value)
        and (not area or p.local_authority_code == area)
        and (not kind or p.kind == kind)
        and (not overdue_only or p.check_overdue)
    ]


def store_of(request: Request) -> PlaceStore:
    store: PlaceStore = request.app.state.datasets.store
    return store


def checker_of(request: Request) -> PlaceChecker:
    datasets = request.app.state.datasets
    return PlaceChecker(datasets.gazetteer, datasets.area)


StoreDep = Annotated[PlaceStore, Depends(store_of)]
CheckerDep = Annotated[PlaceChecker, Depends(checker_of)]


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


@router.get("/places", response_model=list[StaffPlaceOut])
def list_places(
    store: StoreDep,
    status: Annotated[Status | None, Query()] = None,
    overdue_only: Annotated[bool, Query(alias="overdue")] = False,
    area: Annotated[str | None, Query(max_length=16)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
) -> list[StaffPlaceOut]:
    """Every place in any state, with filters for the yearly checks."""
    return select_places(store, q=q, status=status, area=area, kind=kind, overdue_only=overdue_only)


@router.get("/places/{place_id}", response_model=StaffPlaceOut)
def get_place(place_id: str, store: StoreDep, response: Response) -> StaffPlaceOut:
    return _answer(response, store.get(place_id))


@router.post("/places", response_model=StaffPlaceOut, status_code=201)
def create_place(
    body: PlaceIn,
    user: CurrentStaff,
    store: StoreDep,
    checker: CheckerDep,
    response: Response,
) -> StaffPlaceOut:
    data = body.model_dump(exclude={"status"})
    fields = checker.check(data)
    may_edit(user, fields.get("local_authority_code"))
    for extra in ("operator", "external_ref", "address"):
        fields.setdefault(extra, data.get(extra) or ("" if extra == "address" else None))
    row = store.create(fields, user.email, body.status)
    response.headers["Location"] = f"/api/v1/admin/places/{row.id}"
    return _answer(response, row)


@router.patch("/places/{place_id}", response_model=StaffPlaceOut)
def update_place(
    place_id: str,
    body: PlacePatch,
    user: CurrentStaff,
    store: StoreDep,
    checker: CheckerDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> StaffPlaceOut:
    current = store.get(place_id)
    may_edit(user, current.local_authority_code)
    expected = _expected_version(if_match, place_id)
    if expected != current.version:
        raise StaleEdit(current.version)
    fields = checker.check(body.model_dump(exclude_unset=True), partial=True)
    if "local_authority_code" in fields:
        may_edit(user, fields["local_authority_code"])  # moving it into another area
    return _answer(response, store.update(place_id, fields, user.email, expected))


def _lifecycle(status: Status) -> Any:
    def change(
        place_id: str, user: CurrentStaff, store: StoreDep, response: Response
    ) -> StaffPlaceOut:
        may_edit(user, store.get(place_id).local_authority_code)
        return _answer(response, store.set_status(place_id, status, user.email))

    change.__doc__ = f"Make the place {status.value}."
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
    )


@router.get("/places/{place_id}/history", response_model=list[ChangeOut])
def history(place_id: str, store: StoreDep) -> list[ChangeOut]:
    """Every change: who, when, and each field's before and after."""
    store.get(place_id)  # 404 for an unknown place
    return [ChangeOut.of(c) for c in store.history(place_id)]


@router.post("/places/{place_id}/history/{version}/restore", response_model=StaffPlaceOut)
def restore_version(
    place_id: str, version: int, user: CurrentStaff, store: StoreDep, response: Response
) -> StaffPlaceOut:
    """Put the place back as it was at `version` (itself recorded as a change)."""
    may_edit(user, store.get(place_id).local_authority_code)
    return _answer(response, store.restore_version(place_id, version, user.email))
