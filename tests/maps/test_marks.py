"""Filling kept HTML escapes each value exactly as the templates' autoescape does; the
searched place's popup, kept, is the template's, whatever its label."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from locator.origin import Origin, OriginSource
from maps.marks import _replaced, escaped
from maps.render import _TEMPLATES, _origin_popup

HOSTILE = ["<script>alert(1)</script>", "\"q\" & 'single'", "a\x000\x00b", "\x00", "", "é 😀"]
_words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        _words,
        _words.map(Markup),
        st.integers(),
        st.floats(allow_nan=False),
        st.none(),
        st.booleans(),
    )
)
def test_a_value_is_escaped_as_markupsafe_escapes_it(value: object) -> None:
    assert escaped(value) == str(escape(value))


@settings(max_examples=300, deadline=None)
@given(text=_words)
def test_without_markupsafes_own_escaper_the_replaces_escape_the_same(text: str) -> None:
    assert _replaced(text) == str(escape(text))


@settings(max_examples=100, deadline=None)
@given(label=_words, approximate=st.booleans())
def test_the_searched_places_popup_is_the_templates(label: str, approximate: bool) -> None:
    origin = Origin(
        latitude=53.1,
        longitude=-1.5,
        label=label,
        source=OriginSource.POSTCODE,
        approximate=approximate,
    )
    template = _TEMPLATES.get_template("origin_popup.html")
    assert _origin_popup(origin) == template.render(origin=origin)
