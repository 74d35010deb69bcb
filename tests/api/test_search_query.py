"""The nearest-places route reads its query string once, as Starlette reads it, and answers
with the headers a plain `Response` has."""

from __future__ import annotations

import orjson
from fastapi import Response
from fastapi.dependencies.utils import get_dependant
from fastapi.exceptions import RequestValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from starlette.datastructures import QueryParams
from verify_budget import examples

from api.conditional import NO_STORE
from api.query import QueryReader, query_items
from api.routes.search import _JsonAnswer, nearest_places

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


@BUDGET
@given(st.floats(min_value=0, max_value=45_000_000, allow_nan=False))
def test_metres_are_written_as_their_rounded_float_is(metres: float) -> None:
    # The answer writes a distance as "%.1f"; its model writes `round(metres, 1)`.
    assert b"%.1f" % metres == orjson.dumps(round(metres, 1))


def test_metres_at_the_rounding_edges_are_written_as_their_rounded_float_is() -> None:
    edges = [0.0, 0.05, 0.15, 0.25, 0.95, 1.05, 2.675, 999.95, 1000.05, 12345.65, 0.04999]
    for metres in edges + [n / 20 for n in range(20_000)]:
        assert b"%.1f" % metres == orjson.dumps(round(metres, 1)), metres


def _reader() -> QueryReader:
    return QueryReader(get_dependant(path="/nearest", call=nearest_places).query_params)


def _by_the_model(reader: QueryReader, items: list[tuple[str, str]]) -> dict[str, object]:
    given = dict(items)
    try:
        return dict(reader._model.model_validate(given).__dict__)
    except ValidationError:
        return {"refused": True}


def _read(reader: QueryReader, items: list[tuple[str, str]]) -> dict[str, object]:
    try:
        return reader.read(items)
    except RequestValidationError:
        return {"refused": True}


@BUDGET
@given(st.sampled_from(["postcode", "q"]), st.text(max_size=210), st.booleans())
def test_text_is_read_as_the_model_reads_it(name: str, text: str, open_now: bool) -> None:
    reader = _reader()
    items = [(name, text)] + ([("open_now", "true")] if open_now else [])
    assert _read(reader, items) == _by_the_model(reader, items)


def test_texts_at_their_limits_are_read_as_the_model_reads_them() -> None:
    reader = _reader()
    for name, limit in (("postcode", 20), ("q", 200)):
        for length in (0, 1, limit - 1, limit, limit + 1):
            items = [(name, "é" * length)]
            assert _read(reader, items) == _by_the_model(reader, items), (name, length)
