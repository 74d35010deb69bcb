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
    """The kept JSON of one locator's places: by place id, its own fields, and its opening
    words with the `Opening` they were written from."""

    __slots__ = ("locator", "opening_of", "kept")

    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        self.opening_of = locator.openings.of
        # Up to the place's last own field, then a comma: `{"id":"S1",…,"verified":true,`;
        # and the opening words as the end of the place's JSON: `"open_now":true,…}`
        self.kept: dict[str, tuple[bytes, Opening, bytes]] = {}


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
        places = b",".join([_place(fragments, m, now, timestamp) for m in result.places])
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
    opening = fragments.opening_of(venue, now, timestamp)
    kept = fragments.kept.get(venue.id)
    if kept is None or kept[1] is not opening:
        fixed = _fixed(venue) if kept is None else kept[0]
        kept = fragments.kept[venue.id] = (fixed, opening, _opening(opening))
    return _PLACE % (kept[0], match.distance_m, match.walk_minutes, kept[2])


# A place: its own fields, how far, and its opening words. The metres to one decimal place
# are the digits `round(metres, 1)` is written with ("%.1f" rounds the exact value, as
# `round` does, and a distance has too few digits for the shortest form to differ), without
# making that float.
_PLACE = b'%b"distance_m":%.1f,"walk_minutes":%d,%b'


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
