"""How a report says which step it has reached (a progress bar, or nothing)."""

from __future__ import annotations

from collections.abc import Callable

# Called with the name of each step as it starts.
Progress = Callable[[str], None]


def quiet(_step: str) -> None:
    """No progress shown."""
    return None
