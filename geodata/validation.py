"""Checking a place that staff enter or import, with a plain message per field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from geodata.gazetteer import Gazetteer
from geodata.postcodes import parse_postcode
from geodata.synonyms import categories_in_words, category_of, kind_of
from locator.area import ServiceArea
from locator.contact_details import InvalidEmail, InvalidPhone, normalise_email, store_phones
from locator.errors import InvalidPostcode, PlaceInvalid
from locator.hours import InvalidOpeningHours, OpeningHours
from locator.venues import LocationPrecision

_TEXT_LIMITS = {
    "name": 200, "address": 500, "accessibility_notes": 2000, "operator": 200,
}  # fmt: skip
_CONTACT_LIMITS = {
    "phone": 100, "email": 200, "website": 500, "contact_phone": 100, "contact_email": 200,
}  # fmt: skip
_REQUIRED = {
    "name": "Type the name of the place.",
    "category": "Choose what kind of place it is.",
    "postcode": "Type the postcode of the place.",
}


@dataclass(frozen=True, slots=True)
class PlaceChecker:
    """Validates place fields against the gazetteer and the service area."""

    gazetteer: Gazetteer
    area: ServiceArea | None

    def check(self, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
        """Clean values ready for the store, or `PlaceInvalid` listing every problem.

        With `partial`, only the fields given are checked (an edit); otherwise name, category
        and postcode are needed (a new place). A new postcode without coordinates places the
        venue at the postcode's centre; a location outside the service area needs
        ``outside_area_override``.
        """
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        if not partial:
            _required(data, errors)
        # In this order: the messages are listed in the order they are found.
        for check_fields in (_texts, _category, _kind, self._location, *_DETAILS):
            check_fields(data, out, errors)
        _column_sizes(out, errors)
        _storable_text(data, errors)
        if errors:
            raise PlaceInvalid(
                "Some details need fixing: see the message by each one.",
                log_message=f"invalid place fields: {', '.join(sorted(errors))}",
                field_errors=errors,
            )
        return out

    def _location(self, data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
        centre: tuple[float, float] | None = None
        if data.get("postcode"):
            centre = self._postcode(data, out, errors)
            if centre is None:
                return
        if data.get("latitude") is None and data.get("longitude") is None:
            if centre is not None:
                out.update(
                    latitude=centre[0],
                    longitude=centre[1],
                    location_precision=LocationPrecision.POSTCODE,
                )
        elif not _coordinates(data, out, errors):
            return
        if "latitude" in out and self.area is not None and not data.get("outside_area_override"):
            if not self.area.contains(out["longitude"], out["latitude"]):
                errors["postcode" if "postcode" in out else "latitude"] = (
                    "This place is outside the area we cover. If that is right, "
                    "tick 'outside the area' (outside_area_override)."
                )
        if "location_precision" in out:
            out["location_precision"] = out["location_precision"].value

    def _postcode(
        self, data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]
    ) -> tuple[float, float] | None:
        """The centre of the postcode given, or None (and an error) if it is not one we know."""
        try:
            postcode = parse_postcode(str(data["postcode"]))
        except InvalidPostcode:
            shown = str(data["postcode"]).strip()[:20]
            errors["postcode"] = f'"{shown}" is not a postcode. A postcode looks like DE4 3AG.'
            return None
        found = self.gazetteer.find(postcode)
        if found is None:
            errors["postcode"] = f"We couldn't find the postcode {postcode}. Check it."
            return None
        out["postcode"] = postcode.value
        out["local_authority_code"] = found.local_authority_code
        return (found.latitude, found.longitude)


# Each check below reads its fields from `data`, puts clean values in `out` and problems in
# `errors` (a message per field).


def _required(data: dict[str, Any], errors: dict[str, str]) -> None:
    for field, message in _REQUIRED.items():
        if not str(data.get(field) or "").strip():
            errors[field] = message


def _texts(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    for field, limit in _TEXT_LIMITS.items():
        if field in data and data[field] is not None:
            text = str(data[field]).strip()
            if len(text) > limit:
                errors[field] = f"This is too long: at most {limit} characters."
            elif field == "name" and not text:
                errors[field] = _REQUIRED["name"]
            else:
                out[field] = text


def _category(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    if data.get("category") and "category" not in errors:
        # As typed in a spreadsheet: "Library", "GP surgery", "Chemist" (geodata.synonyms).
        category = category_of(str(data["category"]))
        if category is None:
            shown = str(data["category"]).strip()[:40]
            errors["category"] = (
                f'"{shown}" is not a kind of place we know. Use one of: {categories_in_words()}.'
            )
        else:
            out["category"] = category.value


def _kind(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    if data.get("kind"):
        kind = kind_of(str(data["kind"]))
        if kind is None:
            shown = str(data["kind"]).strip()[:40]
            errors["kind"] = f'"{shown}" is neither "Safe Place" nor "Police enquiry office".'
        else:
            out["kind"] = kind.value


def _coordinates(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> bool:
    """Latitude and longitude given (at least one of them): whether they are a point in Great
    Britain, then in `out` with their precision."""
    lat, lon = data.get("latitude"), data.get("longitude")
    if lat is None or lon is None:
        errors["latitude"] = "Give both latitude and longitude, or neither."
        return False
    try:
        y, x = float(lat), float(lon)
    except (TypeError, ValueError):
        errors["latitude"] = "Latitude and longitude must be numbers."
        return False
    if not (49.8 <= y <= 60.9 and -8.7 <= x <= 1.8):
        errors["latitude"] = "This position is not in Great Britain. Check the numbers."
        return False
    # A file may say how exact its points are (an export does); else a point is exact.
    try:
        precision = LocationPrecision(str(data.get("location_precision") or "building"))
    except ValueError:
        precision = LocationPrecision.BUILDING
    out.update(latitude=y, longitude=x, location_precision=precision)
    return True


def _phone(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    # The venue's number (for the public), and its contact person's (for staff only): stored
    # in E.164 (locator.contact_details), so every page shows and dials it the same way.
    for field in ("phone", "contact_phone"):
        if field in data:
            try:
                out[field] = store_phones(str(data[field] or ""))
            except InvalidPhone as exc:
                errors[field] = str(exc)


def _email(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    for field in ("email", "contact_email"):
        if field in data:
            try:
                out[field] = normalise_email(str(data[field] or ""))
            except InvalidEmail as exc:
                errors[field] = str(exc)


def _contact_name(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    # Emptied, it is gone (None), so a form that clears the box clears the name.
    if "contact_name" in data:
        name = " ".join(str(data["contact_name"] or "").split())
        if len(name) > 200:
            errors["contact_name"] = "This is too long: at most 200 characters."
        out["contact_name"] = name or None


def _website(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    if "website" in data:
        site = (data["website"] or "").strip()
        if site and not site.startswith(("https://", "http://")):
            errors["website"] = "Type the whole web address, starting with https://."
        out["website"] = site or None


def _opening_hours(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    if "opening_hours" in data:
        text = (data["opening_hours"] or "").strip()
        try:
            hours = OpeningHours.parse(text)
            out["opening_hours"] = hours.to_text() if hours else None
        except InvalidOpeningHours as exc:
            errors["opening_hours"] = str(exc)


def _last_checked(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    if data.get("last_checked") is not None:
        try:
            value = data["last_checked"]
            # Spreadsheets and GIS files often add a time ("2026-11-01 00:00:00").
            checked = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
            if isinstance(checked, datetime):
                checked = checked.date()
            if checked > date.today():
                errors["last_checked"] = "The last check can't be in the future."
            out["last_checked"] = checked
        except ValueError:
            errors["last_checked"] = "Type a date like 2026-11-24."


def _verified(data: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    if "verified" in data:
        out["verified"] = bool(data["verified"])


def _column_sizes(out: dict[str, Any], errors: dict[str, str]) -> None:
    """The columns' sizes, said per field here rather than refused later by the database."""
    for field, limit in _CONTACT_LIMITS.items():
        value = out.get(field)
        if isinstance(value, str) and len(value) > limit and field not in errors:
            errors[field] = f"This is too long: at most {limit} characters."


