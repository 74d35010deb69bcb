"""What the staff place list shows, in staff's words: the filters' choices, the counts, links
to a list with given filters, and one page of a long list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from api.auth import STAFF_PATH
from api.staff_views import KIND_WORDS, STATUS_WORDS
from geodata.place_list import CURRENT, Check, Fix, Missing, PlaceList, PlaceQuery
from locator.venues import Status

STATUS_CHOICES = [
    (CURRENT, "Any except removed"),
    *((s.value, STATUS_WORDS[s]) for s in Status),
]
KIND_CHOICES = [(k.value, w) for k, w in KIND_WORDS.items()]
CHECK_CHOICES = [
    (Check.OVERDUE.value, "Overdue (or never checked)"),
    (Check.DUE_SOON.value, "Due in the next 30 days"),
]
MISSING_CHOICES = [
    (Missing.PHONE.value, "No phone number"),
    (Missing.OPENING_HOURS.value, "No opening times"),
    (Missing.ACCESSIBILITY_NOTES.value, "No access notes"),
    (Missing.CONTACT_EMAIL.value, "No contact email at the venue"),
]
FIX_CHOICES = [(Fix.CONTACT.value, "Phone or email is wrong")]
CHANGED_CHOICES = [
    ("1", "Today or yesterday"),
    ("7", "In the last 7 days"),
    ("30", "In the last 30 days"),
]
# "3 active, 1 suspended": a status as a word in a count.
STATUS_COUNT_WORDS = {s: w.split(" (")[0].lower() for s, w in STATUS_WORDS.items()}


def list_url(query: PlaceQuery, path: str = "/places", **extra: str | int) -> str:
    """The staff list (or its print view or export) with exactly these filters."""
    params: dict[str, Any] = query.params() | {k: v for k, v in extra.items() if v}
    text = urlencode(params)
    return f"{STAFF_PATH}{path}" + (f"?{text}" if text else "")


def status_counts(found: PlaceList, query: PlaceQuery) -> list[tuple[str, int, str]]:
    """(words, count, link to those places) for each status among the places found."""
    return [
        (STATUS_COUNT_WORDS[s], n, list_url(_with_status(query, s)))
        for s, n in found.by_status.items()
    ]


def _with_status(query: PlaceQuery, status: Status) -> PlaceQuery:
    return PlaceQuery.from_params(query.params() | {"status": status.value})


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a long list: its places and where the pages before and after are."""

    number: int
    pages: int
    first: int  # 1-based position of the page's first place
    items: list[Any]
    previous_url: str | None
    next_url: str | None


def one_page(items: list[Any], number: int, size: int, query: PlaceQuery) -> ListPage:
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size

    def url(n: int) -> str | None:
        return list_url(query, page=n if n > 1 else 0) if 1 <= n <= pages else None

    return ListPage(
        number,
        pages,
        start + 1,
        items[start : start + size],
        url(number - 1) if number > 1 else None,
        url(number + 1),
    )


# The dashboard's numbers in words: (heading of its group, what the number counts).
NUMBER_WORDS = {
    **{f"status_{s.value}": ("Places", STATUS_WORDS[s]) for s in Status},
    "check_overdue": ("Yearly checks", "Overdue (or never checked)"),
    "check_due": ("Yearly checks", "Due in the next 30 days"),
    "missing_phone": ("Missing details", "No phone number"),
    "missing_opening_hours": ("Missing details", "No opening times"),
    "missing_accessibility_notes": ("Missing details", "No access notes"),
    "missing_contact_email": ("Missing details", "No contact email at the venue"),
    "fix_contact": ("Details to fix", "A phone number or email that isn't right"),
    "changed_recently": ("Changes", "Places changed in the last 7 days"),
}


def filter_words(query: PlaceQuery, area_label: Callable[[str | None], str]) -> list[str]:
    """The filters in words, for a printed list's heading: ["Search: Matlock", ...]."""
    params = query.params()
    names = {
        "status": ("Status", dict(STATUS_CHOICES)),
        "kind": ("Kind", dict(KIND_CHOICES)),
        "check": ("Yearly check", dict(CHECK_CHOICES)),
        "missing": ("Missing", dict(MISSING_CHOICES)),
        "fix": ("To fix", dict(FIX_CHOICES)),
        "changed": ("Changed", dict(CHANGED_CHOICES)),
    }
    said = [f"Search: {params['q']}"] if "q" in params else []
    if "area" in params:
        said.append(f"Area: {area_label(params['area'])}")
    for key, (label, words) in names.items():
        if key in params:
            said.append(f"{label}: {words.get(params[key], params[key])}")
    return said
