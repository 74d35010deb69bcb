"""Every change staff make to places, in one place: may this person make it, is it right, then
the write and its record (the store audits and versions each write).

The staff API, the staff pages and the command line all call `PlaceEditor`; they differ only
in how they read the change and show the answer. The command line acts as
`locator.accounts.operator`, who may change anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from geodata.areas import Areas
from geodata.importer import ImportPlan, RowError, plan_import
from geodata.lookalikes import Decision
from geodata.place_list import PlaceList, PlaceQuery, select
from geodata.rows import PlaceRow
from geodata.store import PlaceStore
from geodata.validation import PlaceChecker, check_reason
from locator.accounts import Role, StaffUser
from locator.errors import Forbidden, PlaceNotFound
from locator.venues import Status

# Hiding a place from the public needs a reason in the history; showing it again does not.
NEEDS_REASON = frozenset({Status.SUSPENDED, Status.REMOVED})


def refusal(
    user: StaffUser,
    code: str | None,
    areas: Areas | None = None,
    doing: str = "change",
    what: str = "this place",
) -> str | None:
    """Why this account may not `doing` ("change", "add") a place in the area `code`, in
    words that name the areas (`what` is there: "this place", "this postcode"); None if it
    may."""
    areas = areas or Areas()
    if user.can_edit_place(code):
        return None
    if user.role is Role.VIEWER:
        return f"Your account can look at places but not {doing} them."
    if not user.areas:
        return f"Your account has no area to {doing} places in. Ask an administrator for one."
    mine = " and ".join(sorted(areas.name(a) for a in user.areas))
    return f"You can {doing} places in {mine} only; {what} is in {areas.name(code)}."


def require_edit(
    user: StaffUser,
    local_authority_code: str | None,
    areas: Areas | None = None,
    doing: str = "change",
    what: str = "this place",
) -> None:
    """Refuse a change this account's role or areas don't allow, saying which areas."""
    refused = refusal(user, local_authority_code, areas, doing, what)
    if refused is not None:
        raise Forbidden(refused, log_message="edit outside the account's role or areas")


@dataclass(frozen=True, slots=True)
class Refused:
    """A place a change to many places left alone, and why (in words for the officer)."""

    place_id: str
    name: str | None  # None: no such place
    reason: str


@dataclass(frozen=True, slots=True)
class ManyDone:
    """What a change to many places did: `done` are the places now as asked (changed, or
    already so), `refused` those left alone, each with its reason. Nothing else happened."""

    done: list[PlaceRow] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def require_import(user: StaffUser) -> None:
    if user.role is Role.VIEWER:
        raise Forbidden(
            "Your account can look at places but not import them.",
            log_message="import by a viewer",
        )


class PlaceEditor:
    """Create, change, suspend, remove and restore places, and import files of them."""

    def __init__(
        self, store: PlaceStore, checker: PlaceChecker, areas: Areas | None = None
    ) -> None:
        self.store = store
        self.checker = checker
        self.areas = areas or Areas()  # to name areas in refusals

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
        require_edit(user, row.local_authority_code, self.areas)
        return row

    def check_new(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        """A new place's fields, checked and allowed (or `PlaceInvalid` / `Forbidden`),
        ready for `create` or a preview: nothing is written."""
        fields = self.checker.check(data)
        require_edit(user, fields.get("local_authority_code"), self.areas, "add", "this postcode")
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
            # Moved by its new postcode: allowed where it goes, too.
            require_edit(user, fields["local_authority_code"], self.areas, what="this postcode")
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

    def set_status(
        self, user: StaffUser, place_id: str, status: Status, reason: str | None = None
    ) -> PlaceRow:
        """Suspend, remove or restore (show again) a place. Suspending and removing need a
        `reason` (else `PlaceInvalid`), kept in the history with who did it."""
        self.may_change(user, place_id)
        note = check_reason(reason, required=status in NEEDS_REASON)
        return self.store.set_status(place_id, status, user.email, note)

    def set_status_many(
        self, user: StaffUser, place_ids: Sequence[str], status: Status, reason: str | None = None
    ) -> ManyDone:
        """`set_status` for many places: the ones this account may change, in one transaction;
        the others are `refused`, each with its reason. A missing reason refuses them all
        (`PlaceInvalid`), before anything is written."""
        note = check_reason(reason, required=status in NEEDS_REASON)
        allowed, refused = self.sort_out(user, place_ids)
        done = self.store.set_statuses(allowed, status, user.email, note) if allowed else []
        return ManyDone(done, refused)

    def mark_checked(self, user: StaffUser, place_id: str, today: date | None = None) -> PlaceRow:
        """The yearly check is done today: the last-checked date becomes `today`, recorded in
        the history as a check, with who did it."""
        self.may_change(user, place_id)
        return self.store.mark_checked([place_id], today or date.today(), user.email)[0]

    def mark_checked_many(
        self, user: StaffUser, place_ids: Sequence[str], today: date | None = None
    ) -> ManyDone:
        """`mark_checked` for many places: the ones this account may change, in one
        transaction; the others are `refused`, each with its reason."""
        allowed, refused = self.sort_out(user, place_ids)
        day = today or date.today()
        done = self.store.mark_checked(allowed, day, user.email) if allowed else []
        return ManyDone(done, refused)

    def sort_out(
        self, user: StaffUser, place_ids: Sequence[str]
    ) -> tuple[list[str], list[Refused]]:
        """The ids (each once, in order) this account may change, and the rest with why:
        what a change to many places would do, asked before it is made."""
        allowed: list[str] = []
        refused: list[Refused] = []
        for place_id in dict.fromkeys(place_ids):
            try:
                row = self.store.get(place_id)
            except PlaceNotFound as exc:
                refused.append(Refused(place_id, None, exc.user_message))
                continue
            why = refusal(user, row.local_authority_code, self.areas)
            if why is None:
                allowed.append(place_id)
            else:
                refused.append(Refused(place_id, row.name, why))
        return allowed, refused

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
        decisions: Mapping[int, Decision] | None = None,
    ) -> ImportPlan:
        """What importing these rows would do, with rows that look like a place we have done
        as `decisions` says (see `plan_import`). Rows this account may not change (an
        editor's rows outside their areas) are row errors, like any other bad row."""
        require_import(user)
        plan = plan_import(rows, self.store, self.checker, progress, decisions)
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
