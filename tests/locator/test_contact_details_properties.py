"""Properties of phone cells over many typed forms: what is stored reads back the same, what
is shown (the pages, the exports) imports back to the same stored value, and every number gets
one tel: link of the form the kept-places script lets through."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from verify_budget import examples

from locator.contact_details import InvalidPhone, phone_links, shown_phones, store_phones

# The tel: forms api/static/js/kept.js lets reach a link (the same pattern).
KEPT_TEL = re.compile(r"^tel:\+?[0-9]+(?:-[0-9]+)*(?:;ext=[0-9]{1,7})?$")
LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).map(str.strip)


@st.composite
def typed_number(draw: st.DrawFn) -> str:
    """One UK number as someone might type it: spaced any way, +44 (0), 0044, an extension,
    Relay UK's prefix, words in brackets."""
    start = draw(st.sampled_from(["01", "02", "07", "0800", "0345", "0330"]))
    digits = start + draw(
        st.text(alphabet="0123456789", min_size=11 - len(start), max_size=11 - len(start))
    )
    try:
        store_phones(digits)
    except InvalidPhone:
        assume(False)
    national = digits[1:]
    lead = draw(st.sampled_from(["0", "+44 ", "+44 (0)", "0044 ", "(0"]))
    body = national if lead != "(0" else national[:4] + ") " + national[4:]
    cuts = sorted(draw(st.sets(st.integers(1, len(body) - 1), max_size=3)))
    spaced = "".join(
        body[a:b] + " " for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)
    ).strip()
    text = lead + spaced
    relay = draw(st.booleans()) and lead in ("0", "+44 ")
    if relay:
        text = draw(st.sampled_from(["18001 ", "18002 "])) + text
    elif draw(st.booleans()):
        ext = draw(st.text(alphabet="0123456789", min_size=1, max_size=5))
        text += draw(st.sampled_from([" ext ", " ext. ", " x", " extension "])) + ext
    label = draw(LABEL)
    return text + (f" ({label})" if label else "")


@settings(max_examples=examples(60))
@given(st.lists(typed_number(), min_size=1, max_size=3))
def test_a_typed_cell_is_stored_once_and_shown_forms_read_back(numbers: list[str]) -> None:
    typed = " / ".join(numbers)
    stored = store_phones(typed)
    assert stored is not None
    assert store_phones(stored) == stored
    # What staff read (and an export writes) imports back as the same stored value.
    assert store_phones(shown_phones(stored)) == stored
    links = phone_links(stored)
    assert len(links) == len(numbers)
    assert all(KEPT_TEL.match(tel) for _, tel in links), links
    assert all("+44" in part or part.startswith("1800") for part in stored.split(" / "))
