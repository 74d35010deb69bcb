"""UK postcode values: normalise what people type and tell a postcode from anything else."""

from __future__ import annotations

import re
from dataclasses import dataclass

from locator.errors import InvalidPostcode

# The outward code (area + district) forms: A9, A99, AA9, AA99, A9A, AA9A. Letters follow the
# Royal Mail rules (no Q, V, X first; no I, J, Z second) so typos like "DZ1" are refused.
_A1 = "[A-PR-UWYZ]"
_A2 = "[A-HK-Y]"
_OUTWARD = (
    rf"(?:{_A1}[0-9]{{1,2}}|{_A1}{_A2}[0-9]{{1,2}}"
    rf"|{_A1}[0-9][A-HJKPSTUW]|{_A1}{_A2}[0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_FULL = re.compile(rf"^(?:(?P<out>{_OUTWARD})(?P<in>{_INWARD})|(?P<gir>GIR0AA))$")
_DISTRICT = re.compile(rf"^{_OUTWARD}$")
_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Upper case with every space removed: the form the patterns are checked against."""
    return _SPACES.sub("", text).upper()


@dataclass(frozen=True, slots=True, order=True)
class Postcode:
    """A full postcode in its normal written form, e.g. ``DE1 1AA``."""

    value: str

    @property
    def outward(self) -> str:
        return self.value.split(" ")[0]

    @property
    def district(self) -> PostcodeDistrict:
        return PostcodeDistrict(self.outward)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, order=True)
class PostcodeDistrict:
    """The first half of a postcode, e.g. ``DE4``."""

    value: str

    def __str__(self) -> str:
        return self.value


def looks_like_postcode(text: str) -> bool:
    """True when the text is shaped like a full postcode or a postcode district."""
    s = squash(text)
    return bool(_FULL.match(s) or _DISTRICT.match(s))


_PARTIAL = re.compile(rf"^\s*({_OUTWARD})\s+[0-9][A-Z]?\s*$")


def partial_postcode(text: str) -> PostcodeDistrict | None:
    """The district of a postcode typed without its last letters ("DE4 3A"), else None."""
    m = _PARTIAL.match(text.upper())
    return PostcodeDistrict(m.group(1)) if m else None


def parse_postcode(text: str) -> Postcode:
    """Normalise case and spacing of a full postcode; raise `InvalidPostcode` if it is not one."""
    s = squash(text)
    m = _FULL.match(s)
    if m is None:
        raise InvalidPostcode(_not_a_postcode(text), log_message="input is not a full postcode")
    if m.group("gir"):
        return Postcode("GIR 0AA")
    return Postcode(f"{m.group('out')} {m.group('in')}")


def parse_postcode_or_district(text: str) -> Postcode | PostcodeDistrict:
    """A full postcode, or a district alone (``DE4``); raise `InvalidPostcode` for anything else."""
    s = squash(text)
    if _DISTRICT.match(s):
        return PostcodeDistrict(s)
    return parse_postcode(text)


def _not_a_postcode(text: str) -> str:
    shown = text.strip()
    if not shown:
        return "Please type a postcode, like DE4 3AG."
    if len(shown) > 20:
        shown = shown[:20] + "…"
    return (
        f'"{shown}" is not a postcode. A postcode looks like DE4 3AG. '
        "Please check it and try again."
    )
