"""A tiny synthetic data directory in the shape of the shared open data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from locator.venues import Category, Kind, LocationPrecision, Venue

# A small made-up world around Matlock (Derbyshire). Coordinates are real places' positions
# so the boundary and the grid conversions behave as they do on the real data.
POSTCODES = """postcode,latitude,longitude,easting,northing,positional_quality,is_live,local_authority_code
DE4 3AG,53.142342,-1.551396,430105,360671,10,True,E07000035
DE4 3AH,53.138000,-1.555000,429870,360187,10,True,E07000035
DE4 3ZZ,53.140000,-1.560000,429535,360408,10,False,E07000035
DE4 5AA,53.080000,-1.570000,428900,353730,10,True,E07000035
DE55 7BQ,53.096500,-1.387200,441110,355630,10,True,E07000032
S40 1AA,53.235000,-1.427000,438350,371070,10,True,E07000034
"""

PLACES = """name,name_alt,type,latitude,longitude,postcode_district,local_authority,local_authority_code,in_derbyshire
Matlock,,town,53.138965,-1.554585,DE4,Derbyshire Dales,E07000035,True
Matlock Bath,,village,53.120465,-1.56338,DE4,Derbyshire Dales,E07000035,True
Chapel-en-le-Frith,,town,53.324199,-1.911971,SK23,High Peak,E07000037,True
Newton,,village,53.13067,-1.338894,DE55,Bolsover,E07000033,True
Newton,,suburb,53.463923,-2.063672,SK14,Tameside,E08000008,False
Pear Tree,,suburb,52.904784,-1.474576,DE23,City of Derby,E06000015,True
Youlgreave,Youlgrave,village,53.174,-1.689,DE45,Derbyshire Dales,E07000035,True
Chesterfield,,town,53.235,-1.427,S40,Chesterfield,E07000034,True
"""

VENUES_HEADER = (
    "venue_id,name,venue_type,operator,address,postcode,latitude,longitude,coordinate_source,"
    "phone,email,opening_hours,library_type,safe_place_evidence,source_url,data_source"
)
VENUES = [
    'S1,Matlock Library,library,DCC,"Steep Turnpike, Matlock",DE4 3AH,53.138454,-1.556,'
    "building_centroid,01629 000000,,Mon 09:00-17:00; Tue 09:00-17:00; Wed 09:00-17:00; "
    "Thu 09:00-17:00; Fri 09:00-17:00; Sat 09:00-12:00,,in the scheme,,",
    'S2,Corner Café,cafe,,"Dale Road, Matlock",DE4 3AG,,,not known,,,,,in the scheme,,',
    'S3,Alfreton Library,library,DCC,"Severn Square, Alfreton",DE55 7BQ,53.096523,-1.387246,'
    "building_centroid,,,Mon 09:30-17:00,,UNVERIFIED: no source,,",
    'S4,"<script>alert(1)</script> Shop",shop,,"High St, Matlock",DE4 5AA,53.08,-1.57,'
    "postcode_centroid,,,Mon 22:00-02:00,,in the scheme,,",
    "S5,Nowhere Hall,community_centre,,,,,,not known,,,,,in the scheme,,",
]

POLICE = """office_id,name,force,town,address,postcode,latitude,longitude,front_counter_status,opening_hours,phone
P1,Chesterfield Police Station,Derbyshire Constabulary,Chesterfield,,,,,open,,101
P2,Pear Tree Police Station,Derbyshire Constabulary,Derby,"Pear Tree, Derby",,,,open (kept),,101
P3,Matlock police enquiry office,Derbyshire Constabulary,Matlock,"Bank Road, Matlock",,,,CLOSED 2015,,
"""


def _boundary() -> dict[str, object]:
    # A box around the middle of Derbyshire (lon -1.75..-1.30, lat 52.85..53.30).
    ring = [[-1.75, 52.85], [-1.30, 52.85], [-1.30, 53.30], [-1.75, 53.30], [-1.75, 52.85]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "X", "name": "Testshire"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }


def write_synthetic_data(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "postcodes_derbyshire.csv.gz").write_bytes(_gzip(POSTCODES))
    (path / "places_derbyshire.csv").write_text(PLACES)
    (path / "venues_derbyshire.csv").write_text("\n".join([VENUES_HEADER, *VENUES]) + "\n")
    (path / "police_offices_derbyshire.csv").write_text(POLICE)
    (path / "boundaries_derbyshire.geojson").write_text(json.dumps(_boundary()))
    return path


# A tiny national table in the shape of postcodes_uk.parquet: the synthetic postcodes above
# and a few real ones elsewhere in Great Britain (never the real file). SW1A 1AA is left out,
# so it stays a postcode no data knows.
NATIONAL = [
    ("DE4 3AG", 53.142342, -1.551396, "E92000001", "E07000035"),
    ("DE4 3AH", 53.138, -1.555, "E92000001", "E07000035"),
    ("DE4 5AA", 53.08, -1.57, "E92000001", "E07000035"),
    ("DE55 7BQ", 53.0965, -1.3872, "E92000001", "E07000033"),
    ("S40 1AA", 53.235, -1.427, "E92000001", "E07000034"),
    ("M12 4HP", 53.466, -2.206, "E92000001", "E08000003"),
    ("M12 4AB", 53.47, -2.214, "E92000001", "E08000003"),
    ("M1 1AE", 53.4787, -2.2349, "E92000001", "E08000003"),
    ("EH1 1YZ", 55.9507, -3.188, "S92000003", "S12000036"),
    ("CF10 1EP", 51.4816, -3.1791, "W92000004", None),  # a row without one
    ("AB10 1AB", None, None, "S92000003", "S12000033"),  # no coordinates, as 836 real rows
]
NATIONAL_COLUMNS = ["postcode", "latitude", "longitude", "country_code", "local_authority_code"]


def write_national_postcodes(path: Path) -> Path:
    """`postcodes_uk.parquet` in the data directory `path`, with the columns the real one has."""
    import pandas as pd

    frame = pd.DataFrame(NATIONAL, columns=NATIONAL_COLUMNS)
    frame = frame.astype(
        {
            "latitude": "float32",
            "longitude": "float32",
            "country_code": "category",
            "local_authority_code": "category",
        }
    )
    frame.to_parquet(path / "postcodes_uk.parquet", index=False)
    return path


def _gzip(text: str) -> bytes:
    return gzip.compress(text.encode())


def venue_at(i: int, lon: float, lat: float, **fields: object) -> Venue:
    """A test venue "T001"… (a library, placed at a building) at lon/lat; `fields` override."""
    values: dict[str, object] = {
        "id": f"T{i:03d}",
        "name": f"Venue {i}",
        "kind": Kind.SAFE_PLACE,
        "category": Category.LIBRARY,
        "address": "",
        "postcode": None,
        "latitude": lat,
        "longitude": lon,
        "location_precision": LocationPrecision.BUILDING,
    }
    return Venue(**(values | fields))  # type: ignore[arg-type]
