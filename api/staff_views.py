"""What the staff pages show, in staff's words: the place form's fields, values as people
read them (not codes), the history in words, and what a form post changed.

Plain functions of domain objects and form text: the routers only call them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from geodata.history import Change
from geodata.rows import PlaceRow
from geodata.uploads import ShownPlan
from locator.contact_details import PHONE_FIELDS, shown_phones
from locator.hours import LONDON, OpeningHours
from locator.venues import Category, Kind, LocationPrecision, Status, Venue

STATUS_WORDS = {
    Status.DRAFT: "Draft (the public can't see it yet)",
    Status.ACTIVE: "Active (the public can see it)",
    Status.SUSPENDED: "Suspended (hidden for now)",
    Status.REMOVED: "Removed (can be restored)",
}
KIND_WORDS = {
    Kind.SAFE_PLACE: "Safe Place",
    Kind.POLICE_ENQUIRY_OFFICE: "Police station front desk",
}


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    kind: str = "text"
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()


# Several numbers are kept apart by "/", and words about one go in brackets after it.
PHONE_HINT = "For example, 01629 533400 or 01629 533400 ext 12. Put / between numbers."

FORM_FIELDS = (
    FormField("name", "Name of the place"),
    FormField(
        "category",
        "What kind of place it is",
        "select",
        # No kind is chosen for the person: an unchosen one is an error, not a library.
        options=(("", "Choose one"), *((c.value, c.label) for c in Category)),
    ),
    FormField("address", "Address", hint="Without the postcode."),
    FormField("postcode", "Postcode", hint="The pin goes to the middle of the postcode."),
    FormField("phone", "Phone number", "tel", hint=PHONE_HINT),
    FormField("email", "Email address", "email"),
    FormField("website", "Website", "url", hint="Starting with https://"),
    FormField(
        "opening_hours",
        "Opening times",
        "textarea",
        hint="One line for each day or days with the same times, for example "
        "Mon-Fri 09:00-17:00 then Sat 09:00-12:30 on the next line. "
        "Days not listed are closed, and so are bank holidays unless you add a line like "
        "Bank holidays 10:00-16:00 or Bank holidays as usual. "
        "OpenStreetMap opening hours work too, like Mo-Fr 09:00-17:00; PH off. "
        "Leave empty if not known.",
    ),
    FormField("accessibility_notes", "Access notes", "textarea"),
    FormField("last_checked", "Date of the last yearly check", "date"),
    FormField(
        "external_ref",
        "Reference",
        hint="Your own reference for this place, as in your spreadsheets (for example "
        "MAT-001): an import matches places on it. Leave it empty and we make one.",
    ),
    FormField(
        "contact_name",
        "Contact person at the venue",
        hint="Who answers the yearly check. Only staff see the contact's details: the public "
        "never do.",
    ),
    FormField("contact_email", "Contact's email address", "email"),
    FormField("contact_phone", "Contact's phone number", "tel", hint=PHONE_HINT),
)
STATUS_ACTIONS = {
    "suspend": (Status.SUSPENDED, "Suspend (hide from the public for now)"),
    "remove": (Status.REMOVED, "Remove"),
    "restore": (Status.ACTIVE, "Restore (show to the public again)"),
}


@dataclass(frozen=True, slots=True)
class StatusQuestion:
    """The page that asks before hiding a place, and for the reason."""

    title: str  # with {name}
    explain: str
    label: str
    button: str


STATUS_QUESTIONS = {
    "suspend": StatusQuestion(
        "Suspend {name}?",
        "The public won't see this place until someone restores it. Use this when it is "
        "closed for a while, or you are waiting to hear from the venue.",
        "Why are you suspending it?",
        "Suspend this place",
    ),
    "remove": StatusQuestion(
        "Remove {name}?",
        "The public will not see this place any more. You can restore it later from its page.",
        "Why are you removing it?",
        "Yes, remove it",
    ),
}
REASON_HINT = (
    "For example: venue closed for refurbishment until March. It is kept in the place's "
    "history, with your name."
)
DONE = {
    "1": "Saved.",
    "checked": "Checked today: the yearly check is recorded in the history, with your name.",
    "suspend": "Suspended: the public can't see this place now.",
    "remove": "Removed: the public can't see this place. You can restore it.",
    "restore": "Restored: the public can see this place again.",
}


PRECISION_WORDS = {
    "building": "at the building",
    "postcode": "at the middle of the postcode",
    "street": "on the street",
    "locality": "in the area (approximate)",
    "town": "in the town (approximate)",
}


VALUE_WORDS = {
    "category": {c.value: c.label for c in Category},
    "kind": {k.value: w for k, w in KIND_WORDS.items()},
    "status": {st.value: w.split(" (")[0] for st, w in STATUS_WORDS.items()},
    "location_precision": PRECISION_WORDS,
}


def shown(field: str, value: Any, separator: str = "; ") -> Any:
    """A stored value as staff read it: words, not codes. Opening hours are stored listing
    every day; people read (and edit) days with the same times together."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    words = VALUE_WORDS.get(field)
    if words is not None and isinstance(value, str):
        return words.get(value, value)
    if field in PHONE_FIELDS and isinstance(value, str):
        return shown_phones(value)  # stored in E.164; read as dialled in the UK
    if field == "opening_hours" and isinstance(value, str):
        try:
            hours = OpeningHours.parse(value)
        except ValueError:
            return value
        return separator.join(hours.to_lines()) if hours else value
    return value


