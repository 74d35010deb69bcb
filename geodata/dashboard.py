"""The staff dashboard's numbers: places by status, yearly checks due, details missing, recent
changes. Each number is the length of a place list (`geodata.place_list`) with a query of its
own, so the list it links to has exactly that many places."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select as sql_select

from geodata.history import Change, change_of
from geodata.place_list import CURRENT, Check, Fix, Missing, PlaceQuery, select
from geodata.rows import ChangeRow, PlaceRow
from geodata.store import PlaceStore
from locator.venues import Status

# Checks and missing details are of the places still in the scheme: a removed place needs
# neither a check nor a phone number.
_CURRENT = PlaceQuery.from_params({"status": CURRENT})
RECENT_DAYS = 7

QUERIES: dict[str, PlaceQuery] = {
    **{f"status_{s.value}": PlaceQuery(statuses=frozenset({s})) for s in Status},
    "check_overdue": PlaceQuery(statuses=_CURRENT.statuses, check=Check.OVERDUE),
    "check_due": PlaceQuery(statuses=_CURRENT.statuses, check=Check.DUE_SOON),
    **{f"missing_{m.value}": PlaceQuery(statuses=_CURRENT.statuses, missing=m) for m in Missing},
    **{f"fix_{f.value}": PlaceQuery(statuses=_CURRENT.statuses, fix=f) for f in Fix},
    "changed_recently": PlaceQuery(changed_within_days=RECENT_DAYS),
}


@dataclass(frozen=True, slots=True)
class Number:
    """One number on the dashboard, and the list of places it counts."""

    key: str
    count: int
    query: PlaceQuery


@dataclass(frozen=True, slots=True)
class RecentChange:
    place_id: str
    place_name: str
    change: Change

    @property
    def at(self) -> datetime:
        return self.change.at


# An editor's own areas: the checks they are responsible for.
AREA_KEYS = ("check_overdue", "check_due")


@dataclass(frozen=True, slots=True)
class Dashboard:
    numbers: dict[str, Number]
    recent: list[RecentChange]
    by_area: dict[str, dict[str, Number]]  # an area's code: its own numbers


def dashboard(
    store: PlaceStore, today: date, recent: int = 10, areas: Iterable[str] = ()
) -> Dashboard:
    """Every number (counted as the place list counts), the same for each of `areas` (an
    editor's), and the latest `recent` changes."""
    rows = store.rows()

    def number(key: str, query: PlaceQuery) -> Number:
        return Number(key, len(select(rows, query, today)), query)

    by_area = {
        code: {key: number(key, replace(QUERIES[key], area=code)) for key in AREA_KEYS}
        for code in sorted(areas)
    }
    numbers = {key: number(key, query) for key, query in QUERIES.items()}
    return Dashboard(numbers, recent_changes(store, recent), by_area)


def recent_changes(store: PlaceStore, limit: int) -> list[RecentChange]:
    """The latest changes to any place, newest first."""
    statement = (
        sql_select(ChangeRow, PlaceRow.name)
        .join(PlaceRow, PlaceRow.id == ChangeRow.place_id)
        .order_by(ChangeRow.at.desc(), ChangeRow.id.desc())
        .limit(limit)
    )
    with store.sessions() as session:
        return [
            RecentChange(change.place_id, name, change_of(change))
            for change, name in session.execute(statement).all()
        ]
