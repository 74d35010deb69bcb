"""The "I need help now" contacts, read from the deployment's TOML file."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field, TypeAdapter, field_validator

DEFAULT_CONTACTS = Path(__file__).parent / "config" / "help_contacts.toml"


class HelpContact(BaseModel):
    name: str = Field(min_length=1)
    number: str = Field(min_length=3)
    say: str = ""

    @field_validator("number")
    @classmethod
    def _dialable(cls, value: str) -> str:
        if not re.fullmatch(r"\+?[0-9 ]+", value):
            raise ValueError("a phone number may only have digits, spaces and a leading +")
        return value

    @property
    def tel(self) -> str:
        """The number for a tel: link (no spaces)."""
        return "tel:" + value_digits(self.number)


def value_digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


_CONTACTS = TypeAdapter(list[HelpContact])


@cache
def load_contacts(path: Path = DEFAULT_CONTACTS) -> tuple[HelpContact, ...]:
    """Read and check the contacts file once per process (it is configuration, not data)."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return tuple(_CONTACTS.validate_python(raw.get("contacts", [])))