def row_values(row: PlaceRow | None) -> dict[str, str]:
    if row is None:
        return {}
    return form_values({f.name: getattr(row, f.name) for f in FORM_FIELDS})


def form_values(fields: dict[str, Any]) -> dict[str, str]:
    """Stored values as the form shows them (text; hours as grouped lines)."""
    return {f.name: _form_value(f, fields.get(f.name)) for f in FORM_FIELDS}


def _form_value(field: FormField, value: Any) -> str:
    if value is None:
        return ""
    if field.kind == "select":
        return str(value)  # the option's value ("library"), so the place's own is chosen
    return str(shown(field.name, value, "\n"))


PREVIEWED = "The map below shows where the pin would go. Nothing is saved yet."


def preview_venue(row: PlaceRow | None, fields: dict[str, Any]) -> Venue:
    """The place as it would be with these fields, for the map preview only."""
    base = row.to_venue() if row is not None else None
    name = fields.get("name") or (base.name if base else "New place")
    category = fields.get("category") or (base.category.value if base else "other")
    latitude = fields.get("latitude", base.latitude if base else 0.0)
    longitude = fields.get("longitude", base.longitude if base else 0.0)
    precision = fields.get("location_precision") or (
        base.location_precision.value if base else LocationPrecision.POSTCODE.value
    )
    return Venue(
        id=base.id if base else "preview",
        name=str(name),
        kind=base.kind if base else Kind.SAFE_PLACE,
        category=Category(category),
        address=str(fields.get("address") or (base.address if base else "")),
        postcode=fields.get("postcode") or (base.postcode if base else None),
        latitude=float(latitude),
        longitude=float(longitude),
        location_precision=LocationPrecision(precision),
    )


# History in words: field and action names as staff know them.
FIELD_LABELS = {
    "kind": "Kind",
    "status": "Status",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "location_precision": "How exact the pin is",
    "local_authority_code": "Area (local authority)",
    "verified": "Confirmed as a Safe Place",
    "verification_note": "How we know",
    "operator": "Run by",
    "external_ref": "Reference",
}
ACTOR_WORDS = {"seed": "the open data, on first start", "system": "the service"}
ACTION_WORDS = {
    "create": "added",
    "update": "changed",
    "activate": "restored",
    "suspend": "suspended",
    "remove": "removed",
    "make draft": "made a draft",
    "import": "imported",
    "check": "checked",
}


def aware_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def who(actor: str, names: Mapping[str, str]) -> str:
    """The person behind a recorded change: their account's name, else what was recorded (an
    email address, once the account has gone)."""
    return ACTOR_WORDS.get(actor) or names.get(actor) or actor


# What a lifecycle change says, before its reason.
ACTION_SENTENCES = {
    "suspend": "Suspended",
    "remove": "Removed",
    "activate": "Restored: the public can see it again",
    "make draft": "Made a draft",
    "check": "Yearly check done",
}


def said(
    change: Change, labels: Mapping[str, str], area_name: Callable[[str | None], str]
) -> list[str]:
    """A change in sentences: "Suspended: venue closed for refurbishment.", "Phone number
    changed from 01629 000000 to 01629 533400." A new place's fields are listed, not said."""
    if change.action in ("create", "import") and all(b is None for b, _ in change.fields.values()):
        return []
    sentences = []
    opening = ACTION_SENTENCES.get(change.action)
    if opening is not None:
        sentences.append(f"{opening}: {change.note}." if change.note else f"{opening}.")
    elif change.action.startswith("restore to version"):
        sentences.append(f"Put back as it was in {change.action.removeprefix('restore to ')}.")
    for field, (before, after) in change.fields.items():
        if field == "status" or (change.action == "check" and field == "last_checked"):
            continue  # the opening says it
        label = labels.get(field, field)
        old, new = (_said_value(field, v, area_name) for v in (before, after))
        if before is None:
            sentences.append(f"{label} added: {new}.")
        elif after is None:
            sentences.append(f"{label} taken out (it was {old}).")
        else:
            sentences.append(f"{label} changed from {old} to {new}.")
    return sentences


