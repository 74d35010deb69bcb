"""What the staff API sends and takes: every field of a place, its history, and the fields
staff may send. Separate from the public models, which carry no internal notes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field

from geodata.history import Change
from geodata.rows import PlaceRow
from locator.contact_details import EXAMPLE_EMAIL
from locator.venues import Status, check_overdue


def _in_utc(value: object) -> object:
    """SQLite gives back naive datetimes (they are written in UTC), PostgreSQL aware ones in
    the session's zone: both are sent in UTC, with the zone."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


# A moment, always sent with its time zone (UTC): "2026-12-02T10:15:00Z".
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_in_utc)]


# What a phone or email field holds, for the staff API's readers (locator.contact_details).
STORED_PHONE = (
    "Stored form: each number in E.164 (a UK short number as its digits), an extension after "
    "';ext=', words in brackets, several joined by ' / '. Send it back as it is, or as typed."
)
TYPED_PHONE = (
    "Real UK numbers, typed any usual way (0044 1629 533400, +44 (0)1629 533400, 01629 533400 "
    "ext 12); several joined by '/', words in brackets. Stored in E.164; a number not in use "
    "is refused (422) saying why."
)
TYPED_EMAIL = "An email address, stored in its normal form (the domain in lower case)."


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
    phone: str | None = Field(
        description=STORED_PHONE, examples=["+441629533400;ext=12 / 101 (non-emergency)"]
    )
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
    contact_name: str | None = Field(description="The person at the venue (staff only)")
    contact_email: str | None
    contact_phone: str | None = Field(description=STORED_PHONE, examples=["+447911123456"])
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, row: PlaceRow, today: date) -> StaffPlaceOut:
        fields = {name: getattr(row, name) for name in cls.model_fields if hasattr(row, name)}
        return cls(**fields, check_overdue=check_overdue(row.last_checked, today))


class ChangeOut(BaseModel):
    version: int
    actor: str = Field(description="Who, as recorded: an account's email, or what made it")
    actor_name: str = Field(description="Who, in words: the account's name while it exists")
    at: UtcDatetime = Field(description="When the change was made (UTC)")
    action: str
    fields: dict[str, list[Any]] = Field(description="field: [before, after]")
    note: str | None = Field(None, description="Why (a suspension's or removal's reason)")

    @classmethod
    def of(cls, change: Change, actor_name: str) -> ChangeOut:
        return cls(
            version=change.version,
            actor=change.actor,
            actor_name=actor_name,
            at=change.at,
            action=change.action,
            fields={k: [v[0], v[1]] for k, v in change.fields.items()},
            note=change.note,
        )


class StatusIn(BaseModel):
    """Why a place is suspended, removed or restored (needed to suspend or remove)."""

    model_config = {"extra": "forbid"}

    reason: str | None = Field(
        None, max_length=2000, examples=["Venue closed for refurbishment until March"]
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
    phone: str | None = Field(None, description=TYPED_PHONE, examples=["01629 533400 ext 12"])
    email: str | None = Field(None, description=TYPED_EMAIL, examples=[EXAMPLE_EMAIL])
    website: str | None = None
    opening_hours: str | None = Field(
        None,
        description='Our weekly form ("Mon-Fri 9am-5pm, Sat 10-1; Bank holidays closed", '
        "closed on bank holidays unless it says) or OpenStreetMap opening_hours syntax "
        '("Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off"), which is kept as sent.',
        examples=["Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off"],
    )
    accessibility_notes: str | None = None
    last_checked: date | None = None
    verified: bool | None = None
    operator: str | None = None
    # The venue's contact for the yearly check: staff only, never in anything public.
    contact_name: str | None = None
    contact_email: str | None = Field(None, description=TYPED_EMAIL)
    contact_phone: str | None = Field(None, description=TYPED_PHONE)
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

    external_ref: str | None = Field(None, description="A new reference; empty keeps it")
