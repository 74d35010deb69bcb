"""Which column of an import file fills which detail of a place: suggested from its heading,
chosen by the person importing, and never dropped without their say.

Headings are compared without case, spaces or punctuation, against a table of the words
people use ("Venue name", "Post code", "Telephone", "Opening times", "Type"). A column with
no suggestion is unchosen: the import waits until it is given a detail to fill or is left
out. Two columns can't fill the same detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geodata.synonyms import squash
from locator.errors import DataError

LEAVE_OUT = "leave_out"

# What an import can fill, in the words the matching step shows, in the order it lists them.
TARGETS: dict[str, str] = {
    "external_ref": "Your reference for the place",
    "name": "Name",
    "category": "Kind of place",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email",
    "website": "Website",
    "opening_hours": "Opening hours",
    "accessibility_notes": "Accessibility notes",
    "last_checked": "Date last checked",
    "operator": "Run by",
    "contact_name": "Contact at the venue: name",
    "contact_email": "Contact at the venue: email",
    "contact_phone": "Contact at the venue: phone number",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "location_precision": "How exact the position is",
    "kind": "Safe Place or police enquiry office",
    "outside_area_override": "Outside our area on purpose (yes or no)",
}

# The words people head a column with, for each detail (its own name always counts).
_HEADINGS: dict[str, tuple[str, ...]] = {
    "external_ref": (
        "ref", "reference", "venue id", "venue ref", "place id", "site id", "our ref",
        "your ref", "reference number", "ref no", "id",
    ),
    "name": (
        "venue name", "venue", "place name", "place", "site name", "site", "premises",
        "business name", "name of venue", "name of place", "safe place", "safe place name",
    ),
    "category": (
        "type", "venue type", "place type", "kind of place", "type of place", "type of venue",
        "business type", "categories", "what kind of place",
    ),
    "address": ("street address", "full address", "address line 1", "street", "location"),
    "postcode": ("post code", "postal code", "zip", "zip code"),
    "phone": (
        "telephone", "tel", "tel no", "phone number", "telephone number", "contact number",
        "phone no", "landline", "number",
    ),
    "email": ("e-mail", "email address", "e-mail address", "mail"),
    "website": ("web", "web site", "web address", "url", "site url", "webpage", "homepage"),
    "opening_hours": (
        "hours", "opening times", "opening hours", "open", "times", "when open", "open hours",
        "opening", "hours open",
    ),
    "accessibility_notes": (
        "accessibility", "access", "access notes", "accessibility information", "access info",
        "disabled access", "notes on access",
    ),
    "last_checked": (
        "checked", "date checked", "last check", "last visited", "last visit", "date of check",
        "checked on", "last checked date",
    ),
    "operator": ("run by", "managed by", "owner", "organisation", "organization", "provider"),
    "contact_name": (
        "contact", "contact name", "contact person", "contact's name", "venue contact",
        "main contact", "named contact", "manager", "manager name", "key contact",
    ),
    "contact_email": (
        "contact email", "contact e-mail", "contact's email", "contact email address",
        "contact's email address", "manager email", "manager's email",
    ),
    "contact_phone": (
        "contact phone", "contact telephone", "contact tel", "contact's phone",
        "contact phone number", "contact's phone number", "contact mobile", "mobile",
        "manager phone", "manager's phone",
    ),
    "latitude": ("lat",),
    "longitude": ("lon", "lng", "long"),
    "location_precision": ("precision",),
    "kind": (),
    "outside_area_override": ("outside area", "outside the area"),
}  # fmt: skip

# Columns of the service's own exports (the data export, and the place list's for Excel)
# that an import can't set: left out unless chosen.
SERVICE_COLUMNS = frozenset(
    squash(c)
    for c in ("id", "status", "local_authority_code", "verified", "version", "created_at",
              "updated_at", "area", "next check due", "check due", "check overdue")
)  # fmt: skip

_EXACT = frozenset(squash(t) for t in TARGETS)
_SYNONYMS: dict[str, str] = {}
for _field, _words in _HEADINGS.items():
    for _word in (_field, TARGETS[_field], *_words):
        _SYNONYMS.setdefault(squash(_word), _field)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a file as the matching step shows it."""

    heading: str
    examples: tuple[str, ...]  # a few of its cells, blank ones skipped
    suggested: str | None  # a detail, LEAVE_OUT, or None: the person must choose
    by_service: bool = False  # a column of our own export the import can't set


