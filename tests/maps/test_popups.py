"""A marker's popup's fixed part is made once for each place: the markers are the bytes the
template's macro and the script's JSON write, whatever the words (hostile ones included),
before and after it is kept."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from locator.venues import Category, Kind, LocationPrecision, Venue
from maps.popups import Popups
from maps.render import Opening, _js_literal, _marker_of, _popup_macro

HOSTILE = ["<script>alert(1)</script>", "\"q\" & 'single'", "a\x000\x00b", "\x00", "", "é 😀"]
_words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))
PLACE = Venue(
    id="V1",
    name="Matlock Library",
    kind=Kind.SAFE_PLACE,
    category=Category.LIBRARY,
    address="Steep Turnpike",
    postcode="DE4 3DP",
    latitude=53.1,
    longitude=-1.5,
    location_precision=LocationPrecision.BUILDING,
)


def _marker_json(
    number: str, venue: Venue, kind: str, distance: str | None, shown: Opening, root: str
) -> str:
    """The marker as the macro and `_js_literal` make it, nothing kept."""
    popup = _popup_macro(number, venue, distance, shown, root)
    return str(_js_literal(_marker_of(number, venue, kind, popup)))


@settings(max_examples=200, deadline=None)
@given(
    name=_words,
    address=_words,
    number=st.sampled_from(["1", "10", "P", ""]),
    distance=st.one_of(st.none(), _words),
    words=_words,
    state=st.sampled_from(["open", "closed", "unknown"]),
    root=st.sampled_from(["", "/safe"]),
    kind=st.sampled_from(["safe_place", "police"]),
    latitude=st.floats(-90, 90),
)
def test_a_marker_and_its_popup_are_the_macros(
    name: str,
    address: str,
    number: str,
    distance: str | None,
    words: str,
    state: str,
    root: str,
    kind: str,
    latitude: float,
) -> None:
    venue = replace(PLACE, name=name, address=address, latitude=latitude)
    shown = Opening(words, state)
    popups = Popups().for_places(object())
    made = popups.marker(number, venue, kind, distance, shown, root)
    assert made == _marker_json(number, venue, kind, distance, shown, root)
    assert json.loads(made)["popup"] == _popup_macro(number, venue, distance, shown, root)
    # Again, now kept, with another search's words.
    other = Opening("Closed now. <Opens> at 9 & on", state)
    far = distance and "1 mile's <walk>"
    assert popups.marker("7", venue, kind, far, other, root) == _marker_json(
        "7", venue, kind, far, other, root
    )
    # The first search's words again (a whole marker kept), and the place changed.
    assert popups.marker(number, venue, kind, distance, shown, root) == made
    moved = replace(venue, name=f"{name} (moved)", latitude=-latitude)
    assert popups.marker(number, moved, kind, distance, shown, root) == _marker_json(
        number, moved, kind, distance, shown, root
    )
