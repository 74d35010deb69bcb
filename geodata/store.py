"""The place database (SQLAlchemy 2): the source of truth once it has been seeded.

SQLite is the embedded default (WAL, foreign keys on); PostgreSQL works through the same URL
setting (`postgresql+psycopg://…`). The schema is created and upgraded by Alembic migrations,
never by `create_all`. A `data_version` counter goes up with every committed change, so every
worker process can tell cheaply when its in-memory index is stale.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    cast,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from geodata.venues import VenueDataset

if TYPE_CHECKING:
    from geodata.importer import ImportPlan
from locator.errors import PlaceInvalid, PlaceNotFound, StaleEdit
from locator.hours import InvalidOpeningHours, OpeningHours
from locator.venues import Category, Kind, LocationPrecision, Status, Venue

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


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
    # ONS local authority (from the postcode): which editors may change the place.
    local_authority_code: Mapped[str | None] = mapped_column(String(16), index=True)
    # Bumped on every change to this place: its ETag.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=func.now())

    def to_venue(self) -> Venue:
        return _venue(self)

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
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    # {"field": [before, after], ...} in JSON-safe values (dates as ISO text).
    changes: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    actor: str
    at: datetime
    action: str
    fields: dict[str, tuple[Any, Any]]


# What staff may change directly; status moves only through the lifecycle methods.
EDITABLE = frozenset(
    {
        "name", "kind", "category", "address", "postcode", "latitude", "longitude",
        "location_precision", "phone", "email", "website", "opening_hours",
        "accessibility_notes", "last_checked", "verified", "verification_note", "operator",
        "external_ref", "local_authority_code",
    }
)  # fmt: skip


def _json_safe(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _from_json(field: str, value: Any) -> Any:
    if field == "last_checked" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


class MetaRow(Base):
    """Small facts about the database itself: the data version, when it was seeded."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# The PostgreSQL advisory lock every writing transaction takes first (any fixed number will
# do; advisory locks are per database, so two databases on one server don't share it).
WRITE_LOCK = 0x5AFE_7ACE


def make_engine(url: str, *, writer: bool = False) -> Engine:
    """An engine; for SQLite, a file whose folder exists, in WAL mode with foreign keys on.

    A `writer` engine lets one transaction write at a time, from its first statement: two
    edits queue up instead of one failing half-way (SQLite's "database is locked") or both
    reading the same state (PostgreSQL's READ COMMITTED: two first starts would both seed).
    Readers never wait for a writer (SQLite's WAL, PostgreSQL's MVCC).
    """
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # A server may drop idle connections (restart, timeout): test them before use.
        kwargs["pool_pre_ping"] = True
    if url.startswith("postgresql"):
        # Whatever the server's default: each statement after the writer lock must see every
        # commit made before it (REPEATABLE READ would read from before the wait).
        kwargs["isolation_level"] = "READ COMMITTED"
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine, writer)
    elif engine.dialect.name == "postgresql" and writer:
        _postgresql_writer_lock(engine)
    return engine


