"""The results page made from kept parts: its template rendered once for each shape of page,
with marks where a search's own values go, and filled in for each search.

A results page is 36 KB, nearly all of it the same for every search: the header, the help
panel, the Keep Safe Card, the map's element. What differs is a few words (the search, the
nonce, the messages), the places' HTML (kept for each place by `api.fragments`), the answer's
place, the kept places' JSON and the map's script. Rendering find.html for every search cost
most of the page's time. Here find.html is rendered once for each shape (outside the area or
not, an answer open now or not, how many messages and places, a police station or not, a
"Show more" link or not, an address on the card or not, the map's frame) with a mark for each
of those values, cut at the marks, and filled with the values escaped as the template escapes
them. A shape is kept only if its first fill is exactly what the template gave for the same
search; a page of a shape that isn't kept is the template's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from api.kept import KeptJson
from api.settings import PagesSettings
from api.views import FixedWords, PlaceView
from maps.marks import MARK, Fragment, Mark, cut, escaped, marks
from maps.popups import Popups
from maps.render import MapParts

# The marks' numbers: the page's own values, then the places' list items, then the messages.
_NONCE, _Q, _WHERE, _MORE, _KEPT, _SCRIPT, _ANSWER, _CARD_NAME, _CARD_ADDRESS, _POLICE, _SEARCH = (
    range(11)
)
_FIRST_PLACE = 11
# Far more shapes than a server meets (there are a few hundred); past it they start again.
_MAX_KEPT = 1024


@dataclass(frozen=True, slots=True)
class _StandIn:
    """A place as the marked page sees it: its list item, the answer's place and the card's
    words are marks (the template only hands a place to the macros, and the card reads its
    name, address and postcode)."""

    item: Mark
    answer: Mark
    name: Mark
    address: Mark | str
    postcode: None = None


def _card_address(p: PlaceView) -> str:
    """The card's address, as partials/card.html joins it."""
    return ", ".join(part for part in (p.address, p.postcode) if part)


class ResultsPages:
    """find.html for a search's answer, from its shape's kept fragment when there is one.

    `context`: what the template is given (`api.html.page_context` and the results route's
    own words). `listed` and `answered`: the template's `listed_place` and `answered_place`.
    """

    def __init__(self, env: Environment, root: str, pages: PagesSettings) -> None:
        self._env = env
        self._root = root
        self._kept: dict[tuple[Any, ...], tuple[tuple[bytes, ...], tuple[int, ...]] | None] = {}
        # The places' own words and markers, for the data version of the latest search.
        self._words = FixedWords(pages)
        self._popups = Popups()
        # The kept places' JSON (keep_places.html), each place's own words made once.
        self.kept_json = KeptJson()

    def words(self, places: object) -> FixedWords:
        """The places' own words for this data version (its locator), made on the event
        loop only (a results page's view is)."""
        return self._words.for_places(places)

    def popups(self, places: object) -> Popups:
        """The places' map markers for this data version, made on the event loop only."""
        return self._popups.for_places(places)

    def _listed(self) -> Callable[..., Markup]:
        listed: Callable[..., Markup] = self._env.globals["listed_place"]  # type: ignore[assignment]
        return listed

    def _answered(self) -> Callable[..., Markup]:
        answered: Callable[..., Markup] = self._env.globals["answered_place"]  # type: ignore[assignment]
        return answered

    def filled(self, context: dict[str, Any]) -> bytes | None:
        """The page (UTF-8) from its shape's kept fragment; None where its shape is not kept
        yet (or can't be: then `rendered` is the page)."""
        fragment = self._kept.get(_shape(context))
        if fragment is None:
            return None
        texts, numbers = fragment
        written = [escaped(value).encode() for value in self._values(context)]
        out = [texts[0]]
        for mark, text in zip(numbers, texts[1:], strict=True):
            out.append(written[mark])
            out.append(text)
        return b"".join(out)

    def rendered(self, context: dict[str, Any]) -> str:
        """The template's page, its shape kept the first time (a few milliseconds: where
        the page is not kept, in the thread pool)."""
        whole = self._env.get_template("find.html").render(context)
        shape = _shape(context)
        if shape not in self._kept and MARK not in whole:
            if len(self._kept) >= _MAX_KEPT:
                self._kept.clear()
            marked = self._env.get_template("find.html").render(_marked(context))
            fragment = cut(whole, marked, self._values(context))
            # Kept in UTF-8: the page's fixed text is encoded once, not for every page (a
            # page with any character past Latin-1 is held two bytes a character, and
            # encoding 36 KB of it took longer than filling it in).
            self._kept[shape] = None if fragment is None else _encoded(fragment)
        return whole

    def _values(self, context: dict[str, Any]) -> list[Any]:
        """The page's own values, in the order of their marks."""
        places: list[PlaceView] = context["places"]
        police: PlaceView | None = context["police"]
        open_now: PlaceView | None = context["open_now"]
        search_query: str = context["search_query"]
        more_url: str | None = context["more_url"]
        answer: Markup | str = ""
        card: PlaceView | None = open_now or (places[0] if places else None)
        if not context["outside"]:
            if open_now is not None:
                answer = self._answered()(open_now, 48, search_query)
            elif places:
                answer = self._answered()(places[0], 40, search_query)
        listed = self._listed()
        map_parts: MapParts = context["map"]
        return [
            context["nonce"],
            context["q"] or "",
            context["where"],
            self._root + more_url if more_url else "",  # as the `rooted` filter writes it
            context["kept"],
            map_parts.script,
            answer,
            card.name if card else "",
            _card_address(card) if card else "",
            listed(police, search_query) if police is not None else "",
            search_query,
            *(listed(p, search_query) for p in places),
            *context["messages"],
        ]


