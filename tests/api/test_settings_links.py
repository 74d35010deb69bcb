"""The public address the links in emails are made from."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import ServerSettings


def test_the_public_url_is_an_address_without_a_trailing_slash() -> None:
    assert ServerSettings(public_url="https://safeplaces.example.org/").public_url == (
        "https://safeplaces.example.org"
    )
    assert ServerSettings(public_url="").public_url is None
    for bad in ("safeplaces.example.org", "https://x.org/?a=1", "ftp://x.org"):
        with pytest.raises(ValidationError):
            ServerSettings(public_url=bad)