def _storable_text(data: dict[str, Any], errors: dict[str, str]) -> None:
    """Text every backend can keep: PostgreSQL refuses a NUL character outright (a 500)."""
    for field, value in data.items():
        if isinstance(value, str) and "\x00" in value and field not in errors:
            errors[field] = "This has a hidden character (NUL) that can't be saved. Type it again."


_FieldCheck = Callable[[dict[str, Any], dict[str, Any], dict[str, str]], None]
# The checks after the location, in order.
_DETAILS: tuple[_FieldCheck, ...] = (
    _phone,
    _email,
    _contact_name,
    _website,
    _opening_hours,
    _last_checked,
    _verified,
)


# A reason is a sentence or two for the history, not a report.
REASON_LIMIT = 500


def check_reason(reason: str | None, *, required: bool) -> str | None:
    """The reason for a suspension, removal or restore, tidied (or `PlaceInvalid`).

    Suspending or removing a place hides it from the public, so the next officer needs to know
    why: those need a reason. Restoring may have one.
    """
    text = " ".join((reason or "").split())
    problem = None
    if required and not text:
        problem = "Say why, in a few words: for example, venue closed for refurbishment."
    elif len(text) > REASON_LIMIT:
        problem = f"The reason is too long: at most {REASON_LIMIT} characters."
    elif "\x00" in text:
        problem = "The reason has a hidden character (NUL) that can't be saved. Type it again."
    if problem:
        raise PlaceInvalid(problem, log_message="reason refused", field_errors={"reason": problem})
    return text or None
