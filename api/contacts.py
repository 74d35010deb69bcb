"""Phone numbers and links for getting help, read from the deployment's TOML file.

One file holds two lists: `contacts`, the short "I need help now" list on every page, and
`hate_crime`, every way to report a hate crime, for the "Report a hate crime" page. Each
`hate_crime` entry names the part of that page it belongs in (its `group`).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONTACTS = Path(__file__).parent / "config" / "help_contacts.toml"

# The parts of the "Report a hate crime" page, in the page's own words (see hate_crime.html).
ReportGroup = Literal["emergency", "non_emergency", "anonymous", "support", "online", "deaf"]


class HelpContact(BaseModel):
    """A number to call, or a web page to open, with one plain sentence of when to use it."""

    # A misspelt key in the file is an error, not a silently missing number.
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    number: str | None = Field(default=None, min_length=3)
    url: str | None = None
    # The big words of a web link, in place of a number ("Register first").
    link_text: str = ""
    say: str = ""

    @field_validator("number")
    @classmethod
    def _dialable(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\+?[0-9 ]+", value):
            raise ValueError("a phone number may only have digits, spaces and a leading +")
        return value

    @field_validator("url")
    @classmethod
    def _web_page(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError(f"{value!r} is not a web address starting https://")
        return value

    @model_validator(mode="after")
    def _number_or_url(self) -> Self:
        if (self.number is None) == (self.url is None):
            raise ValueError(f"{self.name!r} needs a number or a url (one, not both)")
        if self.url is not None and not self.link_text:
            raise ValueError(f"{self.name!r} has a url, so it needs link_text too")
        return self

    @property
    def tel(self) -> str:
        """The number for a tel: link (no spaces); empty for a web link."""
        return "tel:" + value_digits(self.number) if self.number else ""

    @property
    def href(self) -> str:
        return self.tel or self.url or ""

    @property
    def big_words(self) -> str:
        """What the link shows large: the number, or the web link's words."""
        return self.number or self.link_text


class ReportContact(HelpContact):
    group: ReportGroup


class ContactBook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    contacts: tuple[HelpContact, ...] = ()
    hate_crime: tuple[ReportContact, ...] = ()

    @field_validator("contacts")
    @classmethod
    def _numbers_only(cls, values: tuple[HelpContact, ...]) -> tuple[HelpContact, ...]:
        # The help panel is a list of buttons to call.
        for contact in values:
            if contact.number is None:
                raise ValueError(f"{contact.name!r}: the help panel's contacts need a number")
        return values

    def report_groups(self) -> dict[str, list[ReportContact]]:
        """The hate-crime contacts by the part of the page they go in, in the file's order."""
        groups: dict[str, list[ReportContact]] = {}
        for contact in self.hate_crime:
            groups.setdefault(contact.group, []).append(contact)
        return groups


def value_digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


@cache
def load_contact_book(path: Path = DEFAULT_CONTACTS) -> ContactBook:
    """Read and check the contacts file once per process (it is configuration, not data)."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return ContactBook.model_validate(raw)


def load_contacts(path: Path = DEFAULT_CONTACTS) -> tuple[HelpContact, ...]:
    """The "I need help now" list."""
    return load_contact_book(path).contacts


def check_contacts_file(path: Path) -> None:
    """Raise ValueError, saying what is wrong, if the file can't be read or checked."""
    try:
        load_contact_book(path)
    except OSError as exc:
        raise ValueError(f"can't read the contacts file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the contacts file {path} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"the contacts file {path} has mistakes: {problems}") from None