def suggest(headings: Sequence[str]) -> list[str | None]:
    """What each column fills, going by its heading: a detail, LEAVE_OUT (a column of our
    own export that an import can't set), or None when the heading means nothing to us.

    A heading that is the detail's own name ("postcode") beats a word for it ("Post code");
    otherwise the first column wins and the others wait to be chosen.
    """
    keys = [squash(h) for h in headings]
    found: list[str | None] = [_SYNONYMS.get(k) for k in keys]
    taken: set[str] = set()
    out: list[str | None] = [None] * len(headings)
    exact = [i for i, k in enumerate(keys) if k in _EXACT]
    for i in exact + [i for i in range(len(keys)) if i not in exact]:
        target = found[i]
        if target is not None and target not in taken:
            taken.add(target)
            out[i] = target
    for i, key in enumerate(keys):
        if out[i] is None and key in SERVICE_COLUMNS:
            out[i] = LEAVE_OUT
    return out


def as_named(headings: Sequence[str]) -> bool:
    """Whether every heading names a detail exactly (or is one our export adds): a file in
    the service's own form, whose columns need no matching."""
    keys = [squash(h) for h in headings]
    return len(set(keys)) == len(keys) and all(k in _EXACT or k in SERVICE_COLUMNS for k in keys)


def describe(headings: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Column]:
    """Each column with a few example cells and its suggestion, for the matching step."""
    suggested = suggest(headings)
    columns = []
    for heading, target in zip(headings, suggested, strict=True):
        examples = []
        for row in rows:
            value = row.get(heading)
            if value is not None and str(value).strip():
                examples.append(_short(str(value).strip()))
            if len(examples) == 3:
                break
        by_service = squash(heading) in SERVICE_COLUMNS
        columns.append(Column(heading, tuple(examples), target, by_service))
    return columns


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "\u2026"


class UnmatchedColumns(DataError):
    """Columns not yet given a detail to fill (or left out), or two filling one detail."""

    def __init__(self, problems: dict[int, str]) -> None:
        self.problems = problems  # by column number (from 0): what to do about it
        super().__init__(" ".join(dict.fromkeys(problems.values())))

    def __reduce__(self) -> tuple[object, ...]:
        # Whole across the import process's boundary (the default would lose `problems`).
        return (UnmatchedColumns, (self.problems,))


def check_choices(headings: Sequence[str], chosen: Sequence[str | None]) -> dict[str, str]:
    """The detail each column fills (LEAVE_OUT for one left out), if every column has a
    choice and no detail is filled twice; else `UnmatchedColumns` saying which."""
    if len(chosen) != len(headings):
        raise ValueError("a choice is needed for every column")
    problems: dict[int, str] = {}
    first: dict[str, int] = {}
    for i, (heading, target) in enumerate(zip(headings, chosen, strict=True)):
        if target is None or (target != LEAVE_OUT and target not in TARGETS):
            problems[i] = f'Choose what the column "{heading}" fills, or leave it out.'
        elif target != LEAVE_OUT:
            if target in first:
                other = headings[first[target]]
                problems[i] = problems[first[target]] = (
                    f'The columns "{other}" and "{heading}" both fill {TARGETS[target]}: '
                    "choose one of them, and leave the other out."
                )
            first.setdefault(target, i)
    if problems:
        raise UnmatchedColumns(dict(sorted(problems.items())))
    return {h: t for h, t in zip(headings, chosen, strict=True) if t is not None}


def unmatched_words(headings: Sequence[str], chosen: Sequence[str | None]) -> str:
    """For the command line: the columns still to choose, and how (``--match``, ``--leave-out``)."""
    waiting = [h for h, t in zip(headings, chosen, strict=True) if t is None]
    names = ", ".join(f'"{h}"' for h in waiting)
    return (
        f"These columns are not matched to anything: {names}. Say what each fills with "
        '--match "HEADING=DETAIL", or leave it out with --leave-out "HEADING".'
    )


def rename(rows: Iterable[Mapping[str, Any]], matched: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows keyed by the detail each cell fills; left-out columns dropped (as chosen)."""
    keep = {h: t for h, t in matched.items() if t != LEAVE_OUT}
    return [{keep[h]: v for h, v in row.items() if h in keep} for row in rows]


def target_named(text: str) -> str | None:
    """A detail from the words for it (for ``--match``): "phone", "Phone number", "Tel"."""
    key = squash(text)
    if key in (squash(LEAVE_OUT), "leaveout", "skip", "none"):
        return LEAVE_OUT
    return _SYNONYMS.get(key)
