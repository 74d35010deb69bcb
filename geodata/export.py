"""Export places, in any state, as CSV, GeoJSON or GeoPackage (opens in QGIS): every place, or
those a place list query lets through (`geodata.place_list`, as the staff list filters)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from geodata.areas import Areas
from geodata.place_list import PlaceQuery
from geodata.spreadsheet import safe_frame
from geodata.store import PlaceStore
from locator.contact_details import PHONE_FIELDS, shown_phones
from locator.errors import InvalidParameter
from locator.geo import WGS84

if TYPE_CHECKING:
    import geopandas as gpd

COLUMNS = (
    "id", "external_ref", "name", "kind", "category", "status", "address", "postcode",
    "latitude", "longitude", "location_precision", "local_authority_code", "phone", "email",
    "website", "opening_hours", "accessibility_notes", "last_checked", "verified", "operator",
    "contact_name", "contact_email", "contact_phone", "version",
)  # fmt: skip


def places_frame(
    store: PlaceStore, query: PlaceQuery | None = None, areas: Areas | None = None
) -> gpd.GeoDataFrame:
    """The places (all, or those `query` lets through), by id, in columns an import reads,
    with each area by name beside its code (staff read the name; an import leaves it)."""
    import geopandas as gpd
    import pandas as pd

    today = date.today()
    named = areas or Areas()
    chosen = [r for r in store.rows() if query is None or query.matches(r, today)]
    rows = [
        {c: getattr(r, c) for c in COLUMNS}
        # Phones as dialled in the UK ("01629 533400"): what staff read, what an import reads
        # back, and what a spreadsheet keeps as text (it would turn +441629533400 into a sum).
        | {c: shown_phones(getattr(r, c)) for c in PHONE_FIELDS}
        | {"area": named.name(r.local_authority_code) if r.local_authority_code else ""}
        for r in chosen
    ]
    columns = list(COLUMNS)
    columns.insert(columns.index("local_authority_code") + 1, "area")
    frame = pd.DataFrame(rows, columns=columns)
    frame["last_checked"] = frame["last_checked"].astype("string")
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=WGS84)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)


def export_places(
    store: PlaceStore, path: Path, query: PlaceQuery | None = None, areas: Areas | None = None
) -> int:
    """Write the file (format from its suffix); returns how many places were written."""
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".geojson", ".json", ".gpkg"):
        raise InvalidParameter("Export to a file ending .csv, .geojson or .gpkg.")
    if not path.parent.is_dir():
        raise InvalidParameter(f"There is no folder {path.parent}. Make it first.")
    frame = places_frame(store, query, areas)
    if suffix == ".csv":
        safe_frame(pd.DataFrame(frame.drop(columns="geometry"))).to_csv(path, index=False)
    elif suffix in (".geojson", ".json"):
        frame.to_file(path, driver="GeoJSON")
    else:
        frame.to_file(path, driver="GPKG", layer="places")
    return len(frame)
