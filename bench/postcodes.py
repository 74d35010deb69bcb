"""Postcode lookups: `Gazetteer.find` on parsed postcodes, and `parse_postcode` on its own."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from bench.timing import Timing, interleaved, time_once
from geodata.gazetteer import Gazetteer
from geodata.postcodes import parse_postcode


@dataclass
class GazetteerResult:
    label: str
    source: str
    postcodes: int
    districts: int
    load_source: Timing  # from the source file, including writing the cache
    load_cache: Timing
    sample: int
    find: Timing
    parse_and_find: Timing
    misses: int  # sampled postcodes that find() did not return correctly


@dataclass
class ParseResult:
    label: str
    example: str
    timing: Timing


def run_gazetteer(
    label: str, path: Path, sample: int, seed: int, repeats: int, load_repeats: int
) -> tuple[GazetteerResult, list[str]]:
    """Time loading and lookups; also return the sampled postcodes (as text)."""
    with tempfile.TemporaryDirectory(prefix="bench-gazetteer-") as tmp:
        source_times: list[float] = []
        cache_dir = Path(tmp) / "cache-0"
        for i in range(load_repeats):
            # A fresh, empty cache dir each time, so every one of these loads reads the source.
            cache_dir = Path(tmp) / f"cache-{i}"
            source_times.append(time_once(partial(Gazetteer.load, path, cache_dir)))
        if not any(cache_dir.iterdir()):
            raise AssertionError(f"Gazetteer.load wrote no cache into {cache_dir}")
        cache_times = interleaved(
            {"cache": partial(Gazetteer.load, path, cache_dir)}, repeats=max(3, load_repeats)
        )["cache"]
        gazetteer = Gazetteer.load(path, cache_dir)

    codes = gazetteer.postcodes()
    rows = np.random.default_rng(seed).choice(
        len(codes), size=min(sample, len(codes)), replace=False
    )
    texts = [str(c) for c in codes[rows]]
    parsed = [parse_postcode(t) for t in texts]
    misses = 0
    for pc in parsed:
        found = gazetteer.find(pc)
        if found is None or found.postcode != pc:
            misses += 1
    find = gazetteer.find

    def run_find() -> None:
        for pc in parsed:
            find(pc)

    def run_parse_and_find() -> None:
        for text in texts:
            find(parse_postcode(text))

    timings = interleaved(
        {"find": run_find, "parse+find": run_parse_and_find}, repeats=repeats, ops=len(texts)
    )
    result = GazetteerResult(
        label=label,
        source=path.name,
        postcodes=len(gazetteer),
        districts=gazetteer.district_count,
        load_source=Timing(tuple(source_times)),
        load_cache=cache_times,
        sample=len(texts),
        find=timings["find"],
        parse_and_find=timings["parse+find"],
        misses=misses,
    )
    return result, texts


def run_parse(texts: list[str], repeats: int) -> list[ParseResult]:
    """parse_postcode on normal forms ("DE4 3AG") and as people type them ("de43ag ")."""
    typed = [f" {t.lower().replace(' ', '')} " for t in texts]

    def normal() -> None:
        for t in texts:
            parse_postcode(t)

    def casual() -> None:
        for t in typed:
            parse_postcode(t)

    timings = interleaved({"normal": normal, "typed": casual}, repeats=repeats, ops=len(texts))
    return [
        ParseResult("normal form", texts[0], timings["normal"]),
        ParseResult("lower case, no space, padded", typed[0], timings["typed"]),
    ]
