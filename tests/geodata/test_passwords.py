"""Staff passwords, NIST SP 800-63B style: long, not common or easy to guess, not your own."""

from __future__ import annotations

import pytest

from geodata.passwords import password_problem

EMAIL, NAME = "ann.smith@council.gov.uk", "Ann Smith"


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short", "at least 12 characters"),
        ("aaaaaaaaaaaa", "too easy to guess"),  # a repeat
        ("password1234", "too easy to guess"),  # a very common password
        ("abcdefghijkl", "too easy to guess"),  # a sequence
        ("qwertyuiop12", "too easy to guess"),  # a keyboard run
        (EMAIL, "email address or name"),
        ("ann.smith@council", "email address or name"),
        ("Ann Smith 2026!!", "email address or name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, words: str) -> None:
    problem = password_problem(password, EMAIL, NAME)
    assert problem is not None and words in problem


@pytest.mark.parametrize(
    "password", ["correct horse battery", "kettle garden blue river", "Matlock-Library-2026!"]
)
def test_long_unguessable_passwords_are_fine(password: str) -> None:
    assert password_problem(password, EMAIL, NAME) is None


def test_a_very_long_password_is_checked_quickly() -> None:
    assert password_problem("x7#Kq" * 100, EMAIL, NAME) is None
