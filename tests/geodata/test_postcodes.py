import pytest

from geodata.postcodes import (
    Postcode,
    PostcodeDistrict,
    looks_like_postcode,
    parse_postcode,
    parse_postcode_or_district,
)
from locator.errors import InvalidPostcode


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
    assert parse_postcode_or_district(typed) == PostcodeDistrict(district)


def test_full_postcode_is_not_mistaken_for_a_district() -> None:
    parsed = parse_postcode_or_district("de43ag")
    assert parsed == Postcode("DE4 3AG")
    assert isinstance(parsed, Postcode)
    assert parsed.district == PostcodeDistrict("DE4")
    assert parsed.outward == "DE4"


def test_place_names_do_not_look_like_postcodes() -> None:
    for name in ["Matlock", "Chapel-en-le-Frith", "Pear Tree", "Derby", "Ripley"]:
        assert not looks_like_postcode(name)


def test_partial_postcode_gives_its_district() -> None:
    from geodata.postcodes import partial_postcode

    assert partial_postcode("DE4 3A") == PostcodeDistrict("DE4")
    assert partial_postcode("de4 3") == PostcodeDistrict("DE4")
    assert partial_postcode("DE4 3AG") is None
    assert partial_postcode("Matlock") is None
