"""Rows of an import that look like a place we already have, or like another row of the file.

A file typed in a spreadsheet often has no reference of ours, so a place we have comes back
as a "new" row. A row looks like a place when it has the same name and postcode, or a name
much like it within 50 metres (measured on the British National Grid, EPSG:27700: metres,
where degrees are not). The officer then says, row by row, whether it updates that place,
is added as a new one, or is left out; until they say, it is left out, so nothing is done
that they didn't choose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

import numpy as np
import shapely

from geodata.rows import PlaceRow
from geodata.synonyms import squash
from locator.geo import wgs84_to_bng

# Near enough to be the same building, or next door: a postcode's centre and a pin on the
# building are often 20-40 m apart.
NEAR_M = 50.0
# How alike two names must be (difflib's ratio, 0 to 1), once case and punctuation are gone:
# "Matlock Library" and "Matlock Public Library" are 0.81; "Boots" and "Greggs" 0.36.
ALIKE = 0.8


class Decision(StrEnum):
    """What to do with a row that looks like a place (or an earlier row)."""

    UNDECIDED = ""  # left out, until the officer chooses
    UPDATE = "update"  # it is that place: change it to what the row says
    ADD = "add"  # it is another place: add it as new
    LEAVE_OUT = "leave_out"


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A row of the file and the place (or the earlier row) it looks like."""

    row: int
    name: str  # as the row has it
    postcode: str | None
    why: str  # in words: "the same name and postcode", "a name like it, 12 m away"
    decision: Decision
    place_id: str | None = None  # the place it looks like
    place_name: str = ""
    place_postcode: str | None = None
    earlier_row: int | None = None  # or the row of the file it repeats

    @property
    def choices(self) -> tuple[Decision, ...]:
        """What the officer may choose for it (a row can't update another row)."""
        if self.place_id is None:
            return (Decision.ADD, Decision.LEAVE_OUT)
        return (Decision.UPDATE, Decision.ADD, Decision.LEAVE_OUT)


@dataclass(frozen=True, slots=True)
class _Known:
    key: str  # the squashed name
    name: str
    postcode: str | None
    place_id: str | None = None
    row: int | None = None


class LookalikeFinder:
    """The places we have, by name and postcode and by position, to check rows against;
    rows already checked are added, so a file's own repeats are found too."""

    def __init__(self, places: Iterable[PlaceRow]) -> None:
        self._known: list[_Known] = []
        self._by_name: dict[tuple[str, str | None], _Known] = {}
        self._points: list[tuple[float, float]] = []
        self._tree: shapely.STRtree | None = None
        # The file's own rows so far, by 50 m square of the grid.
        self._grid: dict[tuple[int, int], list[int]] = {}
        rows = list(places)
        for row in rows:
            self._add(_Known(squash(row.name), row.name, row.postcode, place_id=row.id))
        if rows:
            x, y = wgs84_to_bng(
                np.array([r.longitude for r in rows]), np.array([r.latitude for r in rows])
            )
            self._points = list(zip(np.asarray(x).tolist(), np.asarray(y).tolist(), strict=True))
            self._tree = shapely.STRtree(shapely.points(np.column_stack([x, y])))

    def _add(self, known: _Known) -> None:
        self._known.append(known)
        self._by_name.setdefault((known.key, known.postcode), known)

    def check(
        self, row: int, name: str, postcode: str | None, lon: float | None, lat: float | None
    ) -> tuple[_Known, str] | None:
        """What this new row looks like (a place first, then an earlier row), and why; the
        row is then remembered, for the rows after it."""
        key = squash(name)
        found: tuple[_Known, str] | None = None
        same = self._by_name.get((key, postcode)) if postcode else None
        if same is not None:
            found = (same, "the same name and postcode")
        elif lon is not None and lat is not None:
            found = self._near(key, float(lon), float(lat))
        self._add(_Known(key, name, postcode, row=row))
        if lon is not None and lat is not None:
            x, y = wgs84_to_bng(float(lon), float(lat))
            self._grid.setdefault(_square(x, y), []).append(len(self._known) - 1)
            self._points.append((float(x), float(y)))
        else:
            self._points.append((float("nan"), float("nan")))
        return found

    def _near(self, key: str, lon: float, lat: float) -> tuple[_Known, str] | None:
        x, y = wgs84_to_bng(lon, lat)
        candidates: list[int] = []
        if self._tree is not None:
            hits = self._tree.query(shapely.Point(x, y), predicate="dwithin", distance=NEAR_M)
            candidates.extend(int(i) for i in hits)
        cx, cy = _square(x, y)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                candidates.extend(self._grid.get((cx + dx, cy + dy), ()))
        best: tuple[float, int] | None = None
        for i in candidates:
            px, py = self._points[i]
            distance = float(np.hypot(px - x, py - y))
            if distance > NEAR_M or not _alike(key, self._known[i].key):
                continue
            if best is None or distance < best[0]:
                best = (distance, i)
        if best is None:
            return None
        return self._known[best[1]], f"a name like it, {best[0]:.0f} m away"


def _square(x: float, y: float) -> tuple[int, int]:
    return int(x // NEAR_M), int(y // NEAR_M)


def _alike(a: str, b: str) -> bool:
    # Names that differ in their numbers are other places: "Unit 1" and "Unit 2".
    if not a or not b or re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    return a == b or a in b or b in a or SequenceMatcher(None, a, b).ratio() >= ALIKE


def lookalike(
    row: int, name: str, postcode: str | None, found: tuple[_Known, str], decision: Decision
) -> Lookalike:
    known, why = found
    if known.place_id is None:
        allowed = decision if decision in (Decision.ADD, Decision.LEAVE_OUT) else Decision.UNDECIDED
        return Lookalike(row, name, postcode, why, allowed, earlier_row=known.row)
    return Lookalike(row, name, postcode, why, decision, known.place_id, known.name, known.postcode)