def _said_value(field: str, value: Any, area_name: Callable[[str | None], str]) -> str:
    if field == "local_authority_code" and isinstance(value, str):
        return area_name(value)
    if field == "last_checked" and isinstance(value, str):
        return long_date(date.fromisoformat(value))
    return str(shown(field, value))


def long_date(day: date) -> str:
    """ "2 December 2026", as people write a date."""
    return f"{day.day} {day:%B %Y}"


def history_rows(
    history: list[Change],
    names: Mapping[str, str] | None = None,
    area_name: Callable[[str | None], str] = lambda code: code or "not known",
) -> list[dict[str, Any]]:
    """A place's changes, newest first: who (by name, from `names`: email to name), when,
    what in sentences, and each field (in the form's order) in words."""
    labels = {f.name: f.label for f in FORM_FIELDS} | FIELD_LABELS
    order = {name: i for i, name in enumerate([f.name for f in FORM_FIELDS] + list(FIELD_LABELS))}

    def value(field: str, raw: Any) -> Any:
        return area_name(raw) if field == "local_authority_code" and raw else shown(field, raw)

    return [
        {
            "version": c.version,
            "actor": who(c.actor, names or {}),
            "at": aware_utc(c.at).astimezone(LONDON),
            "action": ACTION_WORDS.get(c.action, c.action),
            "said": said(c, labels, area_name),
            # In the form's order, so a new place's long list reads like the form.
            "fields": [
                (labels.get(k, k), value(k, v[0]), value(k, v[1]))
                for k, v in sorted(c.fields.items(), key=lambda kv: order.get(kv[0], 99))
            ],
        }
        for c in reversed(history)
    ]


def new_place_data(posted: dict[str, str]) -> dict[str, Any]:
    """A new place's fields from the form (an empty box is no value)."""
    data: dict[str, Any] = {f.name: posted.get(f.name, "") or None for f in FORM_FIELDS}
    data["outside_area_override"] = posted.get("outside_area_override") == "true"
    return data


def changed_fields(posted: dict[str, str], loaded: dict[str, str]) -> dict[str, Any]:
    """What this person changed: the boxes that differ from the form they were given."""
    changed: dict[str, Any] = {
        f.name: posted.get(f.name, "") or None
        for f in FORM_FIELDS
        if posted.get(f.name, "") != loaded.get(f.name, "")
    }
    if changed:
        changed["outside_area_override"] = posted.get("outside_area_override") == "true"
    return changed


@dataclass(frozen=True, slots=True)
class Clash:
    """Someone else saved first: the form to show again, and what to say."""

    values: dict[str, str]
    message: str


def clash(
    now: PlaceRow, loaded: dict[str, str], posted: dict[str, str], changed: dict[str, Any]
) -> Clash:
    """Nothing is lost: the place as it is now with this person's changes on top, to check
    and save again (against the version that is now current)."""
    current = row_values(now)
    labels = {f.name: f.label.lower() for f in FORM_FIELDS}
    theirs = [k for k in current if current[k] != loaded.get(k, "")]
    both = [k for k in theirs if k in changed and current[k] != posted.get(k, "")]
    mine = {k: posted.get(k, "") for k in changed if k in current}
    message = "Someone else changed this place while you were editing it"
    if theirs:
        message += f" ({', '.join(labels[k] for k in theirs)})"
    message += ". Your changes are still in the form, on top of theirs: check them and save again."
    if both:
        message += (
            f" You both changed the {', '.join(labels[k] for k in both)}: the form has yours; "
            "theirs is in the history."
        )
    return Clash(current | mine, message)


def error_rows_words(plan: ShownPlan) -> str:
    """The rows with errors as Excel numbers them (the headings are row 1): "row 4",
    "rows 4 and 9", "rows 4, 5 and 9"; many are "the 12 rows with errors"."""
    if plan.error_count > 10 or plan.error_count > len(plan.errors):
        return f"the {plan.error_count} rows with errors"
    rows = [str(e.row + 1) for e in plan.errors]
    if len(rows) == 1:
        return f"row {rows[0]}"
    return f"rows {', '.join(rows[:-1])} and {rows[-1]}"
