"""A results list's places, made once for each place and filled in for each search, are the
bytes the template's own macro writes, hostile words included."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.html import make_templates
from api.views import PlaceView

PLACE = PlaceView(
    number="1",
    id="V001",
    name="Matlock Library",
    kind="safe_place",
    category_label="Library",
    icon="library",
    pic="library",
    distance="about 6 minutes' walk, 0.3 miles",
    walk="About 6 minutes' walk",
    miles="0.3 miles",
    opening="Open now. Closes at 5pm.",
    open_state="open",
    address="Steep Turnpike, Matlock",
    postcode="DE4 3DP",
    location_note=None,
    verified=True,
    phone="01629 533000",
    phones=[("01629 533000", "tel:+441629533000")],
    directions="https://www.openstreetmap.org/directions?to=53.1,-1.5",
    website=None,
    email=None,
    accessibility_notes=None,
    latitude=53.1,
    longitude=-1.5,
)
HOSTILE = [
    "<script>alert(1)</script>",
    "\"quoted\" & 'single'",
    "a\x000\x00b",
    "\x00",
    "",
    "é ü 😀",
]
_words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))


@pytest.mark.parametrize("root", ["", "/safe"])
@settings(max_examples=150, deadline=None)
@given(
    name=_words,
    address=_words,
    number=st.sampled_from(["1", "2", "10", "P", ""]),
    walk=st.one_of(st.none(), _words),
    miles=_words,
    opening=_words,
    state=st.sampled_from(["open", "closed", "unknown"]),
    verified=st.booleans(),
    search_query=st.one_of(st.none(), st.sampled_from(["q=DE4+3AG", "lat=53.1&lon=-1.5"]), _words),
)
def test_a_listed_place_is_the_macros_html(
    root: str,
    name: str,
    address: str,
    number: str,
    walk: str | None,
    miles: str,
    opening: str,
    state: str,
    verified: bool,
    search_query: str | None,
) -> None:
    env = make_templates(root).env
    macro = env.get_template("partials/places.html").module.place_item  # type: ignore[attr-defined]
    listed = env.globals["listed_place"]
    p = replace(
        PLACE,
        name=name,
        address=address,
        number=number,
        walk=walk,
        miles=miles,
        opening=opening,
        open_state=state,
        verified=verified,
    )
    assert str(listed(p, search_query)) == str(macro(p, search_query))  # type: ignore[operator]
    # Again, now that the place's fixed words are kept, with other words of the search.
    other = replace(p, number="7", walk="About 1 minute's walk", miles="<0.1 & more")
    assert str(listed(other, "q=S40")) == str(macro(other, "q=S40"))  # type: ignore[operator]
    # The same views again with other searches: from the HTML kept for each view.
    for view in (p, other):
        for asked in (search_query, "q=<b>&'x'", "lat=53.1&lon=-1.5"):
            assert str(listed(view, asked)) == str(macro(view, asked))  # type: ignore[operator]


@settings(max_examples=100, deadline=None)
@given(
    name=_words,
    opening=_words,
    size=st.sampled_from([40, 48]),
    queries=st.lists(st.one_of(st.sampled_from(["q=DE4+3AG", "q=<b>&'x'"]), _words), max_size=4),
)
def test_the_answered_place_is_the_macros_html(
    name: str, opening: str, size: int, queries: list[str]
) -> None:
    env = make_templates("").env
    macro = env.get_template("partials/answer_place.html").module.answer_place  # type: ignore[attr-defined]
    answered = env.globals["answered_place"]
    p = replace(PLACE, name=name, opening=opening)
    for asked in ["q=DE4+3AG", *queries, "q=DE4+3AG"]:
        got = str(answered(p, size, asked))  # type: ignore[operator]
        assert got == str(macro(p, size, asked))
