import json
from dataclasses import replace
from datetime import datetime

import folium

from api.settings import PagesSettings
from locator.hours import LONDON, OpeningHours, describe_unknown
from locator.match import VenueMatch
from locator.origin import Origin, OriginSource
from locator.venues import Category, Kind, LocationPrecision, Venue
from maps.frame import LocalMap
from maps.render import area_map, latlon, place_map, results_map

# A Tuesday morning and evening (London time).
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
EVENING = datetime(2026, 11, 24, 19, 0, tzinfo=LONDON)
WEEKDAYS = OpeningHours.parse("Mon-Fri 09:00-17:00")


def _venue(i: int, name: str, kind: Kind = Kind.SAFE_PLACE) -> Venue:
    return Venue(
        id=f"V{i}",
        name=name,
        kind=kind,
        category=Category.POLICE_STATION if kind is Kind.POLICE_ENQUIRY_OFFICE else Category.SHOP,
        address="1 High St",
        postcode="DE4 3AG",
        latitude=53.1 + i / 100,
        longitude=-1.5,
        location_precision=LocationPrecision.BUILDING,
    )


def _markers(script: str) -> list[dict[str, object]]:
    data = script.split("SafePlaces.addMarkers(")[1].split(");")[0].split(", ", 1)[1]
    parsed: list[dict[str, object]] = json.loads(data)
    return parsed


def test_axis_order_adapter() -> None:
    assert latlon(-1.5, 53.1) == [53.1, -1.5]


def test_results_map_has_numbered_markers_and_local_assets() -> None:
    origin = Origin(53.1, -1.5, "DE4 3AG", OriginSource.POSTCODE)
    places = [VenueMatch(_venue(i, f"Place {i}"), 100.0 * i, i) for i in range(1, 4)]
    police = VenueMatch(_venue(9, "Station", Kind.POLICE_ENQUIRY_OFFICE), 900.0, 11)
    parts = results_map(origin, places, police, PagesSettings(tile_url="/t/{z}/{x}/{y}.png"))
    markers = _markers(parts.script)
    assert [m["title"] for m in markers] == [
        "You searched for DE4 3AG",
        "1: Place 1",
        "2: Place 2",
        "3: Place 3",
        "P: Station",
    ]
    assert markers[1]["latlng"] == [53.11, -1.5]
    assert '"/t/{z}/{x}/{y}.png"' in parts.script
    assert parts.js == ("/static/vendor/leaflet/leaflet.js", "/static/js/map.js")
    assert all(url.startswith("/static/") for url in parts.css)
    assert 'class="folium-map"' in parts.html
    # Folium's own maps keep their asset lists: ours are changed on the subclass only.
    assert folium.Map.default_js != LocalMap.default_js
    assert any("leaflet" in url for _, url in folium.Map.default_js)


def test_popup_text_is_escaped() -> None:
    parts = place_map(_venue(1, '<img src=x onerror="alert(1)">'), PagesSettings())
    [marker] = _markers(parts.script)
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in str(marker["popup"])
    assert "<img" not in str(marker["popup"])
    assert "<" not in parts.script.split("SafePlaces.addMarkers(")[1].split(");")[0]


def _with_hours(venue: Venue) -> Venue:
    return replace(venue, opening_hours=WEEKDAYS)


def _popup(parts_script: str, index: int = 0) -> str:
    return str(_markers(parts_script)[index]["popup"])


def _opening_line(popup: str) -> str:
    return popup.split('class="sp-popup-opening')[1].split("</p>")[0]


def test_popups_say_open_or_closed_in_the_lists_words() -> None:
    venue = _with_hours(_venue(1, "Library"))
    assert WEEKDAYS is not None
    for now, state in ((MORNING, "open"), (EVENING, "closed")):
        popup = _popup(place_map(venue, PagesSettings(), now=now).script)
        line = _opening_line(popup)
        # The same sentence as the list beside the map, from locator.hours.
        assert WEEKDAYS.status(now).describe(now) in line
        assert line.startswith(f' sp-popup-{state}"')
        # Words first: the symbol is hidden from screen readers and only helps.
        assert 'aria-hidden="true"' in line
    assert "Open now. Closes at 5pm." in _popup(
        place_map(venue, PagesSettings(), now=MORNING).script
    )
    assert "Closed now. Opens tomorrow at 9am." in _popup(
        place_map(venue, PagesSettings(), now=EVENING).script
    )


def test_popups_say_when_hours_are_not_known() -> None:
    popup = _popup(place_map(_venue(1, "Shop"), PagesSettings(), now=MORNING).script)
    assert describe_unknown() in _opening_line(popup)
    assert "sp-popup-unknown" in popup


def test_without_a_time_popups_leave_opening_out() -> None:
    """The callers' old calls still work; the maps never read the clock themselves."""
    popup = _popup(place_map(_with_hours(_venue(1, "Library")), PagesSettings()).script)
    assert "sp-popup-opening" not in popup and "Open now" not in popup


def test_every_map_passes_the_time_to_its_popups() -> None:
    origin = Origin(53.1, -1.5, "DE4 3AG", OriginSource.POSTCODE)
    venues = [_with_hours(_venue(i, f"Place {i}")) for i in range(1, 3)]
    police = VenueMatch(_venue(9, "Station", Kind.POLICE_ENQUIRY_OFFICE), 900.0, 11)
    places = [VenueMatch(v, 100.0, 1) for v in venues]
    results = results_map(origin, places, police, PagesSettings(), ["a", "b"], now=MORNING)
    popups = [str(m["popup"]) for m in _markers(results.script)[1:]]
    assert ["Open now" in p for p in popups] == [True, True, False]
    assert describe_unknown() in popups[2]  # the police office's hours are not known
    area = area_map((-1.6, 53.0, -1.4, 53.2), venues, PagesSettings(), now=EVENING)
    assert all("Closed now" in str(m["popup"]) for m in _markers(area.script))


def test_opening_words_and_names_stay_escaped() -> None:
    venue = _with_hours(_venue(1, "<script>alert(1)</script>"))
    parts = place_map(venue, PagesSettings(), now=MORNING)
    popup = _popup(parts.script)
    assert "Open now" in popup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
    assert "<script" not in popup
    assert "<" not in parts.script.split("SafePlaces.addMarkers(")[1].split(");")[0]
    # The map's name carries the venue's name too, as JSON that can't close the script.
    name = parts.script.split("SafePlaces.nameMap(")[1].split(");")[0]
    assert "<" not in name
    assert json.loads(name.split(", ", 1)[1]) == "Map of <script>alert(1)</script>"


def test_maps_have_names() -> None:
    origin = Origin(53.1, -1.5, "DE4 3AG", OriginSource.POSTCODE)
    names = {
        "results": results_map(origin, [], None, PagesSettings()),
        "area": area_map((-1.6, 53.0, -1.4, 53.2), [], PagesSettings()),
        "place": place_map(_venue(1, "Library"), PagesSettings()),
    }
    said = {
        k: json.loads(v.script.split("SafePlaces.nameMap(")[1].split(");")[0].split(", ", 1)[1])
        for k, v in names.items()
    }
    assert said == {
        "results": "Map of the Safe Places near DE4 3AG",
        "area": "Map of the Safe Places in this area",
        "place": "Map of Library",
    }
