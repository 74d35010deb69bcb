"""A place's phone numbers and email addresses: checked, stored, shown and linked one way.

Phone numbers are read with `phonenumbers` (Google's libphonenumber data, region GB) and must
be real numbers in use (`is_valid_number`), not just the right length. A phone cell holds one
or more numbers, each maybe with words in brackets after it, joined by "/":
"101 (non-emergency) / 999 (emergency)", "01629 533400 ext 12 / 01629 533401 (textphone)".

Stored form (the ``phone`` and ``contact_phone`` columns, and `Venue.phone`): each number in
E.164 ("+441629533400"), an extension after ";ext=" as RFC 3966 writes it
("+441629533400;ext=12"), a UK short service number as its digits ("101"), its words in
brackets after it, several joined by " / ". The stored text reads back as the same numbers
(`parse_phones`), so the column needs no new type and every reader can show it again.

Shown (pages, the API's ``phone``, downloads): the UK national format, "01629 533400 ext. 12".
Dialled: RFC 3966 ``tel:+44-1629-533400;ext=12``; a short number as ``tel:101``, the form
every phone dials (short numbers have no international form).

Emails are checked and normalised with `email-validator`, syntax only: no DNS look-ups (the
service may be offline, and a look-up would tell a DNS server what was typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# The columns that hold phone numbers in the stored form.
PHONE_FIELDS = ("phone", "contact_phone")
EXAMPLE_PHONE = "01629 533400"
EXAMPLE_EMAIL = "library@derbyshire.gov.uk"
_ASK_PHONE = f"Type a UK phone number, like {EXAMPLE_PHONE}."
_ASK_EMAIL = f"Type an email address, like {EXAMPLE_EMAIL}."
_UK = 44
# An extension as people write it: "ext 12", "ext. 12", "extension 12", "x12", ";ext=12".
_EXTENSION = re.compile(r"(?:;\s*ext=|\b(?:ext\.?|extension|x)\s*)(\d{1,7})\s*$", re.IGNORECASE)
# Brackets with a letter in them are words about the number; "(0)" and "(01629)" are digits.
_WORDS = re.compile(r"\(([^()]*[^\W\d_][^()]*)\)")
_LABEL_LIMIT = 60
# Relay UK's prefix before a whole number: "18001 01629 533400", "18002 +441629533400".
_RELAY = re.compile(r"^(1800[12])\s*(?=[0+(])")


class InvalidPhone(ValueError):
    """A phone number that isn't a real UK one; the message says why, in plain words."""


class InvalidEmail(ValueError):
    """Text that isn't an email address; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """One number: E.164 ("+441629533400") or a UK short number's digits ("101")."""

    number: str
    extension: str | None = None
    label: str | None = None  # the officer's words about it: "textphone", "emergency"
    # Relay UK's prefix (18001 from a textphone, 18002 from its app), dialled before the
    # national number so a text relay assistant joins the call.
    relay: str | None = None

    @property
    def short(self) -> bool:
        return not self.number.startswith("+")

    @property
    def stored(self) -> str:
        """The form the database keeps, which `parse_phones` reads back unchanged."""
        text = (f"{self.relay} " if self.relay else "") + self.number
        text += f";ext={self.extension}" if self.extension else ""
        return text + (f" ({self.label})" if self.label else "")

    @property
    def national(self) -> str:
        """As people in the UK dial it, without its extension: "01629 533400", "101"."""
        return self.number if self.short else _national(self.number)

    @property
    def dialled(self) -> str:
        """The number as people in the UK read and dial it: "01629 533400 ext. 12"."""
        text = (f"{self.relay} " if self.relay else "") + self.national
        return text + (f" ext. {self.extension}" if self.extension else "")

    @property
    def shown(self) -> str:
        return self.dialled + (f" ({self.label})" if self.label else "")

    @property
    def tel(self) -> str:
        """An RFC 3966 tel: link: "tel:+44-1629-533400;ext=12", or "tel:101". Through Relay
        UK, the prefix and the national number, as a phone in the UK dials them."""
        if self.relay:
            return "tel:" + self.relay + re.sub(r"\D", "", self.national)
        if self.short:
            return f"tel:{self.number}"
        return _rfc3966(self.number) + (f";ext={self.extension}" if self.extension else "")


# Cached: a results page shows the same few hundred numbers again and again.
@lru_cache(maxsize=4096)
def _national(e164: str) -> str:
    import phonenumbers

    parsed = phonenumbers.parse(e164)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


@lru_cache(maxsize=4096)
def _rfc3966(e164: str) -> str:
    import phonenumbers

    parsed = phonenumbers.parse(e164)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.RFC3966)


def parse_phones(text: str | None) -> tuple[PhoneNumber, ...]:
    """The numbers in a phone cell, typed or stored (empty: none), or `InvalidPhone`.

    Each number must be a real UK number in use, or a UK short service number (101, 111,
    999, 116 123...). Words go in brackets after a number ("(textphone)"); other letters are
    refused, so "ask at the desk" or a letter O for a zero is caught.
    """
    parts = _split(text or "")
    return tuple(_one_number(part) for part in parts)


def store_phones(text: str | None) -> str | None:
    """The stored form of a phone cell (None when empty), or `InvalidPhone`."""
    numbers = parse_phones(text)
    return " / ".join(n.stored for n in numbers) or None


@lru_cache(maxsize=4096)
def read_phones(stored: str | None) -> tuple[PhoneNumber, ...] | None:
    """The numbers of a stored cell; None when it holds text that isn't a real number (kept
    as it was typed, for an officer to fix). Cached: pages show the same few hundred."""
    try:
        return parse_phones(stored)
    except InvalidPhone:
        return None


