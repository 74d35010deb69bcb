"""The nearest-places route reads its query string once, as Starlette reads it, and answers
with the headers a plain `Response` has."""

from __future__ import annotations

from fastapi import Response
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams
from verify_budget import examples

from api.conditional import NO_STORE
from api.query import query_items
from api.routes.search import _JsonAnswer

BUDGET = settings(max_examples=examples(300))

# Query strings made of the characters that mean something in one, and some that don't.
_PARTS = st.sampled_from(["&", "=", "+", "%", "%2", "%20", "%2B", "%26", "%3D", "%C3%A9", "%ff"])
_TEXT = st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=6)
QUERIES = st.lists(st.one_of(_PARTS, _TEXT), max_size=12).map("".join)


@BUDGET
@given(QUERIES)
def test_a_query_string_is_read_as_starlette_reads_it(query: str) -> None:
    raw = query.encode("latin-1")
    assert query_items(raw) == QueryParams(raw).multi_items()


def test_examples_are_read_as_starlette_reads_them() -> None:
    for raw in [
        b"",
        b"postcode=DE4%203AG",
        b"postcode=DE4+3AG&k=2&&kind=a&kind=b",
        b"open_now&=x&a=b=c&%zz=%",
        b"q=caf%C3%A9&q=%E9",
    ]:
        assert query_items(raw) == QueryParams(raw).multi_items(), raw


def test_the_answer_has_the_headers_of_a_plain_response() -> None:
    for body in (b"", b"{}", b'{"places":[]}' * 100):
        plain = Response(body, media_type="application/json", headers={"Cache-Control": NO_STORE})
        answer = _JsonAnswer(body)
        assert answer.raw_headers == plain.raw_headers
        assert (answer.status_code, answer.body, answer.background) == (200, body, None)
