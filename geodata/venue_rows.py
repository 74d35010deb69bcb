"""Places read from the database as venues: every place at start-up, or one row.

A national start reads 100,000 places: the driver's own rows, typed here as SQLAlchemy
would type them, each venue made by its slots.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, select

from geodata.rows import PlaceRow
from locator.hours import InvalidOpeningHours, OpeningHours
from locator.venues import Category, Kind, LocationPrecision, Status, Venue

log = logging.getLogger(__name__)


def read_venues(engine: Engine) -> list[Venue]:
    """Every place in the database, by id, in any state."""
    statement = select(*VENUE_COLUMNS).order_by(PlaceRow.id)
    with engine.connect() as connection:
        dialect = connection.dialect
        # The driver's own rows, typed here as SQLAlchemy would type them (its rows cost a
        # third of reading 100,000 places), one at a time as they come; a driver error is
        # read again through SQLAlchemy, which says it as it says any (a database gone is a
        # 503).
        cursor = connection.connection.cursor()
        try:
            cursor.execute(str(statement.compile(dialect=dialect)))
            convert = []
            for at, column in enumerate(VENUE_COLUMNS):
                code = cursor.description[at][1]
                read = column.type.dialect_impl(dialect).result_processor(dialect, code)
                if read is not None:
                    convert.append((at, read))
            return venues_of(iter(cursor.fetchone, None), convert)
        except dialect.loaded_dbapi.Error:
            return venues_of(connection.execute(statement))
        finally:
            cursor.close()


def venue_of(row: Any, hours_read: dict[str, OpeningHours | None] | None = None) -> Venue:
    """A place row (a `PlaceRow`, or a plain row of `VENUE_COLUMNS`) as a `Venue`.

    `hours_read`: opening hours already read in this load, by their text. Many places share
    the same hours (and most have none): each text is parsed once, and the schedule (which is
    immutable) is shared by the places that have it.
    """
    # A plain row holds VENUE_COLUMNS in the order of Venue's fields; a PlaceRow is read by name.
    if isinstance(row, PlaceRow):
        values = [getattr(row, name) for name in _VENUE_FIELDS]
    else:
        values = list(row)
    return _venue(values, {} if hours_read is None else hours_read)


def venues_of(
    rows: Iterable[Sequence[Any]], convert: Sequence[tuple[int, Callable[[Any], Any]]] = ()
) -> list[Venue]:
    """Plain rows of `VENUE_COLUMNS` as venues, each distinct opening-hours text read once.

    `convert`: (position, function) for each value the rows hold as the database driver gave
    it, not yet as the column's type reads it (a SQLite date is text, its booleans 0 and 1).
    """
    hours_read: dict[str, OpeningHours | None] = {}
    venues = []
    for row in rows:
        values = list(row)
        for at, read in convert:
            value = values[at]
            if value is not None:
                values[at] = read(value)
        venues.append(_venue(values, hours_read))
    return venues


def _venue(values: list[Any], hours_read: dict[str, OpeningHours | None]) -> Venue:
    """`values` (VENUE_COLUMNS' own, typed) as a Venue: its hours read, its enums found."""
    text = values[_HOURS] or ""
    if text in hours_read:
        values[_HOURS] = hours_read[text]
    else:
        values[_HOURS] = hours = _hours_of(values[_ID], text)
        if hours is not None or not text:
            hours_read[text] = hours
    # The enums by their values from one dict each (Kind(value) is a Python-level call); a
    # value that isn't one raises as Kind(value) does.
    for at, members, enum in _ENUMS:
        value = values[at]
        values[at] = members.get(value) or enum(value)
    return _new_venue(*values)


def _hours_of(place_id: str, text: str) -> OpeningHours | None:
    try:
        return OpeningHours.parse(text)
    except InvalidOpeningHours:
        # Staff edits are validated; this only guards rows written by older code.
        log.warning("place %s: stored opening hours could not be read", place_id)
        return None


def _venue_maker() -> Callable[..., Venue]:
    """`Venue(*values)`, made the way its own `__init__` makes it, at a third of the cost.

    Venue is a frozen dataclass with slots: its generated `__init__` sets each of its fields
    through `object.__setattr__`, a lookup and a call each, which is most of reading 100,000
    places at a national start. This sets each slot through the slot itself. Only while Venue
    has no `__post_init__` and every field is a plain slot; otherwise `Venue` itself.
    """
    if hasattr(Venue, "__post_init__") or set(Venue.__slots__) != set(_VENUE_FIELDS):
        return Venue
    slots = {f"set_{name}": getattr(Venue, name).__set__ for name in _VENUE_FIELDS}
    source = (
        f"def make({', '.join(_VENUE_FIELDS)}):\n"
        "    venue = new(Venue)\n"
        + "".join(f"    set_{name}(venue, {name})\n" for name in _VENUE_FIELDS)
        + "    return venue\n"
    )
    scope: dict[str, Any] = {"new": object.__new__, "Venue": Venue, **slots}
    exec(source, scope)  # as dataclasses makes __init__ itself
    make: Callable[..., Venue] = scope["make"]
    return make


_VENUE_FIELDS = tuple(f.name for f in dataclasses.fields(Venue))
_ID = _VENUE_FIELDS.index("id")
_HOURS = _VENUE_FIELDS.index("opening_hours")
# Where each enum field is, its members by value, and the enum (for a value that isn't one).
_ENUMS: tuple[tuple[int, dict[Any, Any], Any], ...] = tuple(
    (_VENUE_FIELDS.index(name), {m.value: m for m in enum}, enum)
    for name, enum in (
        ("kind", Kind),
        ("category", Category),
        ("location_precision", LocationPrecision),
        ("status", Status),
    )
)
_new_venue = _venue_maker()


# What a Venue is made of (its fields are columns of the same names). Start-up reads every place
# as plain rows of these: ORM objects, with their identity map and change tracking, cost seconds
# for 100,000 places; plain rows a fraction of that.
VENUE_COLUMNS = tuple(getattr(PlaceRow, name) for name in _VENUE_FIELDS)
