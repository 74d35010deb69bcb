"""The nearest-places answer built from kept fragments is, byte for byte, the answer the
response model writes, and validates against it: for every way of asking, at times across
closing, midnight, overnight spans and both clock changes, asked again and again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_now
from api.schemas import NearestOut
from api.settings import Settings
from geodata.resolver import LocationResolver
from locator.hours import LONDON
from locator.search import Locator, SearchRequest, SearchResult, search
from locator.venues import Category, Kind

NEAREST = "/api/v1/places/nearest"

# Each way of asking: the query string, and the same search as the domain reads it.
CASES: list[tuple[dict[str, object], SearchRequest]] = [
    ({"postcode": "DE4 3AG"}, SearchRequest(postcode="DE4 3AG")),
    ({"q": "Matlock", "k": 2}, SearchRequest(text="Matlock", k=2)),
    ({"q": "DE4 3AG"}, SearchRequest(text="DE4 3AG")),
    ({"lat": 53.1, "lon": -1.39}, SearchRequest(latitude=53.1, longitude=-1.39)),
    ({"lat": 53, "lon": -1}, SearchRequest(latitude=53.0, longitude=-1.0)),
    ({"lat": 51.501, "lon": -0.1416}, SearchRequest(latitude=51.501, longitude=-0.1416)),
    ({"postcode": "DE4 3AG", "k": 50}, SearchRequest(postcode="DE4 3AG", k=50)),
    ({"postcode": "DE4 3AG", "open_now": "true"}, SearchRequest(postcode="DE4 3AG", open_now=True)),
    (
        {"postcode": "DE4 3AG", "category": "shop,library"},
        SearchRequest(
            postcode="DE4 3AG",
            kinds=(Kind.SAFE_PLACE,),
            categories=(Category.SHOP, Category.LIBRARY),
        ),
    ),
    (
        {"postcode": "DE4 3AG", "kind": "police_enquiry_office"},
        SearchRequest(postcode="DE4 3AG", kinds=(Kind.POLICE_ENQUIRY_OFFICE,)),
    ),
    (
        {"postcode": "DE4 3AG", "kind": ["safe_place", "police_enquiry_office"]},
        SearchRequest(postcode="DE4 3AG", kinds=(Kind.SAFE_PLACE, Kind.POLICE_ENQUIRY_OFFICE)),
    ),
    ({"postcode": "DE4 3AG", "radius_m": 1000}, SearchRequest(postcode="DE4 3AG", radius_m=1000)),
    ({"postcode": "DE4 3AG", "radius_m": 1}, SearchRequest(postcode="DE4 3AG", radius_m=1)),
    ({"q": "DE4 9ZZ"}, SearchRequest(text="DE4 9ZZ")),  # unknown: the middle of its district
    ({"q": "DE4 3"}, SearchRequest(text="DE4 3")),  # a sector
    ({"postcode": "DE4 3ZZ"}, SearchRequest(postcode="DE4 3ZZ")),  # no longer in use
    ({"q": "M12 4HP"}, SearchRequest(text="M12 4HP")),  # a real postcode beyond the area
]

MOMENTS = [
    datetime(2026, 11, 24, 10, 0, tzinfo=LONDON),  # Tuesday morning: the library is open
    datetime(2026, 11, 24, 16, 58, 10, tzinfo=LONDON),
    datetime(2026, 11, 24, 17, 0, tzinfo=LONDON),  # it has just closed
    datetime(2026, 11, 23, 23, 30, tzinfo=LONDON),  # the shop's Monday night, past midnight
    datetime(2026, 11, 24, 1, 59, tzinfo=LONDON),
    datetime(2026, 11, 28, 12, 0, tzinfo=LONDON),  # Saturday: closes at noon
    datetime(2026, 11, 29, 23, 59, tzinfo=LONDON),  # Sunday night: "tomorrow" is Monday
    datetime(2026, 6, 15, 16, 30, tzinfo=LONDON),  # summer time
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the clocks go forward at 01:00 UTC
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 01:30 BST, then the clocks go back
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 01:30 GMT
    datetime(2026, 12, 25, 10, 0, tzinfo=LONDON),  # Christmas Day
    # England's bank holidays: the library (weekday hours, nothing said of bank holidays) is
    # closed all day on them and opens the day after.
    datetime(2026, 8, 31, 10, 0, tzinfo=LONDON),  # the summer bank holiday
    datetime(2026, 8, 29, 12, 30, tzinfo=LONDON),  # the Saturday before: opens on Tuesday
    datetime(2026, 12, 28, 9, 30, tzinfo=LONDON),  # Boxing Day's substitute Monday
    datetime(2027, 3, 26, 12, 0, tzinfo=LONDON),  # Good Friday
    datetime(2027, 3, 29, 8, 59, tzinfo=LONDON),  # Easter Monday, after the clocks went forward
    datetime(2027, 5, 3, 17, 0, tzinfo=LONDON),  # the early May bank holiday
]


class Clock:
    def __init__(self) -> None:
        self.now = MOMENTS[0]

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def client(national_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(national_settings)
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as c:
        yield c


def _reference(client: TestClient, asked: SearchRequest, now: datetime) -> bytes:
    """The answer as the response model writes it, from the hours read afresh."""
    state = client.app.state  # type: ignore[attr-defined]
    resolver: LocationResolver = state.resolver
    # A locator of its own: none of the opening words the app has kept.
    live: Locator = state.registry.current
    fresh = Locator(live.index, live.area, live.settings)
    result = search(
        SearchRequest(**{**_fields(asked), "nearest_open": False}), resolver, fresh, now
    )
    assert isinstance(result, SearchResult)
    return NearestOut.of(result, now).model_dump_json().encode()


def _fields(asked: SearchRequest) -> dict[str, object]:
    return {name: getattr(asked, name) for name in SearchRequest.__slots__}


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.isoformat())
def test_the_answer_is_the_response_models_byte_for_byte(
    client: TestClient, clock: Clock, now: datetime
) -> None:
    client.app.state.search_cache.clear()  # type: ignore[attr-defined]
    clock.now = now.astimezone(LONDON)
    for params, asked in CASES:
        r = client.get(NEAREST, params=params)
        assert r.status_code == 200, (params, r.text)
        assert r.headers["content-type"] == "application/json"
        NearestOut.model_validate_json(r.content)
        assert r.content == _reference(client, asked, clock.now), params


def test_kept_words_follow_the_clock(client: TestClient, clock: Clock) -> None:
    """One search asked every 17 minutes over two days, with nothing cached: each answer is
    the one the hours give at that moment (the words kept move on when they change)."""
    start = datetime(2026, 11, 23, 0, 0, tzinfo=LONDON)
    cache = client.app.state.search_cache  # type: ignore[attr-defined]
    for step in range(0, 2 * 24 * 60, 17):
        clock.now = start + timedelta(minutes=step)
        cache.clear()
        for params, asked in CASES[:2] + CASES[3:4]:
            r = client.get(NEAREST, params=params)
            assert r.content == _reference(client, asked, clock.now), (params, clock.now)


def test_a_bank_holiday_answer_says_closed_and_when_it_opens(
    client: TestClient, clock: Clock
) -> None:
    client.app.state.search_cache.clear()  # type: ignore[attr-defined]
    clock.now = datetime(2026, 8, 31, 10, 0, tzinfo=LONDON)
    body = client.get(NEAREST, params={"postcode": "DE4 3AG", "k": 50}).json()
    [library] = [p for p in body["places"] if p["name"] == "Matlock Library"]
    assert library["open_now"] is False
    assert library["opening_status"] == "Closed today: bank holiday. Opens tomorrow at 9am."
    assert library["opens_at"] == "2026-09-01T09:00:00+01:00"
    assert library["opening_hours"]["bank_holidays"] == []
    clock.now = datetime(2026, 9, 1, 10, 0, tzinfo=LONDON)
    client.app.state.search_cache.clear()  # type: ignore[attr-defined]
    body = client.get(NEAREST, params={"postcode": "DE4 3AG", "k": 50}).json()
    [library] = [p for p in body["places"] if p["name"] == "Matlock Library"]
    assert library["open_now"] is True
    assert library["opening_status"] == "Open now. Closes at 5pm."
