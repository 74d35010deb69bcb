"""Every change staff make to places, in one place: may this person make it, is it right, then
the write and its record (the store audits and versions each write).

The staff API, the staff pages and the command line all call `PlaceEditor`; they differ only
in how they read the change and show the answer. The command line acts as
`locator.accounts.operator`, who may change anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from geodata.importer import ImportPlan, RowError, plan_import
from geodata.place_list import PlaceList, PlaceQuery, select
from geodata.rows import PlaceRow
from geodata.store import PlaceStore
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser
from locator.errors import Forbidden
from locator.venues import Status


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

    def list_places(self, query: PlaceQuery, today: date | None = None) -> PlaceList:
        """The staff list: the places the filters let through, by name, counted by status."""
        return select(self.store.rows(), query, today or date.today())

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
        if data.get("external_ref"):
            fields["external_ref"] = str(data["external_ref"]).strip()
        return fields

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
        # Every place keeps a reference (an export imports back onto it): empty keeps it.
        ref = str(changes.get("external_ref") or "").strip()
        if ref and ref != row.external_ref:
            fields["external_ref"] = ref
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
        kept = []
        for planned in plan.rows:
            # An update must be allowed where the place is now and where the file moves it.
            now = planned.area_now
            after = planned.fields.get("local_authority_code", now)
            allowed = user.can_edit_place(after) and (
                planned.place_id is None or user.can_edit_place(now)
            )
            if planned.action != "unchanged" and not allowed:
                plan.errors.append(
                    RowError(planned.row, planned.ref, "this place is outside your areas")
                )
            else:
                kept.append(planned)
        # A new list, not list.remove in the loop: that was quadratic in the rows refused.
        plan.rows = kept
        plan.errors.sort(key=lambda e: e.row)
        return plan

    def apply_import(self, user: StaffUser, plan: ImportPlan) -> int:
        """Apply a checked plan, all or nothing; returns how many places were added or
        updated. A place changed since the plan was made stops it (`StaleEdit`)."""
        require_import(user)
        return self.store.apply_import(plan, user.email)
