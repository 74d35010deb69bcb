"""A results page's places as HTML made once for each place and filled in for each search.

Most of a listed place's HTML (`place_item` in partials/places.html) is its own fixed words:
its name, address, phones, directions and pictures. Only its number, distance, walk, miles
and opening words and the search's link back differ from one search to the next. Rendering
the macro for every place of every results page was the larger part of the page's template
time. Here the macro is rendered once for each place (and open state) with a mark where each
of those goes, and a page fills the marks with the values, escaped as the template escapes
them: the same bytes the macro writes (checked against the macro itself the first time).
The place the answer at the top names (`answer_place` in partials/answer_place.html) is kept
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from operator import attrgetter
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from api.views import PlaceView
from maps.marks import Fragment, cut, escaped, marks

# Enough for every place of a national list; past it the kept fragments start again.
_MAX_KEPT = 8192
# Views with a search's words, as api.views keeps them (FixedWords).
_MAX_LAID = 16384


def _laid_out(fragment: Fragment, values: tuple[Any, ...]) -> tuple[list[str], tuple[int, ...]]:
    """The fragment's pieces in order, filled with every value but the last (the search's
    link back), and where that one goes: the pieces with it there, joined, are
    `filled(fragment, values)`. The fixed text is the fragment's own (not copied)."""
    texts, numbers = fragment
    last = len(values) - 1
    written = [escaped(value) for value in values[:last]]
    pieces = [texts[0]]
    at: list[int] = []
    for mark, text in zip(numbers, texts[1:], strict=True):
        if mark == last:
            at.append(len(pieces))
            pieces.append("")
        else:
            pieces.append(written[mark])
        pieces.append(text)
    return pieces, tuple(at)


def _joined(laid_out: tuple[list[str], tuple[int, ...]], search_query: str) -> str:
    pieces, at = laid_out
    pieces = pieces.copy()
    written = escaped(search_query)
    for i in at:
        pieces[i] = written
    return "".join(pieces)


class _KeptMacro:
    """A macro of a place, its HTML kept for each place's fixed words (and the macro's other
    arguments); `varying`: the place's fields that differ from one search to the next, in
    the order of their marks; the search's link back (search_query) is the mark after them.
    """

    def __init__(
        self, env: Environment, template: str, macro: str, varying: tuple[str, ...]
    ) -> None:
        self._env = env
        self._template = template
        self._name = macro
        self._varying_names = varying
        self._varying = attrgetter(*varying)
        # Its fixed words, and its phones apart (a list, kept as a tuple).
        self._fixed = attrgetter(
            *(f.name for f in fields(PlaceView) if f.name not in (*varying, "phones"))
        )
        self._marks = marks(len(varying) + 1)
        self._kept: dict[tuple[Any, ...], Fragment | None] = {}
        # By view (views are shared by the searches that show a place with the same words):
        # its HTML laid out to the search's link back, and the view, kept alive with it.
        self._laid: dict[tuple[int, ...], tuple[PlaceView, tuple[list[str], tuple[int, ...]]]]
        self._laid = {}

    def _macro(self) -> Callable[..., Any]:
        # The template's module (its macros) is made once and kept with the template.
        module = self._env.get_template(self._template).module
        macro: Callable[..., Any] = getattr(module, self._name)
        return macro

    def _kept_call(self, p: PlaceView, search_query: str, *args: Any) -> Markup:
        """The macro's HTML for `macro(p, *args, search_query)`, from the kept fragment."""
        done = self._laid.get((id(p), *args))
        if done is not None and done[0] is p:
            return Markup(_joined(done[1], search_query))
        key = (self._fixed(p), tuple(p.phones), *args)
        values = (*self._varying(p), search_query)
        if key in self._kept:
            fragment = self._kept[key]
        else:
            if len(self._kept) >= _MAX_KEPT:
                self._kept.clear()
            fragment = self._kept[key] = self._made(p, search_query, args, values)
        if fragment is None:
            return Markup(self._macro()(p, *args, search_query))
        if len(self._laid) >= _MAX_LAID:
            self._laid.clear()
        laid_out = _laid_out(fragment, values)
        self._laid[(id(p), *args)] = (p, laid_out)
        return Markup(_joined(laid_out, search_query))

    def _made(
        self, p: PlaceView, search_query: str, args: tuple[Any, ...], values: tuple[Any, ...]
    ) -> Fragment | None:
        """The macro rendered with marks, or None where the marks can't stand in safely."""
        macro = self._macro()
        whole = str(macro(p, *args, search_query))
        stand_ins: dict[str, Any] = dict(zip(self._varying_names, self._marks, strict=False))
        marked = replace(p, **stand_ins)
        return cut(whole, str(macro(marked, *args, self._marks[-1])), values)


class ListedPlaces(_KeptMacro):
    """`place_item(p, search_query)`, made once for each place's fixed words.

    A place without a number, a walk or a link back (the embed's list, a place with no
    distance) is rendered by the macro every time, as is one whose own words hold the mark.
    """

    def __init__(self, env: Environment) -> None:
        varying = ("number", "distance", "walk", "miles", "opening")
        super().__init__(env, "partials/places.html", "place_item", varying)

    def __call__(self, p: PlaceView, search_query: str | None = None) -> Markup:
        if not (p.number and p.walk and search_query):
            return Markup(self._macro()(p, search_query))
        return self._kept_call(p, search_query)


class AnsweredPlaces(_KeptMacro):
    """`answer_place(p, size, search_query)`: the place the answer names, made once for
    each place's fixed words and picture size (a place without a link back every time)."""

    def __init__(self, env: Environment) -> None:
        # Its number and distance are not shown: not part of what is kept.
        varying = ("number", "distance", "walk", "miles", "opening")
        super().__init__(env, "partials/answer_place.html", "answer_place", varying)

    def __call__(self, p: PlaceView, size: int, search_query: str | None = None) -> Markup:
        if not search_query:
            return Markup(self._macro()(p, size, search_query))
        return self._kept_call(p, search_query, size)
