"""Each place's map marker and popup kept for one data version: only the search's own values
(the number, the distance, the opening words) are filled in for each results page.
"""

from __future__ import annotations

from dataclasses import dataclass
from json.encoder import encode_basestring

from locator.venues import Venue
from maps.marks import Fragment, cut, escaped, filled
from maps.render import _MARKS, Opening, _js_literal, _marker_of, _popup_macro, latlon

_MAX_KEPT = 8192
# Markers with a search's words (under a KB each): past it they start again.
_MAX_DONE = 16384


def _json_inside(text: str) -> str:
    """`text` inside a JSON string as `_js_literal` writes it. JSON's escapes and the
    script's are each of one character, so a string's inside is its pieces' insides."""
    # JSON's escapes of a string (those orjson writes: quote, backslash, control characters).
    inside = encode_basestring(text)[1:-1]
    return inside.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_escaped(value: object) -> str:
    """A value as the popup template writes it (`escaped`), inside a JSON string."""
    return _json_inside(escaped(value))


@dataclass(frozen=True, slots=True)
class _KeptMarker:
    """A place's marker as JSON around the search's own values (its number, twice, and its
    popup's), the popup's fixed text already inside a JSON string."""

    venue: Venue
    head: str  # {"latlng":[lat,lon],"label":"
    name: str  # ": " and the place's name, inside the title's string
    tail: str  # ","kind":"…","popup":"
    popup: Fragment  # the popup's text, each piece inside a JSON string


class Popups:
    """Each place's marker and popup for one data version (`for_places`), made once for
    each place: only the number, the distance and the opening words are the search's own,
    filled in escaped as the popup template escapes them (checked against the macro when a
    place's popup is first kept) and written as `_js_literal` writes them.
    """

    def __init__(self) -> None:
        self._places: object = None
        self._kept: dict[tuple[str, str, str, bool], _KeptMarker | None] = {}
        # Whole markers by the search's own words (coarse: whole minutes, tenths of a mile,
        # so searches from many postcodes share them), each with its place.
        self._done: dict[tuple[str | None, ...], tuple[Venue, str]] = {}

    def for_places(self, places: object) -> Popups:
        """These popups for the places of one data version (its locator): a new version
        starts again, so nothing of the old one is kept."""
        if places is not self._places:
            self._places = places
            self._kept = {}
            self._done = {}
        return self

    def marker(
        self, number: str, venue: Venue, kind: str, distance: str | None, shown: Opening, root: str
    ) -> str:
        """`_js_literal` of the place's marker (as `_marker` makes it), from its kept parts."""
        done_key = (venue.id, number, kind, distance, shown.words, shown.state, root)
        done = self._done.get(done_key)
        if done is not None and done[0] is venue:
            return done[1]
        key = (venue.id, root, shown.state, bool(distance))
        kept = self._kept.get(key)
        if key not in self._kept or (kept is not None and kept.venue is not venue):
            kept = self._made(key, number, venue, kind, distance, shown, root)
        if kept is None or not number:
            popup = _popup_macro(number, venue, distance, shown, root)
            return _js_literal(_marker_of(number, venue, kind, popup))
        inside = _json_inside(number)
        popup = filled(kept.popup, (number, distance, shown.words), _json_escaped)
        made = f'{kept.head}{inside}","title":"{inside}{kept.name}{kept.tail}{popup}"}}'
        if len(self._done) >= _MAX_DONE:
            self._done.clear()
        self._done[done_key] = (venue, made)
        return made

    def _made(
        self,
        key: tuple[str, str, str, bool],
        number: str,
        venue: Venue,
        kind: str,
        distance: str | None,
        shown: Opening,
        root: str,
    ) -> _KeptMarker | None:
        if len(self._kept) >= _MAX_KEPT:
            self._kept.clear()
        whole = _popup_macro(number, venue, distance, shown, root)
        marked = _popup_macro(
            _MARKS[0], venue, _MARKS[1] if distance else None, Opening(_MARKS[2], shown.state), root
        )
        fragment = cut(whole, marked, (number, distance, shown.words))
        made = None
        if fragment is not None:
            texts, numbers = fragment
            where = _js_literal(latlon(venue.longitude, venue.latitude))
            made = _KeptMarker(
                venue=venue,
                head=f'{{"latlng":{where},"label":"',
                name=_json_inside(f": {venue.name}"),
                tail=f'","kind":{_js_literal(kind)},"popup":"',
                popup=(tuple(_json_inside(t) for t in texts), numbers),
            )
        self._kept[key] = made
        return made
