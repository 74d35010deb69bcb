"""The database's tables as SQLAlchemy rows: places, their changes, accounts and small facts.

The schema itself is made by the Alembic migrations (geodata/migrations), never from these.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from locator.accounts import Role, StaffUser
from locator.errors import PlaceInvalid
from locator.venues import Status, Venue

log = logging.getLogger(__name__)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC, read back with its timezone on every backend.

    SQLite keeps no offset, so its values came back naive (an API `date-time` without one,
    and a TypeError when compared with an aware moment). The same SQL type as
    `DateTime(timezone=True)`, so the schema (the migrations) is unchanged.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # In UTC before SQLite drops the offset, so what it keeps is UTC.
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class PlaceRow(Base):
    """One Safe Place or police enquiry office, in any state of its lifecycle."""

    __tablename__ = "places"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The id in the file it was imported from: re-importing a file matches on this.
    external_ref: Mapped[str | None] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    location_precision: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    accessibility_notes: Mapped[str | None] = mapped_column(Text)
    last_checked: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=Status.ACTIVE.value, index=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    verification_note: Mapped[str | None] = mapped_column(Text)
    operator: Mapped[str | None] = mapped_column(String(200))
    # The person at the venue who answers the yearly check: for staff only, never public
    # (not part of a Venue, so nothing public can carry it).
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(100))
    # ONS local authority (from the postcode): which editors may change the place.
    local_authority_code: Mapped[str | None] = mapped_column(String(16), index=True)
    # Bumped on every change to this place: its ETag.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=func.now())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=func.now())

    def to_venue(self) -> Venue:
        from geodata.venue_rows import venue_of  # which reads PlaceRow itself

        return venue_of(self)

    @classmethod
    def from_venue(
        cls,
        venue: Venue,
        external_ref: str | None = None,
        local_authority_code: str | None = None,
    ) -> PlaceRow:
        now = datetime.now(UTC)
        return cls(
            id=venue.id,
            local_authority_code=local_authority_code,
            external_ref=external_ref or venue.id,
            name=venue.name,
            kind=venue.kind.value,
            category=venue.category.value,
            address=venue.address,
            postcode=venue.postcode,
            latitude=venue.latitude,
            longitude=venue.longitude,
            location_precision=venue.location_precision.value,
            phone=venue.phone,
            email=venue.email,
            website=venue.website,
            opening_hours=venue.opening_hours.to_text() if venue.opening_hours else None,
            accessibility_notes=venue.accessibility_notes,
            last_checked=venue.last_checked,
            status=venue.status.value,
            verified=venue.verified,
            verification_note=venue.verification_note,
            operator=venue.operator,
            version=1,
            created_at=now,
            updated_at=now,
        )


class ChangeRow(Base):
    """One change to one place: who, when, what, and each field's before and after."""

    __tablename__ = "place_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the place's version after this change
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(32))
    # {"field": [before, after], ...} in JSON-safe values (dates as ISO text).
    changes: Mapped[str] = mapped_column(Text)
    # Why, in the words of whoever made it (a suspension's reason); None for most changes.
    note: Mapped[str | None] = mapped_column(Text)


class MetaRow(Base):
    """Small facts about the database itself: the data version, when it was seeded."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    areas: Mapped[str] = mapped_column(String(500), default="")  # comma-separated LA codes
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Unused since 0006 (wrong tries are counted in login_failures): dropping a column on
    # SQLite rebuilds the table, which its foreign keys would refuse.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Two-factor login (geodata.two_factor): the authenticator key (base32) once confirmed,
    # and the last 30-second step a code was accepted for, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    def to_user(self) -> StaffUser:
        areas = frozenset(a for a in self.areas.split(",") if a)
        return StaffUser(
            self.id,
            self.email,
            self.name,
            Role(self.role),
            areas,
            self.active,
            # No password yet: invited, and the link not yet used (geodata.passwords).
            invited=self.password_hash == "",
            two_factor=self.totp_secret is not None,
        )


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SessionRow(Base):
    __tablename__ = "staff_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LoginFailureRow(Base):
    """One wrong password under one throttle key (see geodata.throttle); kept for a window."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))  # SHA-256 of what is counted, never plain
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DeviceRow(Base):
    """A browser that has logged in to an account: its device cookie, stored hashed."""

    __tablename__ = "known_devices"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    last_login: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReminderRow(Base):
    """A yearly-check reminder that has been sent: one per place, stage and due date, so a
    daily run never sends the same one twice."""

    __tablename__ = "check_reminders"
    __table_args__ = (Index("ix_check_reminders_place", "place_id", "stage", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"))
    stage: Mapped[str] = mapped_column(String(16))  # "due" or "overdue"
    due_on: Mapped[date] = mapped_column(Date)
    sent_to: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AccountLinkRow(Base):
    """A single-use link sent by email (geodata.account_links): only its SHA-256 is kept."""

    __tablename__ = "account_links"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # geodata.account_links.Purpose
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecoveryCodeRow(Base):
    """A two-factor recovery code, stored hashed; each works once."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


def check_lengths(fields: Mapping[str, Any], where: str = "") -> None:
    """Refuse text longer than its column, on every backend.

    PostgreSQL enforces VARCHAR lengths (a DataError, a 500) where SQLite ignores them:
    checking before a write makes both refuse the same values, in words, before anything is written.
    """
    errors = {}
    columns = PlaceRow.__table__.c
    for name, value in fields.items():
        limit = getattr(columns[name].type, "length", None) if name in columns else None
        if isinstance(value, str) and limit is not None and len(value) > limit:
            errors[name] = f"This is too long: at most {limit} characters."
    if errors:
        raise PlaceInvalid(
            f"{where}Some details are too long: {', '.join(sorted(errors))}.",
            log_message=f"too long: {', '.join(sorted(errors))}",
            field_errors=errors,
        )
