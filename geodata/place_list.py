"""The staff place list: which places a set of filters lets through, in what order, and how
many of each status.

One job in one place: the list page, its print view and export, the dashboard's numbers and
the staff API all filter here, so a number on the dashboard is the length of the list it
links to. Filters come in as text (a page's query string); an empty one means any.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from geodata.rows import PlaceRow
from locator.contact_details import email_problem, phone_problem, read_phones
from locator.errors import InvalidParameter
from locator.venues import CHECK_EVERY_DAYS, Kind, Status, check_overdue

# "Due soon" on the dashboard and in the list: the yearly check falls in the next 30 days.
DUE_SOON_DAYS = 30
# Not removed: the places still in the scheme, in any other state.
CURRENT = "current"
STATUS_CHOICES: dict[str, frozenset[Status]] = {s.value: frozenset({s}) for s in Status} | {
    CURRENT: frozenset({Status.DRAFT, Status.ACTIVE, Status.SUSPENDED})
}


class Check(StrEnum):
    """Where a place's yearly check stands."""

    OVERDUE = "overdue"  # never checked, or more than a year ago
    DUE_SOON = "due"  # not overdue, but due within DUE_SOON_DAYS


class Missing(StrEnum):
    """Details a place should have for the public pages."""

    PHONE = "phone"
    OPENING_HOURS = "opening_hours"
    ACCESSIBILITY_NOTES = "accessibility_notes"
    CONTACT_EMAIL = "contact_email"  # the venue contact the yearly check is sent to


class Fix(StrEnum):
    """Details a place has that need fixing."""

    # A phone number or email kept as it was typed: not a real number, or not an address.
    CONTACT = "contact"


def contact_problems(row: PlaceRow) -> dict[str, str]:
    """Each phone number or email of the place that isn't a real one, with why."""
    checks = {
        "phone": phone_problem, "contact_phone": phone_problem,
        "email": email_problem, "contact_email": email_problem,
    }  # fmt: skip
    found = {field: check(getattr(row, field)) for field, check in checks.items()}
    return {field: problem for field, problem in found.items() if problem}


def check_due(last_checked: date | None) -> date | None:
    """The day the next yearly check is due (None: never checked, so due now)."""
    return last_checked + timedelta(days=CHECK_EVERY_DAYS) if last_checked else None


def check_state(last_checked: date | None, today: date) -> Check | None:
    if check_overdue(last_checked, today):
        return Check.OVERDUE
    due = check_due(last_checked)
    if due is not None and (due - today).days <= DUE_SOON_DAYS:
        return Check.DUE_SOON
    return None


