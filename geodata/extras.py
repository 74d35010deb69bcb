"""The optional parts of the install (pyproject's extras), and the plain message a setting
that needs a missing one gives at start-up, instead of an ImportError from deep inside."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


class MissingExtra(Exception):
    """A setting needs an optional part of the install that is not there. The message is
    the whole story: which setting, what is missing, the command that installs it."""


@dataclass(frozen=True, slots=True)
class Extra:
    name: str  # as in pyproject.toml's [project.optional-dependencies]
    module: str  # what it brings that the service imports
    what: str  # as the message names it


POSTGRES = Extra("postgres", "psycopg", "the PostgreSQL driver")
NATIONAL = Extra("national", "pyarrow", "the Parquet reader")
GEOCODER = Extra("geocoder", "geopy", "the online geocoder")


def require(extra: Extra, setting: str) -> None:
    """Raise `MissingExtra` unless `extra` is installed; `setting` says what asked for it,
    e.g. "SAFEPLACES_DATABASE_URL is a PostgreSQL address"."""
    try:
        importlib.import_module(extra.module)
    except ImportError:
        raise MissingExtra(
            f"{setting}, but {extra.what} is not installed: "
            f"pip install 'safeplaces-locator[{extra.name}]'"
        ) from None
