"""`CodeRows` finds each code's row as a binary search of the sorted codes would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.code_rows import CodeRows
from geodata.gazetteer import Gazetteer
from geodata.postcodes import Postcode

# Mostly postcode-shaped, with malformed and short codes that split or lack a sector.
_CHARS = st.sampled_from(list("ABDEG19 \x00"))
_CODES = st.lists(st.text(_CHARS, min_size=0, max_size=8), min_size=0, max_size=60)


def _truth(codes: np.ndarray, value: str) -> int | None:
    key = value.encode("latin-1")
    i = int(np.searchsorted(codes, key))
    return i if i < len(codes) and codes[i] == key else None


def _sorted(texts: list[str]) -> np.ndarray:
    return np.sort(np.array([t.encode("latin-1") for t in texts], dtype="S8"))


@settings(max_examples=300, deadline=None)
@given(_CODES, st.lists(st.text(_CHARS, min_size=1, max_size=8), max_size=20))
def test_every_code_and_every_other_text_is_placed_as_a_binary_search_places_it(
    texts: list[str], others: list[str]
) -> None:
    codes = _sorted(texts)
    built = CodeRows.build(codes)
    cached = CodeRows.from_arrays(codes, CodeRows.arrays_of(codes))
    for raw in [c.decode("latin-1") for c in codes.tolist()] + others:
        value = raw.rstrip("\x00")  # as numpy holds it: no NUL at the end
        if not value:
            continue
        want = _truth(codes, value)
        got = built.row(value)
        # Duplicates: any row holding the code is the code's.
        assert got == cached.row(value)
        if want is None:
            assert got is None
        else:
            assert got is not None and codes[got] == codes[want]


def test_a_sector_split_by_a_malformed_code_still_finds_both_runs() -> None:
    codes = _sorted(["DE4 3AA", "DE4 3AZ", "DE4 3B", "DE4 3BA", "DE4 3ZZ", "X"])
    rows = CodeRows.build(codes)
    for i, code in enumerate(codes.tolist()):
        assert rows.row(code.decode()) == i
    assert rows.row("DE4 3AB") is None and rows.row("DE4 3ZY") is None


def test_real_postcodes_are_found_at_their_rows(real_data_dir: Path, tmp_path: Path) -> None:
    source = real_data_dir / "postcodes_derbyshire.csv.gz"
    frame = pd.read_csv(source, usecols=["postcode"], dtype=str)
    Gazetteer.load(source, tmp_path)
    for gazetteer in (Gazetteer.load(source), Gazetteer.load(source, tmp_path)):  # cache too
        codes = gazetteer.codes()
        rows = gazetteer._rows
        for i, code in enumerate(codes.tolist()):
            assert rows.row(code.decode()) == i
        assert len(codes) == frame["postcode"].nunique()
        for code in frame["postcode"].sample(200, random_state=1):
            found = gazetteer.find(Postcode(code.strip().upper()))
            assert found is not None and found.postcode.value == code.strip().upper()