@dataclass(frozen=True, slots=True)
class PlaceQuery:
    """The staff list's filters; empty (None, False) means any.

    `q` is one search box: part of the name, address or reference (any case), a postcode
    with or without its space, or a phone number however it is spaced.
    """

    q: str | None = None
    statuses: frozenset[Status] = frozenset()  # any of these (empty: any status)
    area: str | None = None  # a local authority code
    kind: str | None = None
    overdue_only: bool = False
    check: Check | None = None
    missing: Missing | None = None
    fix: Fix | None = None
    changed_within_days: int | None = None  # changed (or added) in the last N days

    @property
    def status(self) -> str:
        """The status filter as the page's choice ("" for any)."""
        return next((k for k, v in STATUS_CHOICES.items() if v == self.statuses), "")

    def matches(self, row: PlaceRow, today: date) -> bool:
        return (
            (not self.q or _text_matches(self.q, row))
            and (not self.statuses or Status(row.status) in self.statuses)
            and (not self.area or row.local_authority_code == self.area)
            and (not self.kind or row.kind == self.kind)
            and (not self.overdue_only or check_overdue(row.last_checked, today))
            and (self.check is None or check_state(row.last_checked, today) is self.check)
            and (self.missing is None or not (getattr(row, self.missing.value) or "").strip())
            and (self.fix is None or bool(contact_problems(row)))
            and (self.changed_within_days is None or _changed_within(row, self, today))
        )

    def params(self) -> dict[str, str]:
        """The filters as text, as `from_params` reads them (only those that are set)."""
        texts = {
            "q": self.q or "",
            "status": self.status,
            "area": self.area or "",
            "kind": self.kind or "",
            "check": Check.OVERDUE.value if self.overdue_only else (self.check or ""),
            "missing": self.missing or "",
            "fix": self.fix or "",
            "changed": str(self.changed_within_days or ""),
        }
        return {k: v for k, v in texts.items() if v}

    @classmethod
    def from_params(cls, params: Mapping[str, str | None]) -> PlaceQuery:
        """The filters from text; an empty value means any. A value we don't know is an
        `InvalidParameter` saying which, in words (the area is resolved by the caller)."""
        text = {k: (v or "").strip() for k, v in params.items()}
        problems = []
        status = text.get("status", "")
        if status and status not in STATUS_CHOICES:
            problems.append("the status")
        kind = text.get("kind", "")
        if kind and kind not in tuple(Kind):
            problems.append("the kind of place")
        check = text.get("check", "") or ("overdue" if text.get("overdue") == "true" else "")
        if check and check not in tuple(Check):
            problems.append("the yearly check")
        missing = text.get("missing", "")
        if missing and missing not in tuple(Missing):
            problems.append("what is missing")
        fix = text.get("fix", "")
        if fix and fix not in tuple(Fix):
            problems.append("what needs fixing")
        changed = text.get("changed", "")
        if changed and not (changed.isdigit() and 0 < int(changed) <= 3660):
            problems.append("how recently it changed")
        if problems:
            raise InvalidParameter(
                f"We don't know {' or '.join(problems)} chosen. Choose again from the lists.",
                log_message="unknown place list filter",
            )
        return cls(
            q=text.get("q") or None,
            statuses=STATUS_CHOICES.get(status, frozenset()),
            area=text.get("area") or None,
            kind=kind or None,
            check=Check(check) if check else None,
            missing=Missing(missing) if missing else None,
            fix=Fix(fix) if fix else None,
            changed_within_days=int(changed) if changed else None,
        )


@dataclass(frozen=True, slots=True)
class PlaceList:
    """The places a query lets through, by name, and how many of each status."""

    places: list[PlaceRow]
    by_status: dict[Status, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.places)


def select(rows: Iterable[PlaceRow], query: PlaceQuery, today: date) -> PlaceList:
    """The places `query` lets through, by name (then reference), with counts by status."""
    found = sorted(
        (r for r in rows if query.matches(r, today)),
        key=lambda r: (r.name.casefold(), r.external_ref or r.id),
    )
    counts = Counter(Status(r.status) for r in found)
    return PlaceList(found, {s: counts[s] for s in Status if counts[s]})


def compact(text: str) -> str:
    """Text without its spaces, in one case: postcodes and references compare this way."""
    return "".join(text.split()).casefold()


def phone_digits(text: str) -> str:
    """A phone number's digits, with +44 read as the 0 people dial."""
    digits = "".join(c for c in text if c.isdigit())
    if text.strip().startswith("+44"):
        digits = "0" + digits[2:]
    return digits


def _looks_like_phone(q: str) -> bool:
    return sum(c.isdigit() for c in q) >= 3 and all(c.isdigit() or c in " +-()" for c in q)


def _text_matches(q: str, row: PlaceRow) -> bool:
    words = q.casefold().strip()
    if any(words in (value or "").casefold() for value in (row.name, row.address)):
        return True
    wanted = compact(q)
    if any(wanted in compact(value or "") for value in (row.postcode, row.external_ref, row.id)):
        return True
    return _looks_like_phone(q) and _phone_matches(phone_digits(q), row.phone)


def _phone_matches(digits: str, stored: str | None) -> bool:
    """Whether any of the place's numbers, as dialled in the UK, has these digits in it."""
    numbers = read_phones(stored)
    dialled = [n.national for n in numbers] if numbers else [stored or ""]
    return any(digits in phone_digits(number) for number in dialled)


def _changed_within(row: PlaceRow, query: PlaceQuery, today: date) -> bool:
    since = datetime.combine(today - timedelta(days=query.changed_within_days or 0), time(), UTC)
    changed = row.updated_at
    if changed.tzinfo is None:  # written in UTC
        changed = changed.replace(tzinfo=UTC)
    return changed >= since
