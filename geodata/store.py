"""The place database (SQLAlchemy 2): the source of truth once it has been seeded.

SQLite is the embedded default (WAL, foreign keys on); PostgreSQL works through the same URL
setting. The schema is created and upgraded by Alembic migrations, never by `create_all`.
A `data_version` counter goes up with every committed change, so every worker process can
tell cheaply when its in-memory index is stale.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
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
    # Bumped on every change to this place: its ETag.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=func.now())

    def to_venue(self) -> Venue:
        try:
            hours = OpeningHours.parse(self.opening_hours or "")
        except InvalidOpeningHours:
            # Staff edits are validated; this only guards rows written by older code.
            log.warning("place %s: stored opening hours could not be read", self.id)
            hours = None
        return Venue(
            id=self.id,
            name=self.name,
            kind=Kind(self.kind),
            category=Category(self.category),
            address=self.address,
            postcode=self.postcode,
            latitude=self.latitude,
            longitude=self.longitude,
            location_precision=LocationPrecision(self.location_precision),
            phone=self.phone,
            email=self.email,
            website=self.website,
            opening_hours=hours,
            accessibility_notes=self.accessibility_notes,
            last_checked=self.last_checked,
            status=Status(self.status),
            verified=self.verified,
            verification_note=self.verification_note,
            operator=self.operator,
        )

    @classmethod
    def from_venue(cls, venue: Venue, external_ref: str | None = None) -> PlaceRow:
        now = datetime.now(UTC)
        return cls(
            id=venue.id,
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


class MetaRow(Base):
    """Small facts about the database itself: the data version, when it was seeded."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def make_engine(url: str) -> Engine:
    """An engine; for SQLite, a file whose folder exists, in WAL mode with foreign keys on."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL: readers never wait for a writer; a crash mid-write leaves the last commit.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creating it on an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class PlaceStore:
    """Reads and writes places; every write bumps the data version in the same transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def data_version(self) -> int:
        with self.sessions() as session:
            value = session.get(MetaRow, "data_version")
            return int(value.value) if value else 0

    @staticmethod
    def bump_version(session: Session) -> None:
        """Count one more committed change (call inside the writing transaction)."""
        changed = session.execute(
            update(MetaRow)
            .where(MetaRow.key == "data_version")
            .values(value=cast(cast(MetaRow.value, Integer) + 1, Text))
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            session.add(MetaRow(key="data_version", value="1"))

    def venues(self) -> list[Venue]:
        """Every place, in any state (the index keeps only the active ones)."""
        with self.sessions() as session:
            rows = session.scalars(select(PlaceRow).order_by(PlaceRow.id)).all()
            return [row.to_venue() for row in rows]

    def count(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(PlaceRow)) or 0)

    def seed_problems(self) -> list[str]:
        with self.sessions() as session:
            row = session.get(MetaRow, "seed_problems")
            return list(json.loads(row.value)) if row else []

    def seed(self, dataset: VenueDataset) -> bool:
        """Fill an empty database from the open data, once. Returns whether it seeded.

        "Once" is recorded in the database itself, so a restart (or a second worker starting
        at the same moment) never seeds again, even if staff have since removed every place.
        """
        with self.sessions.begin() as session:
            if session.get(MetaRow, "seeded_at") is not None:
                return False
            session.add(MetaRow(key="seeded_at", value=datetime.now(UTC).isoformat()))
            session.add_all(PlaceRow.from_venue(v) for v in dataset.venues)
            problems = [str(p) for p in dataset.skipped]
            session.add(MetaRow(key="seed_problems", value=json.dumps(problems)))
            self.bump_version(session)
        log.info("seeded the place database with %d places", len(dataset.venues))
        return True

    def set_status(self, place_id: str, status: Status) -> None:
        """Change one place's status (a minimal write path; staff tools build on it)."""
        with self.sessions.begin() as session:
            row = session.get(PlaceRow, place_id)
            if row is None:
                raise KeyError(place_id)
            row.status = status.value
            row.version += 1
            row.updated_at = datetime.now(UTC)
            self.bump_version(session)

    def add(self, venues: Iterable[Venue]) -> None:
        with self.sessions.begin() as session:
            session.add_all(PlaceRow.from_venue(v) for v in venues)
            self.bump_version(session)
