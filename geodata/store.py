"""The place database (SQLAlchemy 2): the source of truth once it has been seeded.

Every write is audited (geodata.history) and goes through a writer engine (geodata.engine). A
`data_version` counter goes up with every committed change, so every worker process can tell
cheaply when its in-memory index is stale.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Integer, Text, cast, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from geodata.engine import make_engine, migrate
from geodata.history import Change, change_of, created, differences, record, undo_after
from geodata.references import Claim, clash_after, refuse_taken
from geodata.rows import ChangeRow, MetaRow, PlaceRow, check_lengths
from geodata.venue_rows import read_venues
from geodata.venues import VenueDataset

if TYPE_CHECKING:
    from geodata.importer import ImportPlan
from locator.errors import PlaceNotFound, StaleEdit
from locator.venues import Kind, Status, Venue

log = logging.getLogger(__name__)
# The PostgreSQL channel every committed change is announced on (`geodata.changes` listens).
CHANNEL = "safeplaces_data"


# What staff may change directly; status moves only through the lifecycle methods.
EDITABLE = frozenset(
    {
        "name", "kind", "category", "address", "postcode", "latitude", "longitude",
        "location_precision", "phone", "email", "website", "opening_hours",
        "accessibility_notes", "last_checked", "verified", "verification_note", "operator",
        "external_ref", "local_authority_code", "contact_name", "contact_email", "contact_phone",
    }
)  # fmt: skip


class PlaceStore:
    """Reads and writes places. Every write is audited and bumps the data version in the same
    transaction, so a change, its record and the signal to rebuild indexes are one unit."""

    def __init__(self, engine: Engine, writer: Engine | None = None) -> None:
        self.engine = engine
        self.writer = writer or engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(self.writer, expire_on_commit=False)
        self._listeners: list[Callable[[], object]] = []

    def on_change(self, listener: Callable[[], object]) -> None:
        """Call `listener` after each change committed through this store, in the writing
        thread: the process that made an edit sees it in its very next request."""
        self._listeners.append(listener)

    @classmethod
    def open(cls, url: str) -> PlaceStore:
        """A store on `url`, its schema migrated to the newest version."""
        writer = make_engine(url, writer=True)
        migrate(writer)
        return cls(make_engine(url), writer)

    @contextmanager
    def _write(self, claims: Sequence[Claim] = ()) -> Iterator[Session]:
        """A writing transaction; `claims`: the references it gives places, so a clash the
        unique index finds (rolled back) is said like one the check finds."""
        changed = False
        try:
            with self._writes.begin() as session:
                yield session
                # Only a transaction that changes something moves the version (and indexes).
                if session.new or session.dirty or session.deleted:
                    self.bump_version(session)
                    changed = True
        except IntegrityError as exc:
            with self.sessions() as session:
                clash = clash_after(session, claims)
            if clash is None:
                raise
            raise clash from exc
        for listener in self._listeners if changed else ():
            try:
                listener()
            except Exception:  # the change is saved: the watchers' next check finds it
                log.exception("a listener to a committed change failed")

    # -- reads ----------------------------------------------------------------------------

    def data_version(self) -> int:
        with self.sessions() as session:
            value = session.get(MetaRow, "data_version")
            return int(value.value) if value else 0

    def venues(self) -> list[Venue]:
        """Every place, in any state (the index keeps only the active ones)."""
        return read_venues(self.engine)

    def rows(self) -> list[PlaceRow]:
        """Every place row, by id (for staff lists)."""
        with self.sessions() as session:
            return list(session.scalars(select(PlaceRow).order_by(PlaceRow.id)).all())

    def get(self, place_id: str) -> PlaceRow:
        if "\x00" in place_id:  # no id has one, and PostgreSQL refuses it in a query (a 500)
            raise _missing()
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
            return [change_of(r) for r in rows]

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
        if session.get_bind().dialect.name == "postgresql":
            # Delivered at commit, and only if it commits, to every replica listening.
            session.execute(text(f"NOTIFY {CHANNEL}"))

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
        session.add_all(record(r, actor, "create", created(r, EDITABLE)) for r in rows)

    def create(
        self, fields: Mapping[str, Any], actor: str, status: Status = Status.ACTIVE
    ) -> PlaceRow:
        """A new place from checked fields (see geodata.validation), recorded as created."""
        unknown = set(fields) - EDITABLE
        if unknown:
            raise ValueError(f"these fields can't be set: {', '.join(sorted(unknown))}")
        check_lengths(fields)
        row = _new_row(fields, status)
        # Every place has a reference, so an export of the database imports back onto it.
        row.external_ref = row.external_ref or row.id
        with self._write([(row.external_ref, row.id, "")]) as session:
            refuse_taken(session, row.external_ref, row.id)
            session.add(row)
            session.flush()
            session.add(record(row, actor, "create", created(row, EDITABLE)))
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
        check_lengths(changes)
        claims = [(changes.get("external_ref"), place_id, "")]
        with self._write(claims) as session:
            row = session.get(PlaceRow, place_id, with_for_update=True)
            if row is None:
                raise _missing()
            if row.version != expected_version:
                raise StaleEdit(row.version)
            refuse_taken(session, changes.get("external_ref"), place_id)
            diff = differences(row, changes)
            if not diff:
                return row
            for field, value in changes.items():
                setattr(row, field, value)
            self._touch(session, row, actor, "update", diff)
            return row

    def set_status(
        self, place_id: str, status: Status, actor: str = "system", note: str | None = None
    ) -> PlaceRow:
        """Move a place through its lifecycle (activate, suspend, remove, restore); `note`:
        why, kept with the change."""
        return self.set_statuses([place_id], status, actor, note)[0]

    def set_statuses(
        self, place_ids: Sequence[str], status: Status, actor: str, note: str | None = None
    ) -> list[PlaceRow]:
        """`set_status` for several places in one transaction: all of them or (if one has
        gone) none. A place already in that state is left as it is."""
        return self._set_each(place_ids, {"status": status.value}, actor, _ACTIONS[status], note)

    def mark_checked(self, place_ids: Sequence[str], day: date, actor: str) -> list[PlaceRow]:
        """The yearly check done on `day`, for each place in one transaction (all of them or,
        if one has gone, none). A place already checked that day is left as it is."""
        return self._set_each(place_ids, {"last_checked": day}, actor, "check")

    def _set_each(
        self,
        ids: Sequence[str],
        values: Mapping[str, Any],
        actor: str,
        action: str,
        note: Any = None,
    ) -> list[PlaceRow]:
        rows = []
        with self._write() as session:
            for place_id in ids:
                row = session.get(PlaceRow, place_id, with_for_update=True)
                if row is None:
                    raise _missing()
                diff = differences(row, values)
                if diff:
                    for name, value in values.items():
                        setattr(row, name, value)
                    self._touch(session, row, actor, action, diff, note)
                rows.append(row)
        return rows

    def fields_at(self, place_id: str, version: int) -> dict[str, Any]:
        """Every editable field (and the status) as it was at `version`, from the history."""
        row = self.get(place_id)
        state = {f: getattr(row, f) for f in (*EDITABLE, "status")}
        return state | undo_after(self.history(place_id), version)

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
        state = undo_after(history, version)
        status = state.pop("status", None)
        with self._write([(state.get("external_ref"), place_id, "")]) as session:
            row = session.get(PlaceRow, place_id, with_for_update=True)
            if row is None:
                raise _missing()
            if row.version != current.version:
                raise StaleEdit(row.version)
            # The reference it had then may be another place's now.
            refuse_taken(session, state.get("external_ref"), place_id)
            diff = differences(row, state)
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
        if plan.clashes():
            raise ValueError("an import with two rows for one place can't be applied")
        for planned in plan.rows:
            check_lengths(planned.fields, f"Row {planned.row} ({planned.ref}): ")
        applied = 0
        claims = [(p.ref, None, f"Row {p.row} ({p.ref}): ") for p in plan.planned("add")]
        with self._write(claims) as session:
            for planned in plan.rows:
                if planned.action == "add":
                    row = _new_row(planned.fields, Status.ACTIVE)
                    row.external_ref = row.external_ref or row.id
                    # Added by someone else since the preview: preview again (an update then).
                    where = f"Row {planned.row} ({planned.ref}): "
                    refuse_taken(session, row.external_ref, None, where)
                    session.add(row)
                    session.flush()
                    session.add(record(row, actor, "import", created(row, EDITABLE)))
                    applied += 1
                elif planned.action == "update":
                    current = session.get(PlaceRow, planned.place_id, with_for_update=True)
                    if current is None or current.version != planned.version:
                        raise StaleEdit(current.version if current else 0)
                    diff = differences(current, planned.fields)
                    for name, value in planned.fields.items():
                        setattr(current, name, value)
                    self._touch(session, current, actor, "import", diff)
                    applied += 1
        return applied

    @staticmethod
    def _touch(
        session: Session,
        row: PlaceRow,
        actor: str,
        action: str,
        diff: dict[str, Any],
        note: str | None = None,
    ) -> None:
        row.version += 1
        row.updated_at = datetime.now(UTC)
        session.add(record(row, actor, action, diff, note))


_ACTIONS = {
    Status.ACTIVE: "activate",
    Status.SUSPENDED: "suspend",
    Status.REMOVED: "remove",
    Status.DRAFT: "make draft",
}


def _new_row(fields: Mapping[str, Any], status: Status) -> PlaceRow:
    """A new place with a fresh id (SP + 10 hex digits), version 1; staff look at a place
    when they add it, so (unless they give a date) it counts as checked that day."""
    now = datetime.now(UTC)
    row = PlaceRow(
        last_checked=date.today(),
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


def _missing() -> PlaceNotFound:
    return PlaceNotFound("We couldn't find that place. It may have been removed.")
