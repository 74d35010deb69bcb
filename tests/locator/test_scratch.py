"""A search's own scratch (`locator.scratch`): each thread's projection and query box."""

from __future__ import annotations

import threading

import shapely

from locator.geo import wgs84_to_bng
from locator.scratch import Scratch


def test_the_box_is_the_square_around_the_point() -> None:
    scratch = Scratch()
    assert shapely.bounds(scratch.box(400_000.0, 300_000.0, 250.0)).tolist() == [
        [399_750.0, 299_750.0, 400_250.0, 300_250.0]
    ]
    # Written in place: the next box replaces it.
    assert shapely.bounds(scratch.box(10.0, 20.0, 1.0)).tolist() == [[9.0, 19.0, 11.0, 21.0]]


def test_each_thread_has_its_own_box() -> None:
    """A box another thread writes (a search running alongside) never changes this one's."""
    scratch = Scratch()
    mine = scratch.box(1_000.0, 1_000.0, 10.0)
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(scratch.box(5_000.0, 5_000.0, 50.0)))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    assert shapely.bounds(mine).tolist() == [[990.0, 990.0, 1_010.0, 1_010.0]]
    assert shapely.bounds(theirs[0]).tolist() == [[4_950.0, 4_950.0, 5_050.0, 5_050.0]]


def test_a_point_is_projected_as_wgs84_to_bng_projects_it() -> None:
    scratch = Scratch()
    for lon, lat in [(-1.5545, 53.1385), (-1.4701, 53.3811), (-1.5545, 53.1385), (0.0, 51.5)]:
        assert scratch.grid(lon, lat) == wgs84_to_bng(lon, lat)
