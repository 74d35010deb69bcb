"""A popup's fixed part is made once for each place: the popups are the bytes the template's
macro writes, whatever the words (hostile ones included), before and after it is kept."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from locator.venues import Category, Kind, LocationPrecision, Venue
from maps.render import Opening, _popup, _popup_macro

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


@settings(max_examples=200, deadline=None)
@given(
    name=_words,
    address=_words,
    number=st.sampled_from(["1", "10", "P", ""]),
    distance=st.one_of(st.none(), _words),
    words=_words,
    state=st.sampled_from(["open", "closed", "unknown"]),
    root=st.sampled_from(["", "/safe"]),
)
def test_a_popup_is_the_macros_html(
    name: str,
    address: str,
    number: str,
    distance: str | None,
    words: str,
    state: str,
    root: str,
) -> None:
    venue = replace(PLACE, name=name, address=address)
    shown = Opening(words, state)
    assert _popup(number, venue, distance, shown, root) == _popup_macro(
        number, venue, distance, shown, root
    )
    # Again, now kept, with another search's words.
    other = Opening("Closed now. <Opens> at 9 & on", state)
    assert _popup("7", venue, distance and "1 mile's", other, root) == _popup_macro(
        "7", venue, distance and "1 mile's", other, root
    )