def _encoded(fragment: Fragment) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
    texts, numbers = fragment
    return tuple(text.encode() for text in texts), numbers


def _shape(context: dict[str, Any]) -> tuple[Any, ...]:
    """What decides which parts of find.html a page has, and its fixed words: the map's
    frame (the same for every search of a server)."""
    places: list[PlaceView] = context["places"]
    open_now: PlaceView | None = context["open_now"]
    card = open_now or (places[0] if places else None)
    map_parts: MapParts = context["map"]
    return (
        context["outside"],
        open_now is not None,
        len(context["messages"]),
        len(places),
        context["police"] is not None,
        context["more_url"] is not None,
        bool(card and _card_address(card)),
        map_parts.html,
        map_parts.js,
        map_parts.css,
    )


def _marked(context: dict[str, Any]) -> dict[str, Any]:
    """The context with a mark for each of the page's own values (and the same shape)."""
    places: list[PlaceView] = context["places"]
    messages: list[str] = context["messages"]
    open_now: PlaceView | None = context["open_now"]
    count = _FIRST_PLACE + len(places) + len(messages)
    m = marks(count)
    card = open_now or (places[0] if places else None)
    address = m[_CARD_ADDRESS] if card and _card_address(card) else ""

    def stand_in(item: Mark) -> _StandIn:
        return _StandIn(item, m[_ANSWER], m[_CARD_NAME], address)

    map_parts: MapParts = context["map"]
    return {
        **context,
        "nonce": m[_NONCE],
        "q": m[_Q],
        "where": m[_WHERE],
        "more_url": m[_MORE] if context["more_url"] is not None else None,
        "kept": m[_KEPT],
        "map": MapParts(map_parts.html, Markup(m[_SCRIPT]), map_parts.js, map_parts.css),
        "search_query": m[_SEARCH],
        "places": [stand_in(m[_FIRST_PLACE + i]) for i in range(len(places))],
        "police": stand_in(m[_POLICE]) if context["police"] is not None else None,
        "open_now": stand_in(m[_ANSWER]) if open_now is not None else None,
        "messages": m[_FIRST_PLACE + len(places) :],
        "listed_place": lambda p, search_query=None: p.item,
        "answered_place": lambda p, size, search_query=None: p.answer,
    }