def _sqlite_setup(engine: Engine, writer: bool) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy emits BEGIN itself (below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never wait for a writer; a crash mid-write leaves the last commit.
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock now, not at the first write.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _use_wal(cursor: Any, patience: float = 30.0) -> None:
    """Switch the file to WAL (the mode stays with the file).

    The switch needs the file to itself and SQLite doesn't wait for that, so workers starting
    together on a new file would fail with "database is locked": try again for a while.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _postgresql_writer_lock(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Held until commit or rollback, released too if the client dies (kill -9).
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creating it on an empty database).

    On a writer engine, workers starting together migrate one after the other: the later
    ones find the schema already current.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _venue(row: Any) -> Venue:
    """A place row (a `PlaceRow`, or a plain row of `_VENUE_COLUMNS`) as a `Venue`."""
    try:
        hours = OpeningHours.parse(row.opening_hours or "")
    except InvalidOpeningHours:
        # Staff edits are validated; this only guards rows written by older code.
        log.warning("place %s: stored opening hours could not be read", row.id)
        hours = None
    return Venue(
        id=row.id,
        name=row.name,
        kind=Kind(row.kind),
        category=Category(row.category),
        address=row.address,
        postcode=row.postcode,
        latitude=row.latitude,
        longitude=row.longitude,
        location_precision=LocationPrecision(row.location_precision),
        phone=row.phone,
        email=row.email,
        website=row.website,
        opening_hours=hours,
        accessibility_notes=row.accessibility_notes,
        last_checked=row.last_checked,
        status=Status(row.status),
        verified=row.verified,
        verification_note=row.verification_note,
        operator=row.operator,
    )


# What a Venue is made of (its fields are columns of the same names). Start-up reads every place
# as plain rows of these: ORM objects, with their identity map and change tracking, cost seconds
# for 100,000 places; plain rows a fraction of that.
_VENUE_COLUMNS = tuple(getattr(PlaceRow, f.name) for f in dataclasses.fields(Venue))


class PlaceStore:
    """Reads and writes places. Every write is audited and bumps the data version in the same
    transaction, so a change, its record and the signal to rebuild indexes are one unit."""

    def __init__(self, engine: Engine, writer: Engine | None = None) -> None:
        self.engine = engine
        self.writer = writer or engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(self.writer, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> PlaceStore:
        """A store on `url`, its schema migrated to the newest version."""
        writer = make_engine(url, writer=True)
        migrate(writer)
        return cls(make_engine(url), writer)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._writes.begin() as session:
            yield session
            # Only a transaction that changes something moves the version (and so the indexes).
            if session.new or session.dirty or session.deleted:
                self.bump_version(session)

    # -- reads ----------------------------------------------------------------------------

    def data_version(self) -> int:
        with self.sessions() as session:
            value = session.get(MetaRow, "data_version")
            return int(value.value) if value else 0

    def venues(self) -> list[Venue]:
        """Every place, in any state (the index keeps only the active ones)."""
        with self.sessions() as session:
            rows = session.execute(select(*_VENUE_COLUMNS).order_by(PlaceRow.id)).all()
            return [_venue(row) for row in rows]

    def rows(self) -> list[PlaceRow]:
        """Every place row, by id (for staff lists)."""
        with self.sessions() as session:
            return list(session.scalars(select(PlaceRow).order_by(PlaceRow.id)).all())

    def get(self, place_id: str) -> PlaceRow:
        with self.sessions() as session:
            row = session.get(PlaceRow, place_id)
            if row is None:
                raise _missing()
            return row

    def count(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(PlaceRow)) or 0)

    def history(self, place_id: str) -> list[Change]:
        """Every recorded change to a place, oldest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(ChangeRow).where(ChangeRow.place_id == place_id).order_by(ChangeRow.id)
            ).all()
            return [
                Change(
                    r.version,
                    r.actor,
                    r.at,
                    r.action,
                    {k: (v[0], v[1]) for k, v in json.loads(r.changes).items()},
                )
                for r in rows
            ]

    def seed_problems(self) -> list[str]:
        with self.sessions() as session:
            row = session.get(MetaRow, "seed_problems")
            return list(json.loads(row.value)) if row else []

    # -- writes ---------------------------------------------------------------------------

    @staticmethod
    def bump_version(session: Session) -> None:
        """Count one more committed change (inside the writing transaction)."""
        changed = session.execute(
            update(MetaRow)
            .where(MetaRow.key == "data_version")
            .values(value=cast(cast(MetaRow.value, Integer) + 1, Text))
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            session.add(MetaRow(key="data_version", value="1"))

    def seed(
        self, dataset: VenueDataset, area_of: Callable[[Venue], str | None] = lambda v: None
    ) -> bool:
        """Fill an empty database from the open data, once. Returns whether it seeded.

        "Once" is recorded in the database itself, so a restart (or a second worker starting
        at the same moment) never seeds again, even if staff have since removed every place.
        """
        with self._write() as session:
            if session.get(MetaRow, "seeded_at") is not None:
                return False
            session.add(MetaRow(key="seeded_at", value=datetime.now(UTC).isoformat()))
            self._create(session, dataset.venues, "seed", area_of)
            problems = [str(p) for p in dataset.skipped]
            session.add(MetaRow(key="seed_problems", value=json.dumps(problems)))
        log.info("seeded the place database with %d places", len(dataset.venues))
        return True

    def add(
        self,
        venues: Iterable[Venue],
        actor: str = "system",
        area_of: Callable[[Venue], str | None] = lambda v: None,
    ) -> None:
        with self._write() as session:
            self._create(session, venues, actor, area_of)

    @staticmethod
    def _create(
        session: Session,
        venues: Iterable[Venue],
        actor: str,
        area_of: Callable[[Venue], str | None],
    ) -> None:
        rows = [PlaceRow.from_venue(v, local_authority_code=area_of(v)) for v in venues]
        session.add_all(rows)
        # The places must exist before the records that point at them.
        session.flush()
        session.add_all(_record(r, actor, "create", _all_fields(r, before=None)) for r in rows)

    def create(
        self, fields: Mapping[str, Any], actor: str, status: Status = Status.ACTIVE
    ) -> PlaceRow:
        """A new place from checked fields (see geodata.validation), recorded as created."""
        unknown = set(fields) - EDITABLE
        if unknown:
            raise ValueError(f"these fields can't be set: {', '.join(sorted(unknown))}")
        _check_lengths(fields)
        row = _new_row(fields, status)
        # Every place has a reference, so an export of the database imports back onto it.
        row.external_ref = row.external_ref or row.id
        with self._write() as session:
            session.add(row)
            session.flush()
            session.add(_record(row, actor, "create", _all_fields(row, before=None)))
        return row

    def update(
        self, place_id: str, changes: Mapping[str, Any], actor: str, expected_version: int
    ) -> PlaceRow:
        """Change some fields of a place, if it is still at `expected_version`.

        An edit of an older version raises `StaleEdit` with the current version: a lost
        update is never possible. Unchanged values are not recorded; no change, no new version.
        """
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"these fields can't be edited: {', '.join(sorted(unknown))}")
        _check_lengths(changes)
        with self._write() as session:
            row = session.get(PlaceRow, place_id, with_for_update=True)
            if row is None:
                raise _missing()
            if row.version != expected_version:
                raise StaleEdit(row.version)
            diff = {
                f: (_json_safe(getattr(row, f)), _json_safe(v))
                for f, v in changes.items()
                if getattr(row, f) != v
            }
            if not diff:
                return row
            for field, value in changes.items():
                setattr(row, field, value)
            self._touch(session, row, actor, "update", diff)
            return row

    def set_status(self, place_id: str, status: Status, actor: str = "system") -> PlaceRow:
        """Move a place through its lifecycle (activate, suspend, remove, restore)."""
        with self._write() as session:
            row = session.get(PlaceRow, place_id, with_for_update=True)
            if row is None:
                raise _missing()
            if row.status == status.value:
                return row
            diff = {"status": (row.status, status.value)}
            row.status = status.value
            self._touch(session, row, actor, _ACTIONS[status], diff)
            return row

    def fields_at(self, place_id: str, version: int) -> dict[str, Any]:
        """Every editable field (and the status) as it was at `version`, from the history."""
        row = self.get(place_id)
        state = {f: getattr(row, f) for f in (*EDITABLE, "status")}
        return state | _undo_after(self.history(place_id), version)

    def restore_version(self, place_id: str, version: int, actor: str) -> PlaceRow:
        """Put a place back as it was at `version`; the restore is itself a recorded change."""
        history = self.history(place_id)
        if not history:
            raise _missing()
        if not any(c.version == version for c in history):
            raise PlaceNotFound(
                f"This place has no version {version}. See its history for the versions.",
                log_message="restore of an unknown version",
            )
        current = self.get(place_id)
        state = _undo_after(history, version)
        status = state.pop("status", None)
        with self._write() as session:
            row = session.get(PlaceRow, place_id, with_for_update=True)
            if row is None:
                raise _missing()
            if row.version != current.version:
                raise StaleEdit(row.version)
            diff = {
                f: (_json_safe(getattr(row, f)), _json_safe(v))
                for f, v in state.items()
                if getattr(row, f) != v
            }
            if status is not None and row.status != status:
                diff["status"] = (row.status, status)
                row.status = status
            for field, value in state.items():
                setattr(row, field, value)
            if diff:
                self._touch(session, row, actor, f"restore to version {version}", diff)
            return row

    def apply_import(self, plan: ImportPlan, actor: str) -> int:
        """Apply a checked `ImportPlan` in one transaction: every row, or (on any error) none.

        A place changed by someone since the plan was made stops the import (`StaleEdit`):
        preview again. Returns how many places were added or updated.
        """
        if plan.errors:
            raise ValueError("an import with errors can't be applied")
        for planned in plan.rows:
            _check_lengths(planned.fields, f"Row {planned.row} ({planned.ref}): ")
        applied = 0
        with self._write() as session:
            for planned in plan.rows:
                if planned.action == "add":
                    row = _new_row(planned.fields, Status.ACTIVE)
                    row.external_ref = row.external_ref or row.id
                    session.add(row)
                    session.flush()
                    session.add(_record(row, actor, "import", _all_fields(row, before=None)))
                    applied += 1
                elif planned.action == "update":
                    current = session.get(PlaceRow, planned.place_id, with_for_update=True)
                    if current is None or current.version != planned.version:
                        raise StaleEdit(current.version if current else 0)
                    diff = {
                        f: (_json_safe(getattr(current, f)), _json_safe(v))
                        for f, v in planned.fields.items()
                        if getattr(current, f) != v
                    }
                    for name, value in planned.fields.items():
                        setattr(current, name, value)
                    self._touch(session, current, actor, "import", diff)
                    applied += 1
        return applied

    @staticmethod
    def _touch(
        session: Session, row: PlaceRow, actor: str, action: str, diff: dict[str, Any]
    ) -> None:
        row.version += 1
        row.updated_at = datetime.now(UTC)
        session.add(_record(row, actor, action, diff))


