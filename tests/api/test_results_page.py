"""The results page made from its shape's kept fragment is the bytes find.html writes for the
same search, hostile words included; a shape's first page is the template's own."""

from __future__ import annotations

from dataclasses import replace
from itertools import cycle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from api.html import contact_book, make_templates
from api.kept import KeptJson, kept_words
from api.results_page import ResultsPages
from api.settings import PagesSettings
from maps.render import MapParts
from tests.api.test_fragments import PLACE

HOSTILE = ["<script>alert(1)</script>", "\"quoted\" & 'single'", "a\x000\x00b", "\x00", "", "é 😀"]
_words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))
PAGES = PagesSettings()
MAP = MapParts(
    html=Markup('<div class="folium-map" id="map_1"></div>'),
    script=Markup("var map_1 = L.map();"),
    js=("/static/vendor/leaflet/leaflet.js", "/static/js/map.js"),
    css=("/static/vendor/leaflet/leaflet.css",),
)


def _context(
    words: list[str], shape: dict[str, Any], nonce: str, search_query: str
) -> dict[str, Any]:
    """A results page's context of this shape, its words taken from `words` in turn."""
    said = cycle(words)
    places = [
        replace(
            PLACE,
            number=str(i),
            name=next(said),
            address=next(said) if shape["address"] else "",
            postcode="DE4 3DP" if shape["address"] else None,
            walk=next(said),
            miles=next(said),
            opening=next(said),
            id=f"V{i}",
        )
        for i in range(1, shape["places"] + 1)
    ]
    police = replace(PLACE, number="P", name=next(said), id="P1") if shape["police"] else None
    open_now = replace(places[-1], number="") if shape["open_now"] and places else None
    return {
        "pages": PAGES,
        "contacts": contact_book(PAGES).contacts,
        "nonce": nonce,
        "referrer_policy": "no-referrer",
        "staff_page": False,
        "q": next(said),
        "where": next(said),
        "messages": [next(said) for _ in range(shape["messages"])],
        "places": places,
        "police": police,
        "kept": Markup(f'{{"where": "{nonce}"}}'),
        "open_now": open_now,
        "outside": shape["outside"],
        "area_name": "Derbyshire",
        "open_minutes": 15,
        "map": MAP,
        "more_url": f"/find?q={nonce}&k=10" if shape["more"] else None,
        "search_query": search_query,
    }


_shapes = st.fixed_dictionaries(
    {
        "outside": st.booleans(),
        "open_now": st.booleans(),
        "messages": st.integers(0, 3),
        "places": st.integers(0, 4),
        "police": st.booleans(),
        "more": st.booleans(),
        "address": st.booleans(),
    }
)


@pytest.mark.parametrize("root", ["", "/safe"])
@settings(max_examples=60, deadline=None)
@given(
    shape=_shapes,
    first=st.lists(_words, min_size=1, max_size=6),
    then=st.lists(_words, min_size=1, max_size=6),
    search_query=st.sampled_from(["q=DE4+3AG", "lat=53.1&lon=-1.5", "q=%3Cscript%3E"]),
)
def test_a_kept_results_page_is_the_templates_page(
    root: str, shape: dict[str, Any], first: list[str], then: list[str], search_query: str
) -> None:
    env = make_templates(root).env
    pages = ResultsPages(env, root, PAGES)
    template = env.get_template("find.html")
    one = _context(first, shape, "n1", search_query)
    assert pages.filled(one) is None  # a new shape: not kept yet
    assert pages.rendered(one) == template.render(one)
    other = _context(then, shape, "n2<&>", "q=S40")
    made = pages.filled(other)
    if "\x00" not in template.render(one):  # a first page holding the mark keeps nothing
        assert made is not None
    if made is not None:
        assert made == template.render(other).encode()


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(_words, min_size=1, max_size=8),
    count=st.integers(0, 3),
    police=st.booleans(),
    typed=st.one_of(st.none(), _words),
)
def test_the_kept_places_json_is_the_templates(
    words: list[str], count: int, police: bool, typed: str | None
) -> None:
    shape = {"places": count, "police": police, "address": True, "open_now": False}
    context = _context(words, shape | {"messages": 0, "outside": False, "more": False}, "n", "")
    made = KeptJson()
    expected = htmlsafe_json_dumps(
        kept_words(context["places"], context["police"], typed), sort_keys=True
    )
    assert made(context["places"], context["police"], typed) == expected
    # Again, each place's own words now kept, with other words of the search.
    later = [replace(p, number="9", opening="<Opens> & 'soon'") for p in context["places"]]
    assert made(later, None, "x") == htmlsafe_json_dumps(
        kept_words(later, None, "x"), sort_keys=True
    )
    # The same views again, from the JSON kept for each, with another search's words.
    assert made(context["places"], context["police"], "<b>") == htmlsafe_json_dumps(
        kept_words(context["places"], context["police"], "<b>"), sort_keys=True
    )
