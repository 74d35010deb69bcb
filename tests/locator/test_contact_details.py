"""Phone numbers and emails: checked as real, stored in E.164, shown as dialled in the UK."""

from __future__ import annotations

import pytest

from locator.contact_details import (
    InvalidEmail,
    InvalidPhone,
    PhoneNumber,
    email_problem,
    normalise_email,
    parse_phones,
    phone_links,
    phone_problem,
    read_phones,
    shown_phones,
    store_phones,
)


@pytest.mark.parametrize(
    ("typed", "stored", "shown", "tel"),
    [
        ("01629 533400", "+441629533400", "01629 533400", "tel:+44-1629-533400"),
        ("0044 1629 533400", "+441629533400", "01629 533400", "tel:+44-1629-533400"),
        ("+44 (0)1629 533400", "+441629533400", "01629 533400", "tel:+44-1629-533400"),
        ("(01629) 533400", "+441629533400", "01629 533400", "tel:+44-1629-533400"),
        ("01629-533-400", "+441629533400", "01629 533400", "tel:+44-1629-533400"),
        (
            "01629 533400 ext 12",
            "+441629533400;ext=12",
            "01629 533400 ext. 12",
            "tel:+44-1629-533400;ext=12",
        ),
        ("01629 533400 x 7", "+441629533400;ext=7", "01629 533400 ext. 7", None),
        ("01629533400 extension 345", "+441629533400;ext=345", "01629 533400 ext. 345", None),
        ("07911 123456", "+447911123456", "07911 123456", "tel:+44-7911-123456"),
        ("0800 123 4567", "+448001234567", "0800 123 4567", "tel:+44-800-123-4567"),
        ("0345 6058058", "+443456058058", "0345 605 8058", "tel:+44-345-605-8058"),
        ("020 7946 1234", "+442079461234", "020 7946 1234", "tel:+44-20-7946-1234"),
        # Excel took the 0 off: the number is still the one meant.
        ("1629533400", "+441629533400", "01629 533400", "tel:+44-1629-533400"),
        ("999", "999", "999", "tel:999"),
        ("111", "111", "111", "tel:111"),
        ("101", "101", "101", "tel:101"),
        ("116 123", "116123", "116123", "tel:116123"),
    ],
)
def test_a_real_uk_number_is_stored_in_e164_and_shown_as_dialled(
    typed: str, stored: str, shown: str, tel: str | None
) -> None:
    assert store_phones(typed) == stored
    # The stored form reads back as the same number, whoever reads it.
    assert store_phones(stored) == stored
    assert shown_phones(stored) == shown
    (number,) = parse_phones(stored)
    assert number.shown == shown
    if tel is not None:
        assert number.tel == tel


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("00000000000", "no UK phone numbers like it are in use"),
        ("0999999999", "no UK phone numbers like it are in use"),
        ("0345 029633", "it has a digit missing"),
        ("016295334000", "it has a digit too many"),
        # Ofcom keeps 07700 900xxx for TV and films: no phone answers it.
        ("07700 900123", "no UK phone numbers like it are in use"),
        ("01234", "is not a real UK phone number"),
        ("+33 1 42 68 53 00", "it starts +33, the code of another country"),
        ("+1 202 555 0143", "it starts +1"),
        ("01629 5334OO", "has letters in it"),
        ("ask at the desk", "has letters in it"),
        ("Tel 01629 533400", "has letters in it"),
        ("--", "has no phone number in it"),
        ("01629 533400 /", 'a "/" with no number'),
        ("12", "is not a real UK phone number"),
    ],
)
def test_a_number_that_is_not_real_is_refused_saying_why(typed: str, why: str) -> None:
    with pytest.raises(InvalidPhone) as refused:
        store_phones(typed)
    message = str(refused.value)
    assert why in message
    assert f'"{typed}"' in message or typed.strip(" /") in message
    assert "01629 533400" in message  # what to type instead


