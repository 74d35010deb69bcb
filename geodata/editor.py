"""Every change staff make to places, in one place: may this person make it, is it right, then
the write and its record (the store audits and versions each write).

The staff API, the staff pages and the command line all call `PlaceEditor`; they differ only
in how they read the change and show the answer. The command line acts as
`locator.accounts.operator`, who may change anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from geodata.importer import ImportPlan, RowError, plan_import
from geodata.rows import PlaceRow
from geodata.store import PlaceStore
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser
from locator.errors import Forbidden, PlaceInvalid
from locator.venues import Status, check_overdue


def require_edit(user: StaffUser, local_authority_code: str | None) -> None:
    """Refuse a change this account's role or areas don't allow."""
    if not user.can_edit_place(local_authority_code):
        raise Forbidden(
            "Your account can't change places in this area.",
            log_message="edit outside the account's role or areas",
        )


def require_import(user: StaffUser) -> None:
    if user.role is Role.VIEWER:
        raise Forbidden(
            "Your account can look at places but not import them.",
            log_message="import by a viewer",
        )


@dataclass(frozen=True, slots=True)
class PlaceQuery:
    """The staff list's filters; None (or False) means any."""

    q: str | None = None  # part of the name, any case
    status: Status | None = None
    area: str | None = None  # a local authority code
    kind: str | None = None
    overdue_only: bool = False

    def matches(self, row: PlaceRow, today: date) -> bool:
        return (
            (not self.q or self.q.lower() in row.name.lower())
            and (self.status is None or row.status == self.status.value)
            and (not self.area or row.local_authority_code == self.area)
            and (not self.kind or row.kind == self.kind)
            and (not self.overdue_only or check_overdue(row.last_checked, today))
        )


class PlaceEditor:
    """Create, change, suspend, remove and restore places, and import files of them."""

    def __init__(self, store: PlaceStore, checker: PlaceChecker) -> None:
        self.store = store
        self.checker = checker

    # -- reads ----------------------------------------------------------------------------

    def select(self, query: PlaceQuery, today: date | None = None) -> list[PlaceRow]:
        """Every place in any state that the filters let through, by id."""
        today = today or date.today()
        return [row for row in self.store.rows() if query.matches(row, today)]

    # -- one place ------------------------------------------------------------------------

    def may_change(self, user: StaffUser, place_id: str) -> PlaceRow:
        """The place, if this account may change it (else `Forbidden`)."""
        row = self.store.get(place_id)
        require_edit(user, row.local_authority_code)
        return row

    def check_new(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        """A new place's fields, checked and allowed (or `PlaceInvalid` / `Forbidden`),
        ready for `create` or a preview: nothing is written."""
        fields = self.checker.check(data)
        require_edit(user, fields.get("local_authority_code"))
        fields.setdefault("address", "")
        ref = str(data.get("external_ref") or "").strip()
        if ref:
            self._require_new_ref(ref)
            fields["external_ref"] = ref
        return fields

    def _require_new_ref(self, ref: str) -> None:
        # The column is unique: said here in words, not left to the database (a 500).
        if self.store.with_ref(ref) is not None:
            message = f"Another place already has the reference {ref}."
            raise PlaceInvalid(
                f"{message} Use a reference no other place has, or leave it out.",
                log_message="new place with a reference already in use",
                field_errors={"external_ref": message},
            )

    def create(
        self, user: StaffUser, data: dict[str, Any], status: Status = Status.ACTIVE
    ) -> PlaceRow:
        return self.store.create(self.check_new(user, data), user.email, status)

    def check_changes(
        self, user: StaffUser, place_id: str, changes: dict[str, Any]
    ) -> tuple[PlaceRow, dict[str, Any]]:
        """The place now and the changed fields, checked and allowed: allowed where the place
        is, and where the change would move it. Nothing is written."""
        row = self.may_change(user, place_id)
        fields = self.checker.check(changes, partial=True)
        if "local_authority_code" in fields:
            require_edit(user, fields["local_authority_code"])
        return row, fields

    def update(
        self, user: StaffUser, place_id: str, changes: dict[str, Any], expected_version: int
    ) -> PlaceRow:
        """Change a place that is still at `expected_version` (else `StaleEdit`: the store
        checks the version, once, in the writing transaction)."""
        _, fields = self.check_changes(user, place_id, changes)
        return self.store.update(place_id, fields, user.email, expected_version)

    def set_status(self, user: StaffUser, place_id: str, status: Status) -> PlaceRow:
        """Suspend, remove or restore (show again) a place."""
        self.may_change(user, place_id)
        return self.store.set_status(place_id, status, user.email)

    def restore_version(self, user: StaffUser, place_id: str, version: int) -> PlaceRow:
        """Put a place back as it was at `version` (itself a recorded change)."""
        self.may_change(user, place_id)
        return self.store.restore_version(place_id, version, user.email)

    # -- imports --------------------------------------------------------------------------

    def plan_import(
        self,
        user: StaffUser,
        rows: Iterable[dict[str, Any]],
        progress: Callable[[int], object] = lambda n: None,
    ) -> ImportPlan:
        """What importing these rows would do. Rows this account may not change (an editor's
        rows outside their areas) are row errors, like any other bad row."""
        require_import(user)
        plan = plan_import(rows, self.store, self.checker, progress)
        for planned in list(plan.rows):
            # An update must be allowed where the place is now and where the file moves it.
            now = planned.area_now
            after = planned.fields.get("local_authority_code", now)
            allowed = user.can_edit_place(after) and (
                planned.place_id is None or user.can_edit_place(now)
            )
            if planned.action != "unchanged" and not allowed:
                plan.rows.remove(planned)
                plan.errors.append(
                    RowError(planned.row, planned.ref, "this place is outside your areas")
                )
        plan.errors.sort(key=lambda e: e.row)
        return plan

    def apply_import(self, user: StaffUser, plan: ImportPlan) -> int:
        """Apply a checked plan, all or nothing; returns how many places were added or
        updated. A place changed since the plan was made stops it (`StaleEdit`)."""
        require_import(user)
        return self.store.apply_import(plan, user.email)
