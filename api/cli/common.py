"""What every `safeplaces` command shares: exit codes, argument types, the yes/no prompt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from api.settings import Settings

EXIT_BAD_INPUT = 2
EXIT_DATA = 3

# A command: its parsed arguments and the settings in, an exit code out; output to `out`.
Command = Callable[[argparse.Namespace, Settings, TextIO], int]


def whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number in a range, with a plain message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number from {low} to {high}")
        return value

    return parse


def sure(args: argparse.Namespace, out: TextIO, question: str) -> bool:
    """--yes, or a yes typed at the prompt."""
    if args.yes:
        return True
    out.write(question)
    out.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
