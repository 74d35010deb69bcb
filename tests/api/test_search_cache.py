"""The cache of nearest-place answers: repeats are served from it, an edit empties it, and an
answer is never served after its opening words change (an "open now" search: after its
minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cache import ResponseCache
from api.deps import get_now
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role
from locator.hours import LONDON

# A Tuesday: Matlock Library (S1) is open 09:00-17:00.
OPEN = datetime(2026, 11, 24, 16, 58, 10, tzinfo=LONDON)
NEAREST = "/api/v1/places/nearest"


class Clock:
    def __init__(self) -> None:
        self.now = OPEN

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, module_database_url: str, clock: Clock
) -> Iterator[TestClient]:
    settings = synthetic_settings.model_copy(update={"database_url": module_database_url})
    app = create_app(settings)
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as c:
        yield c


@pytest.fixture
def cache(client: TestClient, clock: Clock) -> ResponseCache:
    """The app's cache (made by the first search), emptied."""
    clock.now = OPEN
    assert client.get(NEAREST, params={"postcode": "DE4 5AA"}).status_code == 200
    found: ResponseCache = client.app.state.search_cache  # type: ignore[attr-defined]
    found.clear()
    found.hits = found.misses = 0
    return found


def _admin(client: TestClient) -> dict[str, str]:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    found = users.find("cache-admin@council.gov.uk")
    if found is None:
        found = users.create_user(
            "cache-admin@council.gov.uk", "Admin", Role.ADMIN, "correct horse battery", frozenset()
        )
    return {"Authorization": f"Bearer {users.create_token(found.id, 'cache tests')}"}


def test_a_repeated_search_is_served_from_the_cache(
    client: TestClient, cache: ResponseCache
) -> None:
    first = client.get(NEAREST, params={"postcode": "DE4 3AG"})
    assert first.status_code == 200 and (cache.hits, cache.misses) == (0, 1)
    again = client.get(NEAREST, params={"postcode": "DE4 3AG"})
    assert again.status_code == 200 and cache.hits == 1
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    # Any other parameter is another search.
    other = client.get(NEAREST, params={"postcode": "DE4 3AG", "k": 2})
    assert len(other.json()["places"]) == 2 and cache.misses == 2


def test_errors_are_not_kept(client: TestClient, cache: ResponseCache) -> None:
    for _ in range(2):
        assert client.get(NEAREST, params={"postcode": "DE99 9ZZ"}).status_code == 404
        assert client.get(NEAREST, params={"postcode": "DE4 3AG", "k": 99}).status_code == 422
    assert cache.hits == 0 and len(cache) == 0


def test_an_edit_through_the_staff_api_is_seen_by_the_next_search(
    client: TestClient, cache: ResponseCache
) -> None:
    admin = _admin(client)
    before = client.get(NEAREST, params={"postcode": "DE4 3AG"}).json()
    assert "S1" in [p["id"] for p in before["places"]]
    assert client.get(NEAREST, params={"postcode": "DE4 3AG"}).json() == before  # cached
    try:
        suspended = client.post(
            "/api/v1/admin/places/S1/suspend",
            headers=admin,
            json={"reason": "Closed for refurbishment"},
        )
        assert suspended.status_code == 200, suspended.text
        after = client.get(NEAREST, params={"postcode": "DE4 3AG"}).json()
        assert "S1" not in [p["id"] for p in after["places"]]
    finally:
        restored = client.post("/api/v1/admin/places/S1/activate", headers=admin)
        assert restored.status_code == 200, restored.text
    again = client.get(NEAREST, params={"postcode": "DE4 3AG"}).json()
    assert "S1" in [p["id"] for p in again["places"]]


