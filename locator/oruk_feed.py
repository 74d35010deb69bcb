"""The Open Referral UK feed's lists: which places, found how, in which order, which page.

`Catalogue` holds one index's places in the feed's order and finds a place by any of its
ORUK ids; `Catalogues` keeps the live index's catalogue, built once per index (the app swaps
indexes whole, so a catalogue never goes stale). The filters are the profile's list
parameters; a postcode search is the locator's own nearest search (`Locator.nearest`).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Generic, TypeVar

from locator.errors import InvalidParameter
from locator.filter import VenueFilter
from locator.hours_text import DAY_NAMES
from locator.index import VenueIndex
from locator.match import VenueMatch
from locator.origin import Origin
from locator.oruk import (
    TAXONOMY_ID,
    Organisation,
    Publisher,
    service_at_location_id,
    service_id,
    term_ids,
)
from locator.oruk_schedules import BYDAY
from locator.search import Locator
from locator.venues import Kind, Venue

T = TypeVar("T")

DEFAULT_PER_PAGE = 50
# 500 full services are about 1.5 MB of JSON: the county in a page or two, quick to send.
MAX_PER_PAGE = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, numbered from 1, with the profile's counts."""

    items: list[T]
    total_items: int
    page_number: int
    per_page: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_items / self.per_page)

    def envelope(self, contents: list[object]) -> dict[str, object]:
        """The profile's paged list (`Page`), around `contents` (the items as records)."""
        return {
            "total_items": self.total_items,
            "total_pages": self.total_pages,
            "page_number": self.page_number,
            "size": len(contents),
            "first_page": self.page_number == 1,
            "last_page": self.page_number >= self.total_pages,
            "empty": not contents,
            "contents": contents,
        }


def page_of(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    """Page `page` (from 1) of `per_page` items; past the end, an empty page."""
    if page < 1:
        raise InvalidParameter("The page number (page) must be 1 or more.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidParameter(
            f"The number on a page (per_page) must be a whole number from 1 to {MAX_PER_PAGE}."
        )
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), len(items), page, per_page)


# -- the profile's filters --------------------------------------------------------------------

_DAYS = {
    **{code.casefold(): i for i, code in enumerate(BYDAY)},
    **{name.casefold(): i for i, name in enumerate(DAY_NAMES)},
    **{name[:3].casefold(): i for i, name in enumerate(DAY_NAMES)},
}
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")


def parse_day(text: str) -> int:
    """``MO``, ``Mon`` or ``Monday`` (any case) as 0 … 6."""
    day = _DAYS.get(text.strip().casefold())
    if day is None:
        raise InvalidParameter(
            "The day (day) must be a day of the week, as MO, TU, WE, TH, FR, SA or SU."
        )
    return day


def parse_clock(text: str, name: str) -> time:
    """``HH:MM`` or ``HH:MM:SS`` (24-hour) as a time."""
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise InvalidParameter(f"The time ({name}) must be a 24-hour time like 09:30.")
    return time(int(found[1]), int(found[2]))


@dataclass(frozen=True, slots=True)
class ServiceQuery:
    """The profile's list filters. Every place welcomes all ages, so the age filters (read
    and checked by the caller) leave nothing out."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    # A weekday (0 is Monday) and times a schedule must open at or after / close by.
    day: int | None = None
    start_time: time | None = None
    end_time: time | None = None

    def matches(self, venue: Venue) -> bool:
        if self.taxonomy_id is not None and self.taxonomy_id != TAXONOMY_ID:
            return False
        if self.taxonomy_term_id is not None and self.taxonomy_term_id not in term_ids(venue):
            return False
        if self.search is not None and not _mentions(venue, self.search):
            return False
        if self.day is None and self.start_time is None and self.end_time is None:
            return True
        return self._has_schedule(venue)

    def _has_schedule(self, venue: Venue) -> bool:
        """One opening span meets the day and both times (opens at or after `start_time`,
        closes at or before `end_time`, an overnight span closing on the next day)."""
        if venue.opening_hours is None:
            return False
        for span in venue.opening_hours.week_spans():
            if self.day is not None and span.day != self.day:
                continue
            if self.start_time is not None and span.start < self.start_time:
                continue
            if self.end_time is not None and _closing(span.start, span.end) > _minutes(
                self.end_time
            ):
                continue
            return True
        return False


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _closing(start: time, end: time) -> int:
    """When a span closes, in minutes from the start of its day: past 1440 when it closes
    the next day (a midnight close is 1440)."""
    close = _minutes(end)
    return close + 24 * 60 if close <= _minutes(start) else close


def _mentions(venue: Venue, text: str) -> bool:
    """Whether every word of `text` is in the place's name, address, postcode or category."""
    words = text.casefold().split()
    about = " ".join(
        [venue.name, venue.address, venue.postcode or "", venue.category.label]
    ).casefold()
    return all(word in about for word in words)


# -- the places, in order -------------------------------------------------------------------


class Catalogue:
    """One index's places in the feed's order (by name), found by their ORUK ids."""

    def __init__(self, venues: Iterable[Venue]) -> None:
        self.venues = sorted(venues, key=lambda v: (v.name.casefold(), v.id))
        self._services = {service_id(v): v for v in self.venues}
        self._links = {service_at_location_id(v): v for v in self.venues}

    def by_service_id(self, found_id: str) -> Venue | None:
        return self._services.get(found_id.strip().lower())

    def by_service_at_location_id(self, found_id: str) -> Venue | None:
        return self._links.get(found_id.strip().lower())

    def select(self, query: ServiceQuery) -> list[Venue]:
        """The places that match, in order; with no filter, the list as kept (a page of a
        million places is then a slice, not a million checks)."""
        if query == ServiceQuery():
            return self.venues
        return [v for v in self.venues if query.matches(v)]

    def organisations(self, publisher: Publisher) -> list[tuple[Organisation, list[Venue]]]:
        """Each organisation the feed names, by name, with its places in the feed's order."""
        groups: dict[str, tuple[Organisation, list[Venue]]] = {}
        for venue in self.venues:
            organisation = publisher.organisation(venue)
            groups.setdefault(organisation.id, (organisation, []))[1].append(venue)
        return sorted(groups.values(), key=lambda group: group[0].name.casefold())


class Catalogues:
    """The live index's catalogue, made on first use after each swap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # One pair, replaced whole: a reader never sees one index with another's catalogue.
        self._made: tuple[VenueIndex | None, Catalogue] = (None, Catalogue(()))

    def kept(self, index: VenueIndex) -> Catalogue | None:
        """The catalogue of `index` if it is made already (no waiting), else None."""
        made_from, catalogue = self._made
        return catalogue if made_from is index else None

    def of(self, index: VenueIndex) -> Catalogue:
        with self._lock:
            made_from, catalogue = self._made
            if made_from is not index:
                catalogue = Catalogue(index)
                self._made = (index, catalogue)
            return catalogue


def near(
    locator: Locator, origin: Origin, proximity_m: float | None, query: ServiceQuery
) -> list[VenueMatch]:
    """Every place of either kind matching `query` within `proximity_m` metres of the origin
    (or as far as the locator's searches reach), nearest first."""
    if proximity_m is not None and not 0 < proximity_m <= locator.settings.max_radius_m:
        raise InvalidParameter(
            "The distance (proximity) must be a number of metres more than 0 and at most "
            f"{locator.settings.max_radius_m:.0f}."
        )
    every = VenueFilter.of(kinds=list(Kind))
    found = locator.nearest(origin, max(1, len(locator.index)), every, proximity_m).places
    return [m for m in found if query.matches(m.venue)]
