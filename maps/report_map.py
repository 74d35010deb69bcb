"""The maps of the coverage and data-quality reports: folium maps that need no CDN.

The maps carry Leaflet inline (the app's own copy, from XStatic-Leaflet), so the same map
shows in a notebook and in an HTML file opened from disk. Postcodes are drawn as one GeoJSON
layer of grid cells (a marker per postcode would be 26,000 markers); places are one layer drawn
by one script, each a real keyboard-reachable Leaflet marker. Every piece of venue text reaches
the page through an autoescaping template or as DOM text, never as HTML. The report pages
themselves (tables, chart, page) are in the `reports` package.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypedDict

import folium
import numpy as np
import pandas as pd
import shapely
import xstatic.pkg.leaflet
from branca.element import Element, Figure, MacroElement
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from locator.coverage import THRESHOLDS_M, bands, distance_grid
from locator.geo import bng_to_wgs84
from maps.bands import BAND_COLOURS, band_labels, short_distance
from maps.frame import base_map
from maps.render import _js_literal, latlon
from maps.tiles import TileSettings

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
_LEAFLET = Path(xstatic.pkg.leaflet.BASE_DIR)

_MARKER_CSS = """
.folium-map { width: 100%; height: 100%; }
.leaflet-container { font: inherit; font-size: 0.95rem; }
.sp-report-marker {
  display: flex; align-items: center; justify-content: center; box-sizing: border-box;
  width: 24px; height: 24px; border-radius: 50%; border: 2px solid #fff;
  background: #0b3d91; color: #fff; font: 700 12px/1 system-ui, sans-serif;
  box-shadow: 0 0 0 1px #0b3d91;
}
.sp-report-safe_place { width: 14px; height: 14px; }
.sp-report-police { background: #1d1d1b; box-shadow: 0 0 0 1px #1d1d1b; }
.sp-report-candidate { background: #6a1b9a; box-shadow: 0 0 0 1px #6a1b9a; border-radius: 4px; }
.sp-report-issue { background: #b10e1e; box-shadow: 0 0 0 1px #b10e1e; }
.sp-report-marker:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.sp-legend { background: #fff; padding: 6px 8px; border: 1px solid #555; border-radius: 4px; }
.sp-legend p { margin: 0 0 4px; font-weight: 700; }
.sp-legend span { display: inline-block; width: 14px; height: 14px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #555; }
.sp-popup p { margin: 0.2rem 0; }
"""


# -- inline assets ------------------------------------------------------------------------------


@cache
def inline_assets() -> Markup:
    """Leaflet's CSS (its images as data: URIs) and script, and the report map styles, inline."""
    css = (_LEAFLET / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = (_LEAFLET / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode()})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    js = (_LEAFLET / "leaflet.js").read_text(encoding="utf-8")
    # The source map isn't shipped beside the page: don't have developer tools ask for it.
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    # Nothing in Leaflet closes a script early, but make sure: "</" can't end this one.
    js = js.replace("</", "<\\/")
    return Markup(f"<style>{css}\n{_MARKER_CSS}</style>\n<script>{js}</script>")


class ReportMap(folium.Map):
    """A folium map with Leaflet inline and nothing else: no CDN, no jQuery or Bootstrap.

    The asset lists are class attributes of folium.Map: they are replaced on this subclass,
    so no other map in the process changes.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def render(self, **kwargs: Any) -> Any:
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.header.add_child(Element(str(inline_assets())), name="leaflet_inline", index=0)
        return super().render(**kwargs)  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class MapParts:
    """A map for a page of our own: its element and its script (assets: `inline_assets`)."""

    html: Markup
    script: Markup


def map_parts(m: ReportMap) -> MapParts:
    figure = m.get_root()
    assert isinstance(figure, Figure)
    figure.render()
    return MapParts(Markup(figure.html.render()), Markup(figure.script.render()))


# -- layers -------------------------------------------------------------------------------------


class ReportMarker(TypedDict):
    """One marker: position, a short label on it, its accessible name, popup HTML."""

    latlng: list[float]
    label: str
    title: str
    kind: str
    popup: str


class MarkerLayer(folium.map.Layer):
    """Many markers as one layer that the layer control can switch, drawn by one script.

    Labels and names go in as DOM text (textContent), so venue names are never parsed as
    HTML; the popups are HTML from autoescaping templates.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        (function (group, items) {
          items.forEach(function (item) {
            var label = document.createElement("span");
            label.textContent = item.label;
            var marker = L.marker(item.latlng, {
              icon: L.divIcon({
                className: "sp-report-marker sp-report-" + item.kind,
                html: label, iconSize: null
              }),
              title: item.title, keyboard: true, riseOnHover: true
            });
            var tip = document.createElement("span");
            tip.textContent = item.title;
            marker.bindTooltip(tip);
            if (item.popup) { marker.bindPopup(item.popup); }
            group.addLayer(marker);
          });
        })({{ this.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, markers: list[ReportMarker], name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "MarkerLayer"
        self.data = _js_literal(markers)


class Legend(MacroElement):
    """A key to the colours, bottom right, built as DOM text."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, title, rows) {
          var legend = L.control({position: "bottomright"});
          legend.onAdd = function () {
            var box = L.DomUtil.create("div", "sp-legend");
            var heading = document.createElement("p");
            heading.textContent = title;
            box.appendChild(heading);
            rows.forEach(function (row) {
              var line = document.createElement("div");
              var swatch = document.createElement("span");
              swatch.style.background = row[0];
              line.appendChild(swatch);
              line.appendChild(document.createTextNode(row[1]));
              box.appendChild(line);
            });
            return box;
          };
          legend.addTo(map);
        })({{ this._parent.get_name() }}, {{ this.title }}, {{ this.rows }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.title = _js_literal(title)
        self.rows = _js_literal([list(r) for r in rows])


def _popup(title: str, lines: Sequence[str]) -> str:
    return _TEMPLATES.get_template("report_popup.html").render(title=title, lines=lines)


def _base_map(area_bng: BaseGeometry, pages: TileSettings) -> ReportMap:
    minx, miny, maxx, maxy = area_bng.bounds
    west, south = bng_to_wgs84(minx, miny)
    east, north = bng_to_wgs84(maxx, maxy)
    # Tiles are the one thing fetched from elsewhere; offline, the layers still show.
    center = latlon((west + east) / 2, (south + north) / 2)
    m = base_map(center, 9, pages, ReportMap, prefer_canvas=True)
    assert isinstance(m, ReportMap)
    outline = shapely.simplify(area_bng, 25)
    folium.GeoJson(
        _to_wgs84_geojson(outline),
        name="Service area",
        style_function=lambda _: {"color": "#1d1d1b", "weight": 2, "fill": False},
        control=True,
    ).add_to(m)
    m.fit_bounds([latlon(west, south), latlon(east, north)])
    return m


def _to_wgs84_geojson(geometry_bng: BaseGeometry) -> dict[str, Any]:
    def to_wgs84(xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        lon, lat = bng_to_wgs84(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), 5)

    geometry = shapely.transform(geometry_bng, to_wgs84)
    return {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geometry)}


def _cells_geojson(
    cells: pd.DataFrame, cell_m: float, thresholds: Sequence[float], walking_speed_kmh: float
) -> dict[str, Any]:
    """The grid cells as GeoJSON polygons (EPSG:4326), with their band and a summary."""
    x0 = cells["x0"].to_numpy(dtype=np.float64)
    y0 = cells["y0"].to_numpy(dtype=np.float64)
    # A grid square is not square in lon/lat: convert all four corners.
    corners_x = np.column_stack([x0, x0 + cell_m, x0 + cell_m, x0, x0])
    corners_y = np.column_stack([y0, y0, y0 + cell_m, y0 + cell_m, y0])
    lon, lat = bng_to_wgs84(corners_x.ravel(), corners_y.ravel())
    lon = np.round(lon, 5).reshape(corners_x.shape)
    lat = np.round(lat, 5).reshape(corners_x.shape)
    band = bands(cells["median_m"], thresholds)
    features = []
    within_label = short_distance(thresholds[min(1, len(thresholds) - 1)])
    for i, (n, median, within, b) in enumerate(
        zip(
            cells["postcodes"].tolist(),
            cells["median_m"].tolist(),
            cells["within"].tolist(),
            band.tolist(),
            strict=True,
        )
    ):
        summary = (
            f"{n} postcode{'s' if n != 1 else ''}: {int(within)} within {within_label}; "
            f"median {_distance(median)} to the nearest Safe Place"
        )
        features.append(
            {
                "type": "Feature",
                "id": f"c{i}",
                "properties": {"band": int(b), "summary": summary},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[lo, la] for lo, la in zip(lon[i], lat[i], strict=True)]],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _distance(metres: float) -> str:
    if not np.isfinite(metres):
        return "none"
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def _band_style(feature: dict[str, Any]) -> dict[str, Any]:
    colour = BAND_COLOURS[min(feature["properties"]["band"], len(BAND_COLOURS) - 1)]
    return {"color": "#555555", "weight": 0.3, "fillColor": colour, "fillOpacity": 0.65}


@dataclass(frozen=True, slots=True)
class PlacePoint:
    """A place to mark on a report map (EPSG:4326)."""

    id: str
    name: str
    kind: str  # safe_place, police, candidate or issue
    latitude: float
    longitude: float
    label: str = ""
    lines: tuple[str, ...] = ()


def _markers(points: Sequence[PlacePoint]) -> list[ReportMarker]:
    return [
        {
            "latlng": latlon(p.longitude, p.latitude),
            "label": p.label,
            "title": f"{p.label}: {p.name}" if p.label else p.name,
            "kind": p.kind,
            "popup": _popup(f"{p.label}: {p.name}" if p.label else p.name, p.lines),
        }
        for p in points
    ]


def gap_map(
    table: pd.DataFrame,
    area_bng: BaseGeometry,
    pages: TileSettings,
    places: Sequence[PlacePoint] = (),
    picks: Sequence[PlacePoint] = (),
    cell_m: float = 500,
    thresholds: Sequence[float] = THRESHOLDS_M,
    walking_speed_kmh: float = 4.8,
) -> ReportMap:
    """Where the gaps are: grid cells of `cell_m` metres shaded by the median distance from
    their postcodes to the nearest Safe Place, with the places and the recruitment picks.

    Parameters
    ----------
    table
        Postcodes with ``easting``, ``northing`` and ``safe_place_m`` (from
        `locator.coverage.nearest_help`).
    area_bng
        The service area (EPSG:27700), drawn as an outline.
    places, picks
        Markers: Safe Places and police offices, and the numbered candidates to recruit.
    """
    m = _base_map(area_bng, pages)
    cells = distance_grid(table, "safe_place_m", cell_m, thresholds[min(1, len(thresholds) - 1)])
    folium.GeoJson(
        _cells_geojson(cells, cell_m, thresholds, walking_speed_kmh),
        name=f"Distance to the nearest Safe Place ({cell_m:g} m squares)",
        style_function=_band_style,
        tooltip=folium.GeoJsonTooltip(fields=["summary"], labels=False),
        control=True,
    ).add_to(m)
    if places:
        MarkerLayer(_markers(places), "Safe Places and police offices").add_to(m)
    if picks:
        MarkerLayer(_markers(picks), "Where to recruit next (numbered)").add_to(m)
    labels = band_labels(thresholds, walking_speed_kmh)
    Legend("Median distance to a Safe Place", list(zip(BAND_COLOURS, labels, strict=True))).add_to(
        m
    )
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def places_map(
    area_bng: BaseGeometry, pages: TileSettings, points: Sequence[PlacePoint], name: str
) -> ReportMap:
    """Places as markers over the service area: for the data-quality report."""
    m = _base_map(area_bng, pages)
    if points:
        MarkerLayer(_markers(points), name).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
