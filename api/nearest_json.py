"""The nearest-places answer as the JSON sent, built from each place's kept fragment.

A place's own fields (name, address, hours, ...) are the same in every answer over one
version of the place data: they are serialised once, by the place's response model, and
kept. An answer then adds only what varies (how far, and the opening words, which are kept
while they hold: `locator.opening`) and is joined as bytes with orjson: no model per place.
The bytes are those `NearestOut.of(result, now).model_dump_json()` gives (a test holds them
to it); the response model still documents the answer in the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime

import orjson

from api.schemas import PlaceOut
from locator.match import VenueMatch
from locator.opening import Opening
from locator.origin import Origin
from locator.search import Locator, SearchResult
from locator.venues import Venue

# pydantic writes a zero UTC offset (London in winter) as "Z"; orjson does the same with this.
_OPTIONS = orjson.OPT_UTC_Z


class _Fragments:
    """The kept JSON of one locator's places: its own fields, and its opening words."""

    __slots__ = ("locator", "fixed", "opening")

    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        # Up to the place's last own field, then a comma: `{"id":"S1",…,"verified":true,`
        self.fixed: dict[str, bytes] = {}
        # The opening words as the end of the place's JSON: `"open_now":true,…}`
        self.opening: dict[str, tuple[Opening, bytes]] = {}


class NearestJson:
    """Builds answers over the live locator; another locator (new data) starts afresh.

    One per app (made in the lifespan). Threads may share it: what it keeps is only ever
    added to, and two threads that build one fragment build the same bytes.
    """

    def __init__(self) -> None:
        self._fragments: _Fragments | None = None

    def body(self, locator: Locator, result: SearchResult, now: datetime) -> bytes:
        """The answer `result` (found by `locator` at `now`) as JSON."""
        fragments = self._fragments
        if fragments is None or fragments.locator is not locator:
            fragments = self._fragments = _Fragments(locator)
        timestamp = now.timestamp()
        places = b",".join(_place(fragments, m, now, timestamp) for m in result.places)
        police = result.nearest_police
        return b"".join(
            (
                b'{"origin":',
                orjson.dumps(_origin(result.origin)),
                b',"in_service_area":',
                b"true" if result.in_service_area else b"false",
                b',"messages":',
                orjson.dumps(result.messages),
                b',"places":[',
                places,
                b'],"nearest_police_enquiry_office":',
                b"null" if police is None else _place(fragments, police, now, timestamp),
                b"}",
            )
        )


def _place(fragments: _Fragments, match: VenueMatch, now: datetime, timestamp: float) -> bytes:
    venue = match.venue
    fixed = fragments.fixed.get(venue.id)
    if fixed is None:
        fixed = fragments.fixed[venue.id] = _fixed(venue)
    opening = fragments.locator.opening(venue, now, timestamp)
    kept = fragments.opening.get(venue.id)
    if kept is None or kept[0] is not opening:
        kept = fragments.opening[venue.id] = (opening, _opening(opening))
    return b"".join(
        (
            fixed,
            b'"distance_m":',
            orjson.dumps(round(float(match.distance_m), 1)),
            b',"walk_minutes":',
            str(int(match.walk_minutes)).encode(),
            b",",
            kept[1],
        )
    )


def _fixed(venue: Venue) -> bytes:
    """The place's own fields, as its public model writes them, left open for more."""
    whole = PlaceOut.of(venue).model_dump_json().encode()
    return whole[:-1] + b","


def _opening(opening: Opening) -> bytes:
    words = {
        "open_now": opening.open_now,
        "opening_status": opening.words,
        "opens_at": opening.opens_at,
        "closes_at": opening.closes_at,
    }
    return orjson.dumps(words, option=_OPTIONS)[1:]


def _origin(origin: Origin) -> dict[str, object]:
    """`OriginOut`'s fields, in its order."""
    note = origin.outside_note
    outside = None
    if note is not None:
        outside = {
            "country": note.country,
            "distance_m": float(round(note.distance_m)),
            "direction": note.direction,
        }
    return {
        "label": origin.label,
        "latitude": float(origin.latitude),
        "longitude": float(origin.longitude),
        "source": origin.source.value,
        "approximate": origin.approximate,
        "terminated": origin.terminated,
        "message": origin.message,
        "outside": outside,
    }
