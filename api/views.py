"""What the pages show of a place, in plain words: view models built from domain objects."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from typing import Any

from api.pictures import CATEGORY_PICTURES
from api.settings import PagesSettings
from locator.contact_details import phone_links, shown_phones
from locator.match import VenueMatch
from locator.opening import Opening as KeptOpening
from locator.origin import Origin
from locator.search import SearchResult
from locator.venues import Category, Kind, Venue
from maps.popups import Popups
from maps.render import MapParts, Opening, opening_words, results_map

_METRES_PER_MILE = 1609.344

# The icon drawn beside each category word (an icon never stands alone).
ICONS = {
    Category.LIBRARY: "library",
    Category.PHARMACY: "pharmacy",
    Category.GP_SURGERY: "doctor",
    Category.SHOP: "shop",
    Category.CAFE: "cafe",
    Category.COUNCIL_OFFICE: "building",
    Category.COMMUNITY_CENTRE: "building",
    Category.HOSPITAL: "hospital",
    Category.POLICE_STATION: "police",
    Category.OTHER: "building",
}


def places_words(count: int) -> str:
    """ "1 place", "3 places": staff read counts, and "1 places" reads as a mistake."""
    return f"{count} place" if count == 1 else f"{count} places"


def walk_words(walk_minutes: int) -> str:
    """ "About 6 minutes' walk": the one figure a person acts on."""
    if walk_minutes > 60:
        return "More than an hour's walk"
    unit = "minute's" if walk_minutes == 1 else "minutes'"
    return f"About {walk_minutes} {unit} walk"


def miles_words(metres: float) -> str:
    return _miles_text(metres / _METRES_PER_MILE)


def distance_words(metres: float, walk_minutes: int) -> str:
    """ "about 6 minutes' walk, 0.3 miles" — minutes first: that's what a person acts on."""
    return _distance_of(_miles_text(metres / _METRES_PER_MILE), walk_minutes)


def _miles_text(miles: float) -> str:
    return "less than 0.1 miles" if miles < 0.1 else f"{miles:.1f} miles"


def _distance_of(miles_text: str, walk_minutes: int) -> str:
    if walk_minutes > 60:
        return f"{miles_text}: more than an hour's walk"
    unit = "minute's" if walk_minutes == 1 else "minutes'"
    return f"about {walk_minutes} {unit} walk, {miles_text}"


# The words the police use for their own buildings, said the way people say them.
_POLICE_WORDS = (
    (re.compile(r"\s*\([^)]*\bHQ\)\s*$"), ""),  # "Buxton Police Station (Buxton Divisional HQ)"
    (re.compile(r"^[^,]*\bDivisional HQ,\s*"), ""),  # "Derby Divisional HQ, St Mary's Wharf …"
    (re.compile(r"\bpolice enquiry office\b", re.IGNORECASE), "police station"),
)
APPROXIMATE_WORDS = "The pin on the map may be a little way off. Check the address."


def easy_name(venue: Venue) -> str:
    """A place's name in everyday words: "Matlock police station", not "… enquiry office"."""
    name = venue.name
    if venue.kind is Kind.POLICE_ENQUIRY_OFFICE:
        for pattern, words in _POLICE_WORDS:
            name = pattern.sub(words, name)
    return name.strip() or venue.name


_DISTRICT_CODE = re.compile(r"\s*\([A-Z]{1,2}[0-9][A-Z0-9]?\)$")


def origin_words(origin: Origin) -> str:
    """Where the search started, in words: a place name without its postcode district code
    ("Matlock, Derbyshire Dales", not "… (DE4)")."""
    return _DISTRICT_CODE.sub("", origin.label)


