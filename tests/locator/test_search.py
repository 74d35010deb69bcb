"""The search use case, without HTTP: one request in, one answer out, for every entry point."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.resolver import LocationResolver
from locator.errors import AmbiguousPlace, InvalidCoordinates, InvalidParameter, UnknownPlace
from locator.filter import VenueFilter
from locator.hours import LONDON
from locator.origin import EMPTY_SEARCH, Choices
from locator.search import Locator, SearchRequest, SearchResult, search
from locator.venues import Category, Kind

MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SUNDAY_NOON = datetime(2026, 11, 22, 12, 0, tzinfo=LONDON)


@pytest.fixture(scope="module")
def parts(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> tuple[LocationResolver, Locator]:
    db = Path(tmp_path_factory.mktemp("search")) / "places.db"
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    datasets = load_datasets(settings)
    return datasets.resolver(settings), datasets.locator(settings)


def _found(
    parts: tuple[LocationResolver, Locator], now: datetime = MONDAY_10AM, **asked: object
) -> SearchResult:
    resolver, locator = parts
    result = search(SearchRequest(**asked), resolver, locator, now)  # type: ignore[arg-type]
    assert isinstance(result, SearchResult), result
    return result


def test_a_postcode_gives_places_nearest_first_the_police_and_the_nearest_open(
    parts: tuple[LocationResolver, Locator],
) -> None:
    result = _found(parts, text="de4 3ag")
    assert result.origin.label == "DE4 3AG" and result.in_service_area
    distances = [m.distance_m for m in result.places]
    # The café's pin is the middle of DE4 3AG itself; the library is round the corner.
    assert distances == sorted(distances)
    assert [m.venue.id for m in result.places[:2]] == ["S2", "S1"]
    assert all(m.venue.kind is Kind.SAFE_PLACE for m in result.places)
    assert result.nearest_police is not None
    assert result.nearest_police.venue.kind is Kind.POLICE_ENQUIRY_OFFICE
    # The café's hours aren't known; the library is open on a Monday morning, close by.
    assert result.nearest_open is not None and result.nearest_open.venue.id == "S1"
    # The answer holds until the library closes at 5pm.
    assert result.valid_until == datetime(2026, 11, 23, 17, 0, tzinfo=LONDON)


def test_nothing_open_within_the_walk_on_a_sunday(parts: tuple[LocationResolver, Locator]) -> None:
    result = _found(parts, SUNDAY_NOON, text="DE4 3AG")
    assert result.nearest_open is None and result.places
    only_open = _found(parts, SUNDAY_NOON, text="DE4 3AG", open_now=True)
    assert only_open.places == []
    assert "We couldn't find a Safe Place open now near here." in only_open.messages


def test_clients_that_do_not_show_the_open_place_skip_it(
    parts: tuple[LocationResolver, Locator],
) -> None:
    assert _found(parts, text="DE4 3AG", nearest_open=False).nearest_open is None


def test_the_same_origin_from_a_postcode_a_name_or_coordinates(
    parts: tuple[LocationResolver, Locator],
) -> None:
    by_postcode = _found(parts, postcode="DE4 3AG")
    by_point = _found(parts, latitude=53.142342, longitude=-1.551396)
    assert [m.venue.id for m in by_postcode.places] == [m.venue.id for m in by_point.places]
    assert by_point.origin.label == "your location"
    assert _found(parts, text="Matlock").origin.label.startswith("Matlock")


def test_kinds_and_categories_filter_the_places(parts: tuple[LocationResolver, Locator]) -> None:
    police = _found(parts, text="DE4 3AG", kinds=(Kind.POLICE_ENQUIRY_OFFICE,))
    assert police.places and all(m.venue.kind is Kind.POLICE_ENQUIRY_OFFICE for m in police.places)
    libraries = _found(parts, text="DE4 3AG", categories=(Category.LIBRARY,), k=1)
    assert [m.venue.category for m in libraries.places] == [Category.LIBRARY]


def test_an_ambiguous_name_gives_choices_never_a_pick(
    parts: tuple[LocationResolver, Locator],
) -> None:
    resolver, locator = parts
    found = search(SearchRequest(text="Newton"), resolver, locator, MONDAY_10AM)
    assert isinstance(found, Choices) and len(found.options) == 2
    assert isinstance(found.error(), AmbiguousPlace)
    partly = search(SearchRequest(text="matl"), resolver, locator, MONDAY_10AM)
    assert isinstance(partly, Choices) and isinstance(partly.error(), UnknownPlace)


@pytest.mark.parametrize(
    ("asked", "error", "words"),
    [
        ({}, InvalidParameter, EMPTY_SEARCH),
        ({"text": "   "}, InvalidParameter, EMPTY_SEARCH),
        ({"text": "DE4 3AG", "postcode": "DE4 3AG"}, InvalidParameter, "only one of"),
        ({"latitude": 53.1}, InvalidParameter, "both lat and lon"),
        ({"latitude": 95.0, "longitude": 0.0}, InvalidCoordinates, "between -90 and 90"),
        ({"text": "DE4 3AG", "k": 0}, InvalidParameter, "from 1 to 50"),
        ({"text": "DE4 3AG", "k": 51}, InvalidParameter, "from 1 to 50"),
        ({"text": "DE4 3AG", "radius_m": 0}, InvalidParameter, "more than 0"),
        ({"text": "DE4 3AG", "radius_m": 10**7}, InvalidParameter, "at most 100000 metres"),
    ],
)
def test_bad_searches_say_what_to_do(
    parts: tuple[LocationResolver, Locator],
    asked: dict[str, object],
    error: type[Exception],
    words: str,
) -> None:
    resolver, locator = parts
    with pytest.raises(error) as raised:
        search(SearchRequest(**asked), resolver, locator, MONDAY_10AM)  # type: ignore[arg-type]
    assert words in raised.value.user_message  # type: ignore[attr-defined]


def test_outside_the_area_only_places_near_its_edge(
    parts: tuple[LocationResolver, Locator],
) -> None:
    # Central Manchester: well outside, more than 20 km from every synthetic place.
    result = _found(parts, latitude=53.4808, longitude=-2.2426)
    assert not result.in_service_area and result.places == []
    assert any("outside the area we cover" in m for m in result.messages)


def test_places_in_a_box_are_listed_by_name(parts: tuple[LocationResolver, Locator]) -> None:
    _, locator = parts
    found = locator.in_box((-1.6, 53.0, -1.3, 53.2), VenueFilter.of([Kind.SAFE_PLACE]))
    names = [v.name.lower() for v in found]
    assert names == sorted(names) and "matlock library" in names
