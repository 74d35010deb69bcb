"""UK postcode values: normalise what people type and tell a postcode from anything else."""

from __future__ import annotations

import re
from dataclasses import dataclass

from locator.errors import InvalidPostcode, UnknownPostcode

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


def squash(text: str) -> str:
    """Upper case with every space removed: the form the patterns are checked against.

    (`str.split` splits on the whitespace `\\s` matches, and is quicker than the pattern.)
    """
    return "".join(text.split()).upper()


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


@dataclass(frozen=True, slots=True, order=True)
class PostcodeSector:
    """An outward code and the first digit of the inward code, e.g. ``DE1 1``: a real unit of
    a few thousand addresses, smaller than a district."""

    value: str

    @property
    def district(self) -> PostcodeDistrict:
        return PostcodeDistrict(self.value.split(" ")[0])

    def __str__(self) -> str:
        return self.value


TypedPostcode = Postcode | PostcodeSector | PostcodeDistrict

# Postcode-shaped, looser than the Royal Mail letters: 1-2 letters, a digit, an optional
# letter or digit, then the inward code's digit and two letters.
_LOOSE = re.compile(r"^(?P<out>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<in>[0-9][A-Z]{2})$")
_SECTOR_REST = re.compile(r"^[0-9][A-Z]?$")


def read_postcode(text: str) -> TypedPostcode | None:
    """The postcode, sector or district a person typed, by one rule; None if it is none.

    A full postcode is read whatever its spacing (``de43ag``). Otherwise a space ends the
    outward code and what follows is the start of the inward code: ``DE1 1`` and ``DE4 3A``
    are the sectors DE1 1 and DE4 3, never the districts DE11 or DE43. Without a space,
    ``DE11`` is the district DE11. Area letters typed apart (``DE 1 1``) are joined first.
    Text shaped like a postcode that can't be one (``XX1 1XX``: none starts with X) raises
    `UnknownPostcode`, so it is answered as a postcode, not searched for as a place name.
    """
    s = squash(text)
    full = _FULL.match(s)
    if full is not None:
        return _postcode(full)
    tokens = text.upper().split()
    while len(tokens) > 1 and tokens[0].isalpha():
        tokens[0:2] = [tokens[0] + tokens[1]]
    if tokens and _DISTRICT.match(tokens[0]):
        rest = "".join(tokens[1:])
        if not rest:
            return PostcodeDistrict(tokens[0])
        if _SECTOR_REST.match(rest):
            return PostcodeSector(f"{tokens[0]} {rest[0]}")
    loose = _LOOSE.match(s)
    if loose is not None:
        raise UnknownPostcode(
            unknown_postcode_message(f"{loose.group('out')} {loose.group('in')}"),
            log_message="postcode-shaped text that is not a postcode",
        )
    return None


def unknown_postcode_message(shown: str) -> str:
    """What to tell a person whose postcode no data has: in easy words, and what to do."""
    return (
        f"We don't know the postcode {shown}. Check it on a letter or ask someone. "
        "Or type the name of your town or village."
    )


def parse_postcode(text: str) -> Postcode:
    """Normalise case and spacing of a full postcode; raise `InvalidPostcode` if it is not one."""
    m = _FULL.match(squash(text))
    if m is None:
        raise InvalidPostcode(_not_a_postcode(text), log_message="input is not a full postcode")
    return _postcode(m)


def _postcode(full: re.Match[str]) -> Postcode:
    """The postcode `_FULL` matched, in its written form."""
    outward, inward, gir = full.groups()
    return Postcode("GIR 0AA" if gir else f"{outward} {inward}")


def parse_typed_postcode(text: str) -> TypedPostcode:
    """`read_postcode`, but text that is no postcode raises `InvalidPostcode`."""
    found = read_postcode(text)
    if found is None:
        raise InvalidPostcode(_not_a_postcode(text), log_message="input is not a postcode")
    return found


def parse_district(text: str) -> PostcodeDistrict:
    """An outcode (``de4``, ``DE4``) in its normal form; `InvalidPostcode` if it is not one."""
    s = squash(text)
    if not _DISTRICT.match(s):
        shown = text.strip()[:20] or "nothing"
        raise InvalidPostcode(
            f'"{shown}" is not an outcode. An outcode is the first half of a postcode, like '
            "DE4 or S40.",
            log_message="input is not an outcode",
        )
    return PostcodeDistrict(s)


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