@dataclass(frozen=True, slots=True)
class PlaceView:
    number: str
    id: str
    name: str
    kind: str
    category_label: str
    icon: str
    pic: str  # the picture of its kind (api.pictures)
    distance: str | None
    walk: str | None  # "About 6 minutes' walk"
    miles: str | None
    opening: str
    open_state: str  # "open", "closed" or "unknown", for styling
    address: str
    postcode: str | None
    location_note: str | None
    verified: bool
    phone: str | None
    phones: list[tuple[str, str]]  # (what to show, tel: link), one per number
    directions: str
    website: str | None
    email: str | None
    accessibility_notes: str | None
    latitude: float
    longitude: float


def place_view(
    venue: Venue,
    now: datetime,
    pages: PagesSettings,
    number: str = "",
    match: VenueMatch | None = None,
    shown: Opening | None = None,
) -> PlaceView:
    """`shown`: its opening words at `now`, when the caller has them already."""
    if shown is None:
        shown = opening_words(venue, now)
    return PlaceView(
        number=number,
        id=venue.id,
        name=easy_name(venue),
        kind=venue.kind.value,
        category_label=venue.category.label,
        icon=ICONS[venue.category],
        pic=CATEGORY_PICTURES[venue.category],
        distance=distance_words(match.distance_m, match.walk_minutes) if match else None,
        walk=walk_words(match.walk_minutes) if match else None,
        miles=miles_words(match.distance_m) if match else None,
        opening=shown.words,
        open_state=shown.state,
        address=venue.address,
        postcode=venue.postcode,
        location_note=APPROXIMATE_WORDS if venue.location_note else None,
        verified=venue.verified,
        phone=shown_phones(venue.phone),
        phones=phone_links(venue.phone),
        directions=pages.directions_url.format(lat=venue.latitude, lon=venue.longitude),
        website=venue.website,
        email=venue.email,
        accessibility_notes=venue.accessibility_notes,
        latitude=venue.latitude,
        longitude=venue.longitude,
    )


class FixedWords:
    """Each place's own words for a page (its easy name, phones, directions, pictures…), made
    once for each place of one data version (`for_places`), for the results pages.

    A page's place view is these with the search's own: its number, distance and opening.
    """

    def __init__(self, pages: PagesSettings) -> None:
        self._pages = pages
        self._places: object = None
        self._kept: dict[str, tuple[Venue, tuple[Any, ...]]] = {}
        # A place's view by its number, distance and opening words.
        self._views: dict[tuple[Any, ...], tuple[Venue, PlaceView]] = {}
        # The page's words of each kept opening (kept while it holds), by the kept one.
        self._openings: dict[int, tuple[KeptOpening, Opening]] = {}

    def for_places(self, places: object) -> FixedWords:
        """These words for the places of one data version (its locator): a new version
        starts again, so nothing of the old one is kept."""
        if places is not self._places:
            self._places = places
            self._kept = {}
            self._views = {}
            self._openings = {}
        return self

    def opening(self, found: KeptOpening) -> Opening:
        """`shown_opening(found)`, made once for each kept opening (the locator keeps each
        place's until it changes)."""
        done = self._openings.get(id(found))
        if done is not None and done[0] is found:
            return done[1]
        if len(self._openings) >= _MAX_VIEWS:
            self._openings.clear()
        shown = shown_opening(found)
        self._openings[id(found)] = (found, shown)
        return shown

    def view(self, venue: Venue, number: str, match: VenueMatch, shown: Opening) -> PlaceView:
        """`place_view(venue, now, pages, number, match, shown)`.

        A search's words are coarse (whole minutes, tenths of a mile), so searches from
        different postcodes often show a place with the same number, distance and opening:
        each such view is made once and shared (views are frozen)."""
        miles = _miles_text(match.distance_m / _METRES_PER_MILE)
        walk = min(match.walk_minutes, 61)  # past an hour, the words are the same
        key = (venue.id, number, walk, miles, shown.words, shown.state)
        made = self._views.get(key)
        if made is not None and made[0] is venue:
            return made[1]
        kept = self._kept.get(venue.id)
        if kept is None or kept[0] is not venue:
            if len(self._kept) >= _MAX_KEPT:
                self._kept.clear()
            whole = place_view(venue, datetime.min, self._pages, number, match, shown)
            kept = self._kept[venue.id] = (venue, _fixed_fields(whole))
        fixed = kept[1]
        values = (
            number,
            *fixed[:6],
            _distance_of(miles, match.walk_minutes),
            walk_words(match.walk_minutes),
            miles,
            shown.words,
            shown.state,
            *fixed[6:],
        )
        if len(self._views) >= _MAX_VIEWS:
            self._views.clear()
        view = PlaceView(*values)
        self._views[key] = (venue, view)
        return view


