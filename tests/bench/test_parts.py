"""The bench's parts: each can be run alone with --only."""

from __future__ import annotations

import pytest

from bench.__main__ import PARTS, parse_args


def test_the_results_page_can_be_measured_alone() -> None:
    assert parse_args(["--only", "find,national"]).only == ["find", "national"]
    assert {"find", "nearest-unique", "knn", "national"} <= set(PARTS)


def test_an_unknown_part_is_refused_with_the_parts_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--only", "finds"])
    assert "no such part: finds" in capsys.readouterr().err
    assert "find" in PARTS
