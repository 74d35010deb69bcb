import json

import folium

from api.settings import PagesSettings
from locator.match import VenueMatch
from locator.origin import Origin, OriginSource
from locator.venues import Category, Kind, LocationPrecision, Venue
from maps.render import LocalMap, latlon, place_map, results_map


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
