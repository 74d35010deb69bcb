"""The `safeplaces` command: run the service, look things up, or do the staff's work from a
terminal. Each group of commands is a module here; `main` reads the settings and runs one."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from api import heap

with heap.importing():  # the settings, the data's and the database's code: for good
    from pydantic import ValidationError

    from api.cli import data, lookup, reminders, staff
    from api.cli.common import EXIT_BAD_INPUT, EXIT_DATA
    from api.settings import Settings, load_settings
    from api.version import package_version
    from geodata.placenames import PlaceName
    from geodata.startup import start_up_problem
    from locator.errors import SafePlacesError, StorageUnavailable
    from locator.settings import setting_problem

__all__ = ["EXIT_BAD_INPUT", "EXIT_DATA", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safeplaces", description="Safe Places Locator")
    parser.add_argument("--version", action="version", version=f"safeplaces {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (lookup, staff, data, reminders):
        group.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ValidationError as exc:
        sys.stderr.write(setting_problem(exc) + "\n")
        return EXIT_DATA
    if args.command != "serve":
        # A terminal lookup needs its answer, not start-up notes about the data.
        logging.basicConfig(level=logging.ERROR)
    try:
        code: int = args.run(args, settings, out)
        return code
    except SafePlacesError as exc:
        if isinstance(exc, StorageUnavailable):
            return _cannot_start(exc, settings)
        _explain(exc)
        return EXIT_BAD_INPUT
    except Exception as exc:
        return _cannot_start(exc, settings)


def _cannot_start(exc: Exception, settings: Settings) -> int:
    """Missing data, a database that can't be opened or written…: one line, exit 3. Any
    other error is a bug, shown in full."""
    line = start_up_problem(exc, settings.database)
    if line is None:
        raise exc
    sys.stderr.write(line + "\n")
    return EXIT_DATA


def _explain(exc: SafePlacesError) -> None:
    """The error in words, with the places a name could mean and how to pick one."""
    sys.stderr.write(exc.user_message + "\n")
    places = [c for c in exc.choices if isinstance(c, PlaceName)]
    for choice in places:
        sys.stderr.write(f"  - {choice.label}\n")
    if places:
        example = places[0]
        sys.stderr.write(
            f'Type, for example: safeplaces nearest "{example.name}, {example.local_authority}"\n'
        )
