"""The nearest Safe Place open now, as a search gives it from its own listed places, is the
one the index's open-now search finds on its own: on random small sets of places (sharing
spots, some open, some not, some of unknown hours), any k, a distance cap, any walk, inside
and outside the service area, from a real postcode beyond it, and at one moment after another
(each place's opening kept while it holds)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import box
from synthetic import venue_at
from verify_budget import examples

from locator.area import ServiceArea
from locator.hours import LONDON, OpeningHours
from locator.index import VenueIndex
from locator.origin import Choices, Origin, OriginSource, OutsideNote
from locator.search import Locator, SearchRequest, SearchResult, search
from locator.settings import SearchSettings
from locator.venues import Kind, Venue

BUDGET = settings(max_examples=examples(300), deadline=None)
# A few kilometres around Matlock: most places are about a walk apart.
LON = st.floats(-1.60, -1.52, allow_nan=False)
LAT = st.floats(53.11, 53.17, allow_nan=False)
HOURS = [None, "Mo-Fr 09:00-17:00", "Sa 10:00-13:00", "24/7", "Mo-Su 08:00-20:00", "Tu 12:00-14:00"]
MONDAY = datetime(2026, 11, 23, tzinfo=LONDON)
# The service area: the eastern half of the places' square (EPSG:27700), or none.
GEOD = Geod(ellps="WGS84")
AREA = ServiceArea(box(429_000, 355_000, 440_000, 370_000), "Testshire")


@st.composite
def places(draw: st.DrawFn) -> list[Venue]:
    """Up to 16 places on up to 8 spots, each a Safe Place or a police office."""
    spots = draw(st.lists(st.tuples(LON, LAT), min_size=1, max_size=8))
    count = draw(st.integers(1, 16))
    venues = []
    for i in range(count):
        lon, lat = spots[draw(st.integers(0, len(spots) - 1))]
        kind = draw(st.sampled_from([Kind.SAFE_PLACE, Kind.SAFE_PLACE, Kind.POLICE_ENQUIRY_OFFICE]))
        text = draw(st.sampled_from(HOURS))
        hours = None if text is None else OpeningHours.parse(text)
        venues.append(venue_at(i, lon, lat, kind=kind, opening_hours=hours))
    return venues


class _At:
    """Origins at coordinates, as the geodata resolver gives them (a far one with its note)."""

    def __init__(self, far: bool) -> None:
        self.note = OutsideNote("England", 12_000, "west") if far else None

    def coordinates(self, lat: float, lon: float) -> Origin:
        return Origin(lat, lon, "here", OriginSource.COORDINATES, outside_note=self.note)

    def postcode(self, text: str) -> Origin:
        raise AssertionError("these searches start from coordinates only")

    def resolve(self, text: str) -> Origin | Choices:
        raise AssertionError("these searches start from coordinates only")


@BUDGET
@given(
    st.data(),
    places(),
    st.integers(1, 8),
    st.none() | st.floats(50, 5_000),
    st.integers(1, 30),
    st.lists(st.integers(0, 7 * 24 * 4 - 1), min_size=1, max_size=3),
    st.booleans(),
    st.booleans(),
)
def test_the_listed_places_give_the_open_now_searchs_answer(
    data: st.DataObject,
    venues: list[Venue],
    k: int,
    radius_m: float | None,
    walk_minutes: int,
    quarters: list[int],
    with_area: bool,
    far: bool,
) -> None:
    search_settings = SearchSettings(open_now_walk_minutes=walk_minutes, far_postcode_k=2)
    locator = Locator(VenueIndex(venues), AREA if with_area else None, search_settings)
    on_place = st.sampled_from([(v.longitude, v.latitude) for v in venues])
    lon, lat = data.draw(st.tuples(LON, LAT) | on_place)
    resolver = _At(far)
    asked = SearchRequest(latitude=lat, longitude=lon, k=k, radius_m=radius_m)
    # One after another on the same locator: the places' kept opening words are used again.
    for quarter in quarters:
        now = MONDAY + timedelta(minutes=15 * quarter)
        found = search(asked, resolver, locator, now)
        assert isinstance(found, SearchResult)
        alone = locator.nearest_open(resolver.coordinates(lat, lon), now)
        assert found.nearest_open == alone


def _east_of(lon: float, lat: float, metres: float) -> tuple[float, float]:
    east_lon, east_lat, _ = GEOD.fwd(lon, lat, 90, metres)
    return east_lon, east_lat


def test_an_open_place_just_past_the_listed_ones_and_within_the_walk_is_found() -> None:
    """Three closed places listed, the last of them just inside the walk (1,200 m): the open
    one 40 m further is still the answer, and one past the walk is not."""
    lon, lat = -1.55, 53.14
    closed = OpeningHours.parse("Sa 10:00-13:00")
    venues = [
        venue_at(i, *_east_of(lon, lat, m), opening_hours=closed)
        for i, m in enumerate((300, 600, 1_140))
    ]
    now = MONDAY + timedelta(hours=11)
    always = OpeningHours.parse("24/7")
    for metres, expected in ((1_180, "T003"), (1_230, None)):
        open_one = venue_at(3, *_east_of(lon, lat, metres), opening_hours=always)
        locator = Locator(VenueIndex([*venues, open_one]), None, SearchSettings())
        asked = SearchRequest(latitude=lat, longitude=lon, k=3)
        found = search(asked, _At(False), locator, now)
        assert isinstance(found, SearchResult)
        assert [m.venue.id for m in found.places] == ["T000", "T001", "T002"]
        got = found.nearest_open
        assert (got.venue.id if got else None) == expected
