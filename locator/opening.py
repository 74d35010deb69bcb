"""A place's opening words at a moment, kept for as long as they stay the same.

Whether a place is open, and the words for it ("Open now. Closes at 5pm."), only change when
it opens or closes and at midnight ("tomorrow" becomes "today"). Working them out reads the
place's weekly hours; keeping the answer until its next change makes most searches cost one
comparison a place instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from locator.hours import LONDON, OpeningHours, describe_unknown
from locator.venues import Venue


@dataclass(frozen=True, slots=True)
class Opening:
    """What a place's hours say at a moment, and the stretch of time that stays true."""

    open_now: bool | None  # None when the hours are not known
    words: str
    opens_at: datetime | None
    closes_at: datetime | None
    # When the place next opens or closes (None: never, or hours not known).
    next_change: datetime | None
    # The words hold from `held_from` to just before `held_until` (POSIX seconds: compared
    # as instants, because two London times in the hour the clocks go back compare by their
    # wall clock alone).
    held_from: float
    held_until: float

    def holds_at(self, timestamp: float) -> bool:
        return self.held_from <= timestamp < self.held_until


def next_midnight(now: datetime) -> datetime:
    """The next midnight in London after `now`: when "tomorrow" becomes "today"."""
    local = now.astimezone(LONDON)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=LONDON)


def opening_at(hours: OpeningHours | None, now: datetime) -> Opening:
    """The opening words at `now` (timezone-aware), and until when they hold."""
    midnight = next_midnight(now)
    if hours is None:
        return Opening(
            None, describe_unknown(), None, None, None, now.timestamp(), midnight.timestamp()
        )
    status = hours.status(now)
    # Not always the opening or closing: the words change too when the hours become
    # "unknown" (OSM's `unknown`).
    change = status.changes_at
    until = midnight if change is None or midnight < change else change
    held_until = until.timestamp()
    if until.utcoffset() != now.astimezone(LONDON).utcoffset():
        # The clocks change before the words do: work them out again at every search on
        # the days the clocks change, rather than reason about the hour that repeats.
        held_until = now.timestamp()
    return Opening(
        status.open_now,
        status.describe(now),
        status.opens_at,
        status.closes_at,
        change,
        now.timestamp(),
        held_until,
    )


class OpeningStates:
    """Each place's opening words as last worked out, kept while they hold.

    One per `Locator` (one version of the place data), replaced with it. Threads may share
    it: a dict's get and set are atomic, and two threads that both work out one place's
    words get the same answer.
    """

    def __init__(self) -> None:
        self._kept: dict[str, Opening] = {}
        # The London day last asked about: every answer ends at its midnight at the latest.
        self._day: tuple[float, float, datetime] = (0.0, 0.0, datetime.min)

    def next_midnight(self, now: datetime, timestamp: float | None = None) -> datetime:
        """`next_midnight(now)`, worked out once a day (`timestamp` as for `of`)."""
        if timestamp is None:
            timestamp = now.timestamp()
        starts, ends, midnight = self._day
        if starts <= timestamp < ends:
            return midnight
        local = now.astimezone(LONDON)
        starts = datetime.combine(local.date(), time(0), tzinfo=LONDON).timestamp()
        midnight = next_midnight(now)
        # Rebound whole: a thread reads the old day or the new one, never half of each.
        self._day = (starts, midnight.timestamp(), midnight)
        return midnight

    def of(self, venue: Venue, now: datetime, timestamp: float | None = None) -> Opening:
        """The opening words of `venue` at `now` (`timestamp` is `now.timestamp()`, if the
        caller has it already)."""
        kept = self._kept.get(venue.id)
        if kept is not None:
            if timestamp is None:
                timestamp = now.timestamp()
            if kept.held_from <= timestamp < kept.held_until:  # `holds_at`, inlined
                return kept
        found = opening_at(venue.opening_hours, now)
        self._kept[venue.id] = found
        return found
