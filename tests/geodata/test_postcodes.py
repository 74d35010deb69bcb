import pytest

from geodata.postcodes import (
    Postcode,
    PostcodeDistrict,
    PostcodeSector,
    TypedPostcode,
    looks_like_postcode,
    parse_postcode,
    parse_typed_postcode,
    read_postcode,
)
from locator.errors import InvalidPostcode, UnknownPostcode


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("DE4 3AG", "DE4 3AG"),
        ("de4 3ag", "DE4 3AG"),
        ("DE43AG", "DE4 3AG"),
        ("  de4   3ag  ", "DE4 3AG"),
        ("De4\t3aG", "DE4 3AG"),
        ("D E 4 3 A G", "DE4 3AG"),
        ("DE55 7BQ", "DE55 7BQ"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A1BB", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("gir0aa", "GIR 0AA"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_full_postcodes_are_normalised(typed: str, normal: str) -> None:
    assert parse_postcode(typed) == Postcode(normal)
    assert looks_like_postcode(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "hello",
        "Matlock",
        "DE4 3A",  # inward too short
        "DE4 3AGX",
        "QE4 3AG",  # Q never starts a postcode
        "DE4 3CI",  # C and I never appear in the inward letters
        "DE4 AAG",  # inward must start with a digit
        "123 456",
        "DE4-3AG",
        "<script>",
    ],
)
def test_not_a_postcode(typed: str) -> None:
    with pytest.raises(InvalidPostcode) as err:
        parse_postcode(typed)
    assert "postcode" in err.value.user_message.lower()


def test_error_message_says_what_to_do() -> None:
    with pytest.raises(InvalidPostcode) as err:
        parse_postcode("hello")
    assert err.value.user_message == (
        '"hello" is not a postcode. A postcode looks like DE4 3AG. Please check it and try again.'
    )
    with pytest.raises(InvalidPostcode) as err:
        parse_postcode("")
    assert err.value.user_message == "Please type a postcode, like DE4 3AG."


def test_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidPostcode) as err:
        parse_postcode("x" * 500)
    assert len(err.value.user_message) < 120


@pytest.mark.parametrize(
    ("typed", "district"), [("DE4", "DE4"), ("de4", "DE4"), (" s40 ", "S40"), ("SW1A", "SW1A")]
)
def test_district_alone(typed: str, district: str) -> None:
    assert parse_typed_postcode(typed) == PostcodeDistrict(district)


def test_full_postcode_is_not_mistaken_for_a_district() -> None:
    parsed = parse_typed_postcode("de43ag")
    assert parsed == Postcode("DE4 3AG")
    assert isinstance(parsed, Postcode)
    assert parsed.district == PostcodeDistrict("DE4")
    assert parsed.outward == "DE4"


def test_place_names_do_not_look_like_postcodes() -> None:
    for name in ["Matlock", "Chapel-en-le-Frith", "Pear Tree", "Derby", "Ripley"]:
        assert not looks_like_postcode(name)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # A space ends the outward code: what follows starts the inward code (a sector).
        ("DE1 1", PostcodeSector("DE1 1")),
        ("de1 1", PostcodeSector("DE1 1")),
        ("DE7 5", PostcodeSector("DE7 5")),
        ("DE5 5", PostcodeSector("DE5 5")),
        ("S4 4", PostcodeSector("S4 4")),
        ("DE4 3A", PostcodeSector("DE4 3")),
        ("  de4   3a ", PostcodeSector("DE4 3")),
        ("DE 1 1", PostcodeSector("DE1 1")),  # area letters typed apart are joined first
        ("SW1A 1", PostcodeSector("SW1A 1")),
        # Without a space, the district it spells.
        ("DE11", PostcodeDistrict("DE11")),
        ("DE75", PostcodeDistrict("DE75")),
        ("DE55", PostcodeDistrict("DE55")),
        ("S44", PostcodeDistrict("S44")),
        ("DE 4", PostcodeDistrict("DE4")),
        # A full postcode, however spaced.
        ("DE4 3AG", Postcode("DE4 3AG")),
        ("de43ag", Postcode("DE4 3AG")),
        ("DE43 AG", Postcode("DE4 3AG")),
        # Not postcodes at all.
        ("Matlock", None),
        ("Chapel-en-le-Frith", None),
        ("DE4 3AGX", None),
        ("DE4 AAG", None),
        ("123 456", None),
        ("XX1", None),
    ],
)
def test_one_rule_for_what_was_typed(typed: str, read: TypedPostcode | None) -> None:
    assert read_postcode(typed) == read


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("XX1 1XX", "XX1 1XX"), ("xx11xx", "XX1 1XX"), ("QE4 3AG", "QE4 3AG"), ("DE4 3CI", "DE4 3CI")],
)
def test_postcode_shaped_text_is_answered_as_a_postcode(typed: str, shown: str) -> None:
    for read in (read_postcode, parse_typed_postcode):
        with pytest.raises(UnknownPostcode) as err:
            read(typed)
        assert err.value.user_message == (
            f"We don't know the postcode {shown}. Check it on a letter or ask someone. "
            "Or type the name of your town or village."
        )


def test_text_that_is_no_postcode_is_invalid() -> None:
    with pytest.raises(InvalidPostcode) as err:
        parse_typed_postcode("banana")
    assert err.value.user_message.startswith('"banana" is not a postcode.')


def test_a_sector_knows_its_district() -> None:
    assert PostcodeSector("DE1 1").district == PostcodeDistrict("DE1")
    assert str(PostcodeSector("SW1A 1")) == "SW1A 1"