@lru_cache(maxsize=4096)
def shown_phones(stored: str | None) -> str | None:
    """A stored cell as people read it: "01629 533400 / 101 (non-emergency)"; text that
    isn't a real number is shown as it was typed."""
    numbers = read_phones(stored)
    if numbers is None:
        return (stored or "").strip() or None
    return " / ".join(n.shown for n in numbers) or None


def phone_links(stored: str | None) -> list[tuple[str, str]]:
    """(what to show, tel: link) per number: "101 (non-emergency) / 999 (emergency)" gives two
    links, so nobody in an emergency taps a link that dials the non-emergency line. Text that
    isn't a real number gets no link: it would dial nobody."""
    return list(_links(stored))


@lru_cache(maxsize=4096)
def _links(stored: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((n.shown, n.tel) for n in read_phones(stored) or ())


def warm() -> None:
    """Load libphonenumber and its UK data now (a server's warm-up, in the background): the
    first page showing a number would otherwise wait about a tenth of a second for them."""
    for number in parse_phones(f"{EXAMPLE_PHONE} / 101"):
        _ = (number.shown, number.tel)


@lru_cache(maxsize=4096)
def phone_problem(stored: str | None) -> str | None:
    """Why a stored cell isn't a real number (None when it is, or is empty)."""
    try:
        parse_phones(stored)
    except InvalidPhone as exc:
        return str(exc)
    return None


def _split(text: str) -> list[str]:
    """The cell's numbers: split at "/" outside brackets ("(24/7)" stays whole)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "/" and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    cleaned = [part.strip() for part in parts]
    if len(cleaned) > 1 and not all(cleaned):
        raise InvalidPhone(f'"{text.strip()}" has a "/" with no number on one side. {_ASK_PHONE}')
    return [part for part in cleaned if part]


def _one_number(typed: str) -> PhoneNumber:
    labels = [" ".join(w.split()) for w in _WORDS.findall(typed)]
    label = "; ".join(labels) or None
    if label is not None and len(label) > _LABEL_LIMIT:
        raise InvalidPhone(f"The words in brackets after {typed[:30]} are too long (at most 60).")
    rest = _WORDS.sub(" ", typed).strip()
    relay = None
    prefixed = _RELAY.match(rest)
    if prefixed:
        relay, rest = prefixed.group(1), rest[prefixed.end() :]
    extension = None
    found = _EXTENSION.search(rest)
    if found:
        extension, rest = found.group(1), rest[: found.start()].strip()
    if re.search(r"[^\W\d_]", rest):
        raise InvalidPhone(
            f'"{typed}" has letters in it. {_ASK_PHONE} '
            "Put words in brackets after the number, like 01629 533400 (textphone)."
        )
    digits = re.sub(r"\D", "", rest)
    if not digits:
        raise InvalidPhone(f'"{typed}" has no phone number in it. {_ASK_PHONE}')
    if not rest.lstrip().startswith(("+", "0", "(")) and extension is None and relay is None:
        short = _short_number(digits)
        if short:
            return PhoneNumber(short, None, label)
    return PhoneNumber(_e164(rest, typed), extension, label, relay)


def _short_number(digits: str) -> str | None:
    """A UK short service number's digits (101, 111, 999, 116 123), or None."""
    if not 3 <= len(digits) <= 6:
        return None
    import phonenumbers
    from phonenumbers import shortnumberinfo

    parsed = phonenumbers.parse(digits, "GB")
    return digits if shortnumberinfo.is_valid_short_number_for_region(parsed, "GB") else None


def _e164(number: str, typed: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f'"{typed}" is not a phone number. {_ASK_PHONE}') from None
    if parsed.country_code != _UK:
        raise InvalidPhone(
            f'"{typed}" is not a UK phone number: it starts +{parsed.country_code}, the code '
            f"of another country. {_ASK_PHONE}"
        )
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(f'"{typed}" is not a real UK phone number: {_why(parsed)}. {_ASK_PHONE}')
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _why(parsed: object) -> str:
    """Why a well-formed number is not a real one, the way a person would check it."""
    import phonenumbers

    assert isinstance(parsed, phonenumbers.PhoneNumber)
    national = "0" + str(parsed.national_number) if parsed.national_number else "0"
    if any(_valid_gb(national + d) for d in "0123456789"):
        return "it has a digit missing"
    if len(national) > 3 and _valid_gb(national[:-1]):
        return "it has a digit too many"
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        return "it is too short"
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return "it is too long"
    return "no UK phone numbers like it are in use"


def _valid_gb(national: str) -> bool:
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(national, "GB"))
    except phonenumbers.NumberParseException:
        return False


def normalise_email(text: str | None) -> str | None:
    """An email address in its normal form (the domain in lower case; None when empty), or
    `InvalidEmail` saying what is wrong. Syntax only: never a DNS look-up."""
    typed = (text or "").strip()
    if not typed:
        return None
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(typed, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        shown = typed if len(typed) <= 60 else typed[:57] + "..."
        raise InvalidEmail(f'"{shown}" is not an email address: {exc} {_ASK_EMAIL}') from None


@lru_cache(maxsize=4096)
def email_problem(stored: str | None) -> str | None:
    """Why a stored email isn't an address (None when it is, or is empty)."""
    try:
        normalise_email(stored)
    except InvalidEmail as exc:
        return str(exc)
    return None