def test_answers_are_kept_for_their_minute_only(
    client: TestClient, cache: ResponseCache, clock: Clock
) -> None:
    params = {"postcode": "DE4 3AG", "open_now": "true"}
    open_answer = client.get(NEAREST, params=params).json()
    assert [p["id"] for p in open_answer["places"]] == ["S1"]
    assert open_answer["places"][0]["opening_status"] == "Open now. Closes at 5pm."
    # Later in the same minute: the same answer, from the cache.
    clock.now = OPEN + timedelta(seconds=45)
    assert client.get(NEAREST, params=params).json() == open_answer and cache.hits == 1
    # After closing time the library is no longer open: not the kept answer.
    clock.now = OPEN + timedelta(minutes=2)
    closed = client.get(NEAREST, params=params).json()
    assert closed["places"] == [] and cache.hits == 1
    # Without open_now the list stays, but what it says about opening changes.
    listed = client.get(NEAREST, params={"postcode": "DE4 3AG"}).json()
    library = next(p for p in listed["places"] if p["id"] == "S1")
    assert library["open_now"] is False and library["opening_status"].startswith("Closed now.")


def test_the_cache_is_bounded() -> None:
    cache = ResponseCache(size=3)
    data = object()
    for i in range(5):
        cache.put(data, i, b"%d" % i)
    assert len(cache) == 3 and cache.get(data, 0) is None and cache.get(data, 4) == b"4"
    cache.get(data, 2)  # used: kept over 3
    cache.put(data, 5, b"5")
    assert cache.get(data, 2) == b"2" and cache.get(data, 3) is None
    # Other data: nothing kept may be served.
    assert cache.get(object(), 2) is None
    cache.put(object(), 9, b"9")
    assert len(cache) == 1


def test_answers_are_kept_until_their_opening_words_change(
    client: TestClient, cache: ResponseCache, clock: Clock
) -> None:
    """Without open_now, an answer holds across minutes until a listed place opens or closes
    (or midnight): no minute boundary empties the cache."""
    params = {"postcode": "DE4 3AG"}
    first = client.get(NEAREST, params=params).json()
    library = next(p for p in first["places"] if p["id"] == "S1")
    assert library["opening_status"] == "Open now. Closes at 5pm."
    clock.now = OPEN + timedelta(minutes=1, seconds=20)  # 16:59:30, another minute
    assert client.get(NEAREST, params=params).json() == first and cache.hits == 1
    clock.now = OPEN + timedelta(minutes=2)  # 17:00:10: the library has closed
    later = client.get(NEAREST, params=params).json()
    library = next(p for p in later["places"] if p["id"] == "S1")
    assert library["opening_status"].startswith("Closed now.") and cache.hits == 1


def test_an_answer_ends_at_midnight_at_the_latest() -> None:
    from locator.origin import Origin, OriginSource
    from locator.search import SearchResult, valid_until

    now = datetime(2026, 11, 24, 22, 0, tzinfo=LONDON)
    origin = Origin(53.14, -1.55, "DE4 3AG", OriginSource.POSTCODE)
    empty = SearchResult(origin, True, [], None)
    assert valid_until(empty, None, now) == datetime(2026, 11, 25, 0, 0, tzinfo=LONDON)


def test_the_places_file_is_kept_until_the_data_changes(client: TestClient) -> None:
    first = client.get("/api/v1/places")
    assert first.status_code == 200 and first.headers["content-type"] == "application/geo+json"
    again = client.get("/api/v1/places")
    assert again.content == first.content
    places_cache: ResponseCache = client.app.state.places_cache  # type: ignore[attr-defined]
    assert places_cache.hits >= 1
    before = {f["id"]: f for f in first.json()["features"]}
    store = client.app.state.datasets.store  # type: ignore[attr-defined]
    row = store.get("S1")
    store.update("S1", {"phone": "01629 533499"}, "cache-test", row.version)
    after = {f["id"]: f for f in client.get("/api/v1/places").json()["features"]}
    assert (
        after["S1"]["properties"]["phone"] == "01629 533499" != before["S1"]["properties"]["phone"]
    )
