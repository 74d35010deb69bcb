"""When the place data last changed, as the conditional answers say it: read once per data
version, never for a version the process doesn't serve, and never holding an answer up."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import anyio

from api.conditional import DataStamps, Validators, matches, tag_of
from locator.errors import DatabaseUnreachable

T1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_read_once_per_version_and_only_for_the_version_served() -> None:
    reads: list[int] = []
    database = {"version": 3, "time": T1}

    def last_change() -> tuple[int, datetime]:
        reads.append(database["version"])  # type: ignore[arg-type]
        return database["version"], database["time"]  # type: ignore[return-value]

    stamps = DataStamps(lambda: "build", last_change)
    assert anyio.run(stamps.last_modified, 3) == T1
    assert anyio.run(stamps.last_modified, 3) == T1 and reads == [3]
    # An edit the process hasn't loaded yet: no date that names it for the older answer.
    database.update(version=4, time=T2)
    assert anyio.run(stamps.last_modified, 3) == T1
    assert anyio.run(stamps.last_modified, 4) == T2 and reads == [3, 4]


def test_the_database_away_leaves_the_etag_alone_and_is_not_asked_again_at_once() -> None:
    calls = 0

    def last_change() -> tuple[int, datetime]:
        nonlocal calls
        calls += 1
        raise DatabaseUnreachable("database unreachable: OperationalError")

    stamps = DataStamps(lambda: "build", last_change)
    assert anyio.run(stamps.last_modified, 1) is None
    assert anyio.run(stamps.last_modified, 1) is None and calls == 1


def test_a_read_in_progress_holds_no_other_answer_up() -> None:
    started, release = threading.Event(), threading.Event()

    def slow() -> tuple[int, datetime]:
        started.set()
        release.wait(10)
        return 1, T1

    stamps = DataStamps(lambda: "build", slow)
    first: list[datetime | None] = []
    reader = threading.Thread(target=lambda: first.append(anyio.run(stamps.last_modified, 1)))
    reader.start()
    assert started.wait(10)
    assert anyio.run(stamps.last_modified, 1) is None  # at once, without the date
    release.set()
    reader.join(10)
    assert first == [T1] and anyio.run(stamps.last_modified, 1) == T1


def test_tags_and_weak_comparison() -> None:
    strong, weak = tag_of("a", 1), tag_of("a", 1, weak=True)
    assert strong.startswith('"') and weak == "W/" + strong and tag_of("a", 2) != strong
    assert matches(f'"x", {weak}', strong) and matches("*", strong) and not matches('"x"', strong)
    assert Validators(strong).headers() == {"ETag": strong}
    assert Validators(strong, T1).headers()["Last-Modified"] == "Tue, 01 Dec 2026 09:00:00 GMT"
