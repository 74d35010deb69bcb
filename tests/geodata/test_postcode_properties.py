"""Properties of reading postcodes: the printed form reads back as itself, reading is
idempotent, and spacing and case never change a full postcode."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from verify_budget import examples

from geodata.postcodes import (
    Postcode,
    PostcodeDistrict,
    PostcodeSector,
    TypedPostcode,
    looks_like_postcode,
    parse_postcode,
    read_postcode,
)
from locator.errors import UnknownPostcode

BUDGET = settings(max_examples=examples(200))

# Full postcodes by the Royal Mail shapes (independent of the module's own patterns).
_A1 = "ABCDEFGHIJKLMNOPRSTUWYZ"
_A2 = "ABCDEFGHKLMNOPQRSTUVWXY"
_A3 = "ABCDEFGHJKPSTUW"
_A4 = "ABEHMNPRVWXY"
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
DIGIT = st.sampled_from("0123456789")


def _letter(pool: str) -> st.SearchStrategy[str]:
    return st.sampled_from(pool)


OUTWARD = st.one_of(
    st.tuples(_letter(_A1), DIGIT),
    st.tuples(_letter(_A1), DIGIT, DIGIT),
    st.tuples(_letter(_A1), _letter(_A2), DIGIT),
    st.tuples(_letter(_A1), _letter(_A2), DIGIT, DIGIT),
    st.tuples(_letter(_A1), DIGIT, _letter(_A3)),
    st.tuples(_letter(_A1), _letter(_A2), DIGIT, _letter(_A4)),
).map("".join)
INWARD = st.tuples(DIGIT, _letter(_INWARD_LETTERS), _letter(_INWARD_LETTERS)).map("".join)
FULL = st.tuples(OUTWARD, INWARD).map(" ".join)
SPACES = st.text(alphabet=" \t\u00a0", max_size=3)

# Postcode-ish text: the characters people type into the box, in any order.
TYPED = st.text(alphabet="ABDEGHJKLMNSWXYZadegsx0123456789 \t-.", max_size=12) | st.text(
    max_size=12
)


@st.composite
def typed_as(draw: st.DrawFn, postcode: str) -> str:
    """The postcode as someone might type it: any case, spaces anywhere or nowhere."""
    chars = [c for c in postcode if c != " "]
    cased = [c.lower() if draw(st.booleans()) else c for c in chars]
    return draw(SPACES) + "".join(c + draw(SPACES) for c in cased)


def _read(text: str) -> TypedPostcode | UnknownPostcode | None:
    try:
        return read_postcode(text)
    except UnknownPostcode as exc:
        return exc


@BUDGET
@given(st.data())
def test_a_full_postcode_reads_the_same_however_it_is_typed(data: st.DataObject) -> None:
    postcode = data.draw(FULL)
    typed = data.draw(typed_as(postcode))
    assert parse_postcode(typed) == Postcode(postcode)
    assert read_postcode(typed) == Postcode(postcode)
    assert looks_like_postcode(typed)


@BUDGET
@given(FULL)
def test_parsing_is_idempotent_and_accepts_what_it_prints(postcode: str) -> None:
    once = parse_postcode(postcode)
    assert parse_postcode(str(once)) == once
    assert str(once) == postcode  # already the normal form: one space before the inward code


@BUDGET
@given(TYPED)
def test_reading_accepts_what_it_prints(text: str) -> None:
    found = _read(text)
    if isinstance(found, Postcode | PostcodeSector | PostcodeDistrict):
        assert read_postcode(str(found)) == found
        assert read_postcode(str(found).lower()) == found
        assert str(found) == str(found).strip().upper()
    elif isinstance(found, UnknownPostcode):
        # Postcode-shaped text is read as a postcode every time, never as a place name.
        assert isinstance(_read(text.upper()), UnknownPostcode)


@BUDGET
@given(OUTWARD, DIGIT, st.sampled_from(["", *_INWARD_LETTERS]))
def test_a_space_ends_the_outward_code(outward: str, digit: str, letter: str) -> None:
    # "DE1 1" and "DE1 1A" are the sector DE1 1, never the district DE11.
    sector = PostcodeSector(f"{outward} {digit}")
    assert read_postcode(f"{outward} {digit}{letter}") == sector
    assert read_postcode(str(sector)) == sector
    assert read_postcode(outward) == PostcodeDistrict(outward)
