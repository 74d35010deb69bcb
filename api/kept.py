"""The words of a results list that "Keep these places on my phone" keeps: what a person needs
to find and phone a place with no signal (no map, no tiles).

The results page carries them as JSON that is never run; the page's script keeps them in the
browser only when the box is ticked. The server never sees them again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from api.pictures import PICTURES, PICTURES_PATH
from api.views import PlaceView


def kept_words(
    places: Sequence[PlaceView], police: PlaceView | None, typed: str | None
) -> dict[str, object]:
    """Where the list was found, and its numbered places then the police station ("P"), as
    the list on the page reads.

    Parameters
    ----------
    typed
        The postcode or place name searched for; None for a search from the phone's location,
        which is kept as "where you were" (never as a position).
    """
    return {
        "where": _where(typed),
        "places": [_words(p) for p in [*places, *([police] if police else [])]],
    }


def kept_json(places: Sequence[PlaceView], police: PlaceView | None, typed: str | None) -> Markup:
    """`kept_words` as the page carries them: JSON safe inside a <script>, as the template's
    `tojson` writes it (keys sorted; <, >, & and ' as Unicode escapes)."""
    return htmlsafe_json_dumps(kept_words(places, police, typed), sort_keys=True)


class KeptJson:
    """`kept_json`, each place's own words made into JSON once (kept for those words) and
    the search's own (its number, distance and opening words) each time: the JSON of a
    dict is its keys' and values' JSON in order, and every escape is of one character."""

    def __init__(self) -> None:
        self._kept: dict[tuple[Any, ...], tuple[str, str, str]] = {}
        # Each view's JSON, and the view, kept alive with it (views are shared by the
        # searches that show a place with the same words: api.views.FixedWords).
        self._items: dict[int, tuple[PlaceView, str]] = {}

    def __call__(
        self, places: Sequence[PlaceView], police: PlaceView | None, typed: str | None
    ) -> Markup:
        items = [self._item(p) for p in [*places, *([police] if police else [])]]
        where = _json(_where(typed))
        return Markup(f'{{"places": [{", ".join(items)}], "where": {where}}}')

    def _item(self, p: PlaceView) -> str:
        done = self._items.get(id(p))
        if done is not None and done[0] is p:
            return done[1]
        if len(self._items) >= _MAX_ITEMS:
            self._items.clear()
        item = self._made(p)
        self._items[id(p)] = (p, item)
        return item

    def _made(self, p: PlaceView) -> str:
        """A place's JSON: its own words kept, the search's filled in."""
        key = (p.name, p.address, p.postcode, p.category_label, p.pic, tuple(p.phones))
        parts = self._kept.get(key)
        if parts is None:
            if len(self._kept) >= _MAX_KEPT:
                self._kept.clear()
            parts = self._kept[key] = _own_json(p)
        head, name, tail = parts
        distance, number, opening = _json(_distance(p)), _json(p.number), _json(p.opening)
        return f'{head}{distance}{name}{number}, "opening": {opening}{tail}'


# Enough for every place of a national list; past it the kept JSON starts again.
_MAX_KEPT = 8192
# Views with a search's words, as api.views keeps them.
_MAX_ITEMS = 16384


def _json(value: object) -> str:
    """`htmlsafe_json_dumps(value, sort_keys=True)` as text."""
    # For a string, what json.dumps calls (ensure_ascii), without making an encoder.
    text = (
        encode_basestring_ascii(value)
        if isinstance(value, str)
        else json.dumps(value, sort_keys=True)
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


def _own_json(p: PlaceView) -> tuple[str, str, str]:
    """A place's words in JSON either side of the search's own, keys in order: address,
    (distance), name, (number), (opening), phones, pic, what."""
    words = _words(p)
    return (
        f'{{"address": {_json(words["address"])}, "distance": ',
        f', "name": {_json(words["name"])}, "number": ',
        f', "phones": {_json(words["phones"])}, "pic": {_json(words["pic"])}, '
        f'"what": {_json(words["what"])}}}',
    )


def _where(typed: str | None) -> str:
    return typed.strip() if typed and typed.strip() else "where you were"


def _distance(p: PlaceView) -> str:
    return f"{p.walk} ({p.miles})" if p.walk and p.miles else (p.walk or p.distance or "")


def _words(p: PlaceView) -> dict[str, object]:
    distance = _distance(p)
    return {
        "number": p.number,
        "name": p.name,
        "what": p.category_label,
        # The picture of its kind: one of the pictures the phone keeps for no signal.
        "pic": f"{PICTURES_PATH}/{PICTURES[p.pic]}.svg",
        "distance": distance,
        "opening": p.opening,
        "address": ", ".join(part for part in (p.address, p.postcode) if part),
        "phones": [{"shown": shown, "tel": tel} for shown, tel in p.phones],
    }