_ACTIONS = {
    Status.ACTIVE: "activate",
    Status.SUSPENDED: "suspend",
    Status.REMOVED: "remove",
    Status.DRAFT: "make draft",
}


def _new_row(fields: Mapping[str, Any], status: Status) -> PlaceRow:
    """A new place with a fresh id (SP + 10 hex digits), version 1."""
    now = datetime.now(UTC)
    row = PlaceRow(
        id="SP" + uuid.uuid4().hex[:10].upper(),
        kind=Kind.SAFE_PLACE.value,
        address="",
        status=status.value,
        verified=True,
        version=1,
        created_at=now,
        updated_at=now,
    )
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def _check_lengths(fields: Mapping[str, Any], where: str = "") -> None:
    """Refuse text longer than its column, on every backend.

    PostgreSQL enforces VARCHAR lengths (a DataError, a 500) where SQLite ignores them:
    checking here makes both refuse the same values, in words, before anything is written.
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


def _undo_after(history: list[Change], version: int) -> dict[str, Any]:
    """The fields changed after `version`, with the values they had then (newest undone
    first, so the oldest 'before' wins)."""
    state: dict[str, Any] = {}
    for change in reversed(history):
        if change.version <= version:
            break
        for field, (before, _after) in change.fields.items():
            state[field] = _from_json(field, before)
    return state


def _record(row: PlaceRow, actor: str, action: str, diff: dict[str, Any]) -> ChangeRow:
    return ChangeRow(
        place_id=row.id,
        version=row.version,
        actor=actor,
        at=datetime.now(UTC),
        action=action,
        changes=json.dumps({k: [v[0], v[1]] for k, v in diff.items()}),
    )


def _all_fields(row: PlaceRow, before: None) -> dict[str, Any]:
    return {f: (before, _json_safe(getattr(row, f))) for f in sorted(EDITABLE | {"status"})}


def _missing() -> PlaceNotFound:
    return PlaceNotFound("We couldn't find that place. It may have been removed.")
