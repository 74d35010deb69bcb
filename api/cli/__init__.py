"""The `safeplaces` command: run the service, look things up, or do the staff's work from a
terminal. Each group of commands is a module here; `main` reads the settings and runs one."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from pydantic import ValidationError

from api.cli import data, lookup, staff
from api.cli.common import EXIT_BAD_INPUT, EXIT_DATA
from api.settings import Settings
from geodata.placenames import PlaceName
from locator.errors import DataError, SafePlacesError

__all__ = ["EXIT_BAD_INPUT", "EXIT_DATA", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safeplaces", description="Safe Places Locator")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (lookup, staff, data):
        group.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        sys.stderr.write(f"A SAFEPLACES_ setting is not valid: {fields}. See the README.\n")
        return EXIT_BAD_INPUT
    if args.command != "serve":
        # A terminal lookup needs its answer, not start-up notes about the data.
        logging.basicConfig(level=logging.ERROR)
    try:
        code: int = args.run(args, settings, out)
        return code
    except SafePlacesError as exc:
        _explain(exc)
        return EXIT_BAD_INPUT
    except DataError as exc:
        sys.stderr.write(f"The data could not be loaded: {exc}\n")
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
