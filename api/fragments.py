"""A results list's places as HTML made once for each place and filled in for each search.

Most of a listed place's HTML (`place_item` in partials/places.html) is its own fixed words:
its name, address, phones, directions and pictures. Only its number, distance, walk, miles
and opening words and the search's link back differ from one search to the next. Rendering
the macro for every place of every results page was the larger part of the page's template
time. Here the macro is rendered once for each place (and open state) with a mark where each
of those goes, and a page fills the marks with the values, escaped as the template escapes
them: the same bytes the macro writes (checked against the macro itself the first time).
"""

from __future__ import annotations

from dataclasses import fields, replace
from operator import attrgetter
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from api.views import PlaceView
from maps.marks import Fragment, cut, filled, marks

# What differs from one search to the next, in the order of their marks; the search's link
# back (search_query) is the mark after these.
_VARYING = ("number", "distance", "walk", "miles", "opening")
# Its fixed words, and its phones apart (a list, kept as a tuple).
_fixed = attrgetter(*(f.name for f in fields(PlaceView) if f.name not in (*_VARYING, "phones")))
_varying = attrgetter(*_VARYING)
# Enough for every place of a national list; past it the kept fragments start again.
_MAX_KEPT = 8192


_MARKS = marks(len(_VARYING) + 1)


class ListedPlaces:
    """`place_item(p, search_query)`, made once for each place's fixed words.

    A place without a number, a walk or a link back (the embed's list, a place with no
    distance) is rendered by the macro every time, as is one whose own words hold the mark.
    """

    def __init__(self, env: Environment) -> None:
        self._env = env
        self._kept: dict[tuple[Any, ...], Fragment | None] = {}

    def _macro(self) -> Any:
        # The template's module (its macros) is made once and kept with the template.
        return self._env.get_template("partials/places.html").module.place_item  # type: ignore[attr-defined]

    def __call__(self, p: PlaceView, search_query: str | None = None) -> Markup:
        if not (p.number and p.walk and search_query):
            return Markup(self._macro()(p, search_query))
        key = (_fixed(p), tuple(p.phones))
        values = (*_varying(p), search_query)
        if key in self._kept:
            fragment = self._kept[key]
        else:
            if len(self._kept) >= _MAX_KEPT:
                self._kept.clear()
            fragment = self._kept[key] = self._made(p, search_query, values)
        if fragment is None:
            return Markup(self._macro()(p, search_query))
        return Markup(filled(fragment, values))

    def _made(self, p: PlaceView, search_query: str, values: tuple[Any, ...]) -> Fragment | None:
        """The macro rendered with marks, or None where the marks can't stand in safely."""
        macro = self._macro()
        whole = str(macro(p, search_query))
        stand_ins: dict[str, Any] = dict(zip(_VARYING, _MARKS, strict=False))
        marked = replace(p, **stand_ins)
        return cut(whole, str(macro(marked, _MARKS[-1])), values)