# Enough for every place of a national list; past it the kept words start again.
_MAX_KEPT = 8192
# Views of places with a search's words: a few hundred for each place at most.
_MAX_VIEWS = 16384
# A place view's own words: every field but the search's (number, distance, walk, miles,
# opening and open state), in the order of the fields.
_SEARCH_FIELDS = ("number", "distance", "walk", "miles", "opening", "open_state")
_fixed_fields = attrgetter(*(f.name for f in fields(PlaceView) if f.name not in _SEARCH_FIELDS))


@dataclass(frozen=True, slots=True)
class ResultsView:
    """A search's answer as the results page and the embedded map show it."""

    origin: Origin
    messages: list[str]
    places: list[PlaceView]  # numbered 1, 2… as on the map
    police: PlaceView | None  # "P" on the map
    open_now: PlaceView | None  # the nearest Safe Place open now, first on the page
    map: MapParts


def results_view(
    result: SearchResult,
    pages: PagesSettings,
    now: datetime,
    with_police: bool = True,
    root: str = "",
    opening_of: Callable[[Venue, datetime, float], KeptOpening] | None = None,
    fixed: FixedWords | None = None,
    popups: Popups | None = None,
) -> ResultsView:
    """The places in words and on a map with the same numbers (the embed leaves out "P").

    `opening_of`: the locator's kept opening words (`Locator.opening`), so that a search's
    places are not worked out from their hours again; each place's words are made once for
    its list entry, the answer at the top and its popup. `fixed` and `popups`: each place's
    own words and map marker, kept for the data version.
    """
    police = result.nearest_police if with_police else None
    opened = result.nearest_open
    matches = [*result.places, *([police] if police else []), *([opened] if opened else [])]
    timestamp = now.timestamp()
    shown = {m.venue.id: _opening_of(m.venue, now, opening_of, timestamp, fixed) for m in matches}

    def view(match: VenueMatch, number: str) -> PlaceView:
        words = shown[match.venue.id]
        if fixed is None:
            return place_view(match.venue, now, pages, number, match, words)
        return fixed.view(match.venue, number, match, words)

    places = [view(m, str(i)) for i, m in enumerate(result.places, start=1)]
    return ResultsView(
        origin=result.origin,
        messages=result.messages,
        places=places,
        police=view(police, "P") if police else None,
        open_now=view(opened, "") if opened else None,
        map=results_map(
            result.origin,
            result.places,
            police,
            pages,
            [p.distance or "" for p in places],
            now=now,
            root=root,
            openings=shown,
            popups=popups,
        ),
    )


def _opening_of(
    venue: Venue,
    now: datetime,
    kept: Callable[[Venue, datetime, float], KeptOpening] | None,
    timestamp: float,
    fixed: FixedWords | None = None,
) -> Opening:
    """The words the page shows for a place's hours, from the locator's kept ones if given
    (`timestamp`: `now`'s), as `fixed` keeps them if given."""
    if kept is None:
        return opening_words(venue, now)
    found = kept(venue, now, timestamp)
    return shown_opening(found) if fixed is None else fixed.opening(found)


def shown_opening(found: KeptOpening) -> Opening:
    """A place's kept opening words as the page shows them, with the state of its picture."""
    state = "unknown" if found.open_now is None else "open" if found.open_now else "closed"
    return Opening(found.words, state)