def test_several_numbers_keep_their_words_and_get_a_link_each() -> None:
    stored = store_phones("101 (non-emergency) / 999 (emergency)")
    assert stored == "101 (non-emergency) / 999 (emergency)"
    assert phone_links(stored) == [
        ("101 (non-emergency)", "tel:101"),
        ("999 (emergency)", "tel:999"),
    ]
    typed = "01629 533400 ext 12 / 07911 123456 (textphone, open 24/7)"
    stored = store_phones(typed)
    assert stored == "+441629533400;ext=12 / +447911123456 (textphone, open 24/7)"
    assert shown_phones(stored) == "01629 533400 ext. 12 / 07911 123456 (textphone, open 24/7)"
    assert parse_phones(stored) == (
        PhoneNumber("+441629533400", "12", None),
        PhoneNumber("+447911123456", None, "textphone, open 24/7"),
    )
    assert [tel for _, tel in phone_links(stored)] == [
        "tel:+44-1629-533400;ext=12",
        "tel:+44-7911-123456",
    ]


def test_a_relay_uk_number_keeps_its_prefix_and_dials_through_it() -> None:
    stored = store_phones("01629 533400 / 18001 01629 533400 (textphone)")
    assert stored == "+441629533400 / 18001 +441629533400 (textphone)"
    assert store_phones(stored) == stored
    assert phone_links(stored) == [
        ("01629 533400", "tel:+44-1629-533400"),
        ("18001 01629 533400 (textphone)", "tel:1800101629533400"),
    ]
    assert store_phones("18002 +44 1629 533400") == "18002 +441629533400"
    with pytest.raises(InvalidPhone, match="is not a real UK phone number"):
        store_phones("18001 0999999999")


def test_one_bad_number_among_several_is_named() -> None:
    with pytest.raises(InvalidPhone, match='"0999999999" is not a real UK phone number'):
        store_phones("01629 533400 / 0999999999")


def test_an_empty_cell_is_no_number() -> None:
    assert store_phones("") is None and store_phones("   ") is None and store_phones(None) is None
    assert shown_phones(None) is None and phone_links(None) == []


def test_text_kept_as_typed_is_shown_as_it_is_without_a_link() -> None:
    # Kept by the migration for an officer to fix: shown, never dialled.
    assert read_phones("ask at the desk") is None
    assert shown_phones("ask at the desk") == "ask at the desk"
    assert phone_links("ask at the desk") == [] and phone_links("0999999999") == []
    assert phone_problem("ask at the desk") is not None and phone_problem("+441629533400") is None


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("alfreton.library@DERBYSHIRE.GOV.UK", "alfreton.library@derbyshire.gov.uk"),
        ("  Jo.Bloggs@Example.org ", "Jo.Bloggs@example.org"),
        ("ü@münchen.de", "ü@münchen.de"),
    ],
)
def test_an_email_is_normalised(typed: str, normal: str) -> None:
    assert normalise_email(typed) == normal
    assert email_problem(normal) is None


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("library at derbyshire", "must have an @-sign"),
        ("a@@b.com", "invalid characters"),
        ("jo@localhost", "should have a period"),
        ("jo@", "There must be something after the @-sign"),
        ("jo bloggs@example.org", "invalid characters"),
        # Names kept for tests and local networks: no mail reaches them.
        ("jo.reed@library.test", "special-use or reserved name"),
        ("jo@cafe.local", "special-use or reserved name"),
    ],
)
def test_an_email_that_is_not_one_is_refused_saying_why(typed: str, why: str) -> None:
    with pytest.raises(InvalidEmail) as refused:
        normalise_email(typed)
    assert why in str(refused.value) and f'"{typed}"' in str(refused.value)
    assert "library@derbyshire.gov.uk" in str(refused.value)


def test_only_an_email_that_is_not_an_address_is_a_problem_to_fix() -> None:
    assert "must have an @-sign" in (email_problem("jo at example.org") or "")
    assert email_problem("jo@EXAMPLE.org") is None  # an address, if not in its usual form
    assert email_problem(None) is None and email_problem("") is None


def test_checking_an_email_makes_no_dns_look_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a DNS look-up was made")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    monkeypatch.setattr(socket, "socket", refuse)  # a resolver's own UDP query
    assert normalise_email("someone@no-such-domain-anywhere.org.uk") is not None
