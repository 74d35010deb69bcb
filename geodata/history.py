"""A place's history: each recorded change, its fields' before and after, and undoing it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from geodata.rows import ChangeRow, PlaceRow


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    actor: str
    at: datetime
    action: str
    fields: dict[str, tuple[Any, Any]]
    note: str | None = None  # why (a suspension's or removal's reason)


def change_of(row: ChangeRow) -> Change:
    """A stored change as a `Change`."""
    fields = {k: (v[0], v[1]) for k, v in json.loads(row.changes).items()}
    return Change(row.version, row.actor, row.at, row.action, fields, row.note)


def record(
    row: PlaceRow, actor: str, action: str, diff: dict[str, Any], note: str | None = None
) -> ChangeRow:
    """The stored record of one change to `row`, at the version it has now."""
    return ChangeRow(
        place_id=row.id,
        version=row.version,
        actor=actor,
        at=datetime.now(UTC),
        action=action,
        changes=json.dumps({k: [v[0], v[1]] for k, v in diff.items()}),
        note=note,
    )


def created(row: PlaceRow, editable: Iterable[str]) -> dict[str, tuple[None, Any]]:
    """A new place's fields (and status) as changes from nothing."""
    return {f: (None, json_safe(getattr(row, f))) for f in sorted({*editable, "status"})}


def differences(row: object, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The values that differ from the row's, as JSON-safe (before, after) pairs."""
    return {
        f: (json_safe(getattr(row, f)), json_safe(v))
        for f, v in values.items()
        if getattr(row, f) != v
    }


def undo_after(history: list[Change], version: int) -> dict[str, Any]:
    """The fields changed after `version`, with the values they had then (newest undone
    first, so the oldest 'before' wins)."""
    state: dict[str, Any] = {}
    for change in reversed(history):
        if change.version <= version:
            break
        for field, (before, _after) in change.fields.items():
            state[field] = _from_json(field, before)
    return state


def json_safe(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _from_json(field: str, value: Any) -> Any:
    if field == "last_checked" and isinstance(value, str):
        return date.fromisoformat(value)
    return value
