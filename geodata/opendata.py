"""Open data downloads: every active place as GeoJSON, CSV or GeoPackage, with its licence.

The files hold what the public locator serves (active places) and only the public fields
(`locator.features.public_record`): never internal notes, audit fields or staff data.
Coordinates are WGS84 (EPSG:4326), longitude/latitude in GeoJSON and the GeoPackage's points,
plus `latitude`/`longitude` columns everywhere so the CSV needs no geometry.

Each file carries the licence and the attribution the data's licences require:
- GeoJSON: top-level foreign members ``licence`` and ``attribution`` (RFC 7946 §6.1), and a
  ``description`` GDAL shows as the layer's description;
- GeoPackage: GDAL metadata items on the dataset and the layer, the layer's description in
  ``gpkg_contents``, and a QGIS metadata document (``gpkg_metadata``) with the licence and rights
  that QGIS shows in the layer's Metadata properties;
- CSV: nothing inside the file (see `to_csv`); the download index and the response's ``Link``
  headers carry it.

Files are built once per data version (`OpenDataCache`): a download after a staff edit gets
the new data, and repeated downloads in between cost no rebuild.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import func, select

from geodata.rows import MetaRow, PlaceRow
from geodata.spreadsheet import safe_frame
from geodata.store import PlaceStore
from locator.errors import DatabaseUnreachable
from locator.features import PUBLIC_FIELDS, public_record
from locator.geo import WGS84
from locator.settings import ServiceSettings
from locator.venues import Status, Venue

LAYER: Final = "places"
# Bump when the files' layout changes, so caches holding the old layout revalidate.
LAYOUT_REVISION: Final = 1


@dataclass(frozen=True, slots=True)
class DownloadFormat:
    name: str
    media_type: str
    suffix: str
    title: str


FORMATS: Final[dict[str, DownloadFormat]] = {
    f.name: f
    for f in (
        DownloadFormat(
            "geojson", "application/geo+json", ".geojson", "GeoJSON (RFC 7946), EPSG:4326"
        ),
        DownloadFormat(
            "csv",
            "text/csv; charset=utf-8; header=present",
            ".csv",
            "CSV with latitude and longitude columns (EPSG:4326), UTF-8",
        ),
        DownloadFormat(
            "gpkg", "application/geopackage+sqlite3", ".gpkg", "GeoPackage (opens in QGIS)"
        ),
    )
}


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """What the files say about themselves: a title, the licence and the attribution."""

    title: str
    licence_name: str
    licence_url: str
    attribution: tuple[str, ...]

    @classmethod
    def of(cls, settings: ServiceSettings) -> DatasetInfo:
        """From the settings the about page uses, so the attribution is written once."""
        return cls(
            title=f"Safe Places and police enquiry offices in {settings.search.area_name}",
            licence_name="Open Government Licence v3.0",
            licence_url=settings.data.licence_url,
            attribution=tuple(settings.data.attribution),
        )

    @property
    def description(self) -> str:
        return (
            f"{self.title}: every active place, as the Safe Places Locator serves it. "
            f"Licence: {self.licence_name} ({self.licence_url}). "
            f"Attribution: {' '.join(self.attribution)}"
        )

    def fingerprint(self) -> str:
        """A short hash of the metadata: a change to it changes every file."""
        text = json.dumps([self.title, self.licence_name, self.licence_url, self.attribution])
        return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The active places at one data version, and when any place last changed (UTC)."""

    data_version: int
    venues: list[Venue]
    last_modified: datetime


def snapshot(store: PlaceStore) -> Snapshot:
    """Read the version, the places and their latest change in one read transaction, so the
    three always agree (an edit committed meanwhile is in all of them or in none)."""
    with store.sessions() as session, session.begin():
        if store.engine.dialect.name == "postgresql":
            # Read committed gives each statement its own snapshot: take one for all three.
            # (SQLite's read transaction is one snapshot already.)
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        meta = session.get(MetaRow, "data_version")
        rows = session.scalars(
            select(PlaceRow).where(PlaceRow.status == Status.ACTIVE.value).order_by(PlaceRow.id)
        ).all()
        # Every place, in any state: suspending or removing one changes the files too.
        latest = session.scalar(select(func.max(PlaceRow.updated_at)))
        venues = [row.to_venue() for row in rows]
    return Snapshot(int(meta.value) if meta else 0, venues, _utc(latest))


def last_change(store: PlaceStore) -> tuple[int, datetime]:
    """The data version and when any place (in any state) last changed, in UTC, read in one
    transaction so they agree: what HTTP's Last-Modified says for that version."""
    with store.sessions() as session, session.begin():
        if store.engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        meta = session.get(MetaRow, "data_version")
        latest = session.scalar(select(func.max(PlaceRow.updated_at)))
    return (int(meta.value) if meta else 0), _utc(latest)


def _utc(moment: datetime | None) -> datetime:
    """SQLite hands back naive times; the store writes them in UTC."""
    if moment is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- the three formats --------------------------------------------------------------------------


def to_geojson(venues: Sequence[Venue], info: DatasetInfo) -> bytes:
    """An RFC 7946 FeatureCollection; feature id = place id, the licence as foreign members."""
    collection = {
        "type": "FeatureCollection",
        "name": LAYER,
        "description": info.description,
        "licence": {"name": info.licence_name, "url": info.licence_url},
        "attribution": list(info.attribution),
        "features": [
            {
                "type": "Feature",
                "id": v.id,
                # RFC 7946: longitude first.
                "geometry": {"type": "Point", "coordinates": [v.longitude, v.latitude]},
                "properties": public_record(v),
            }
            for v in venues
        ],
    }
    return json.dumps(collection, ensure_ascii=False).encode()


def to_csv(venues: Sequence[Venue]) -> bytes:
    """One row per place, the public columns, header first.

    Nothing else goes in the file: a comment line above the header would be read as the header
    (pandas, Excel, QGIS and csvkit all take the first line), and an attribution column would
    repeat the same long text on every row. The licence and attribution travel with the
    download instead, in ``Link`` headers to the licence and to the download index, which states
    them in full.
    """
    import pandas as pd

    frame = pd.DataFrame([public_record(v) for v in venues], columns=list(PUBLIC_FIELDS))
    # Text a spreadsheet would run as a formula goes out as plain text (geodata.spreadsheet).
    return safe_frame(frame).to_csv(index=False, lineterminator="\n").encode()


def to_gpkg(venues: Sequence[Venue], info: DatasetInfo) -> bytes:
    """A GeoPackage with one point layer, ``places``, in EPSG:4326, its metadata inside."""
    import geopandas as gpd
    import pandas as pd

    frame = pd.DataFrame([public_record(v) for v in venues], columns=list(PUBLIC_FIELDS))
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=WGS84)
    layer = gpd.GeoDataFrame(frame, geometry=points, crs=WGS84)
    metadata = {
        "TITLE": info.title,
        "LICENCE": info.licence_name,
        "LICENCE_URL": info.licence_url,
        "ATTRIBUTION": " ".join(info.attribution),
    }
    buffer = io.BytesIO()
    layer.to_file(
        buffer,
        engine="pyogrio",
        driver="GPKG",
        layer=LAYER,
        dataset_metadata=metadata,
        layer_metadata=metadata,
        # Layer creation options: gpkg_contents' identifier and description.
        IDENTIFIER=info.title,
        DESCRIPTION=info.description,
    )
    return _with_qgis_metadata(buffer.getvalue(), info, layer.total_bounds)


# QGIS reads a layer's metadata from gpkg_metadata rows in its own XML format, linked to the
# table by gpkg_metadata_reference; GDAL has already made both tables for its own items.
_QGIS_DTD = "http://mrcc.com/qgis.dtd"


def _with_qgis_metadata(gpkg: bytes, info: DatasetInfo, bounds: Sequence[float]) -> bytes:
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(gpkg)
        with connection:
            cursor = connection.execute(
                "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                "VALUES ('dataset', ?, 'text/xml', ?)",
                (_QGIS_DTD, qgis_metadata_xml(info, bounds)),
            )
            connection.execute(
                "INSERT INTO gpkg_metadata_reference "
                "(reference_scope, table_name, timestamp, md_file_id) VALUES ('table', ?, ?, ?)",
                (LAYER, _gpkg_timestamp(), cursor.lastrowid),
            )
        return connection.serialize()
    finally:
        connection.close()


def _gpkg_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def qgis_metadata_xml(info: DatasetInfo, bounds: Sequence[float]) -> str:
    """The layer metadata document QGIS writes and reads (its ``qgis.dtd`` format)."""
    root = ET.Element("qgis", version="3.34.0")
    for tag, text in (
        ("identifier", LAYER),
        ("parentidentifier", ""),
        ("language", "en-GB"),
        ("type", "dataset"),
        ("title", info.title),
        ("abstract", info.description),
    ):
        ET.SubElement(root, tag).text = text
    links = ET.SubElement(root, "links")
    ET.SubElement(
        links,
        "link",
        name=info.licence_name,
        type="WWW:LINK",
        url=info.licence_url,
        description="The licence",
        format="",
        mimeType="text/html",
        size="",
    )
    ET.SubElement(root, "fees").text = ""
    for line in info.attribution:
        ET.SubElement(root, "rights").text = line
    ET.SubElement(root, "license").text = f"{info.licence_name}: {info.licence_url}"
    ET.SubElement(root, "encoding").text = "UTF-8"
    crs = ET.SubElement(ET.SubElement(root, "crs"), "spatialrefsys")
    ET.SubElement(crs, "authid").text = WGS84
    extent = ET.SubElement(root, "extent")
    if len(bounds) == 4 and all(b == b for b in bounds):  # NaN bounds: no places
        minx, miny, maxx, maxy = (f"{b:.6f}" for b in bounds)
        ET.SubElement(
            extent, "spatial", crs=WGS84, dimensions="2",
            minx=minx, miny=miny, minz="0", maxx=maxx, maxy=maxy, maxz="0",
        )  # fmt: skip
    body = ET.tostring(root, encoding="unicode")
    return f"<!DOCTYPE qgis PUBLIC '{_QGIS_DTD}' 'SYSTEM'>\n{body}"


_BUILDERS: Final[dict[str, Callable[[Sequence[Venue], DatasetInfo], bytes]]] = {
    "geojson": to_geojson,
    "csv": lambda venues, _info: to_csv(venues),
    "gpkg": to_gpkg,
}


# -- built once per data version ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Download:
    """One built file and what HTTP needs to say about it."""

    format: DownloadFormat
    content: bytes
    count: int
    data_version: int
    last_modified: datetime
    etag: str

    @property
    def filename(self) -> str:
        return f"safe-places{self.format.suffix}"


class OpenDataCache:
    """The files of the current data version, built on first request and kept until an edit.

    `version` says the data version the process serves (kept by `geodata.changes`: no read
    per download); only a new version reads the places again. Builds run under a lock, so a
    burst of downloads after an edit builds each file once. With the database unreachable,
    the files already built go on being served.
    """

    def __init__(self, store: PlaceStore, info: DatasetInfo, version: Callable[[], int]) -> None:
        self.store = store
        self.info = info
        self._version = version
        self._fingerprint = info.fingerprint()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._files: dict[str, Download] = {}

    def snapshot(self) -> Snapshot:
        """The places at the database's current version (read again only after a change)."""
        with self._lock:
            return self._current(self._version())

    def refresh(self) -> None:
        """Read the places again if the data has moved on, before anyone asks: downloads then
        go on while the database is unreachable. Quietly does nothing while it is."""
        with self._lock, suppress(DatabaseUnreachable):
            self._current(self._version())

    def get(self, name: str) -> Download:
        """The file in format `name` (a key of FORMATS) for the current data version."""
        fmt = FORMATS[name]
        with self._lock:
            current = self._current(self._version())
            found = self._files.get(name)
            if found is None:
                found = Download(
                    format=fmt,
                    content=_BUILDERS[name](current.venues, self.info),
                    count=len(current.venues),
                    data_version=current.data_version,
                    last_modified=current.last_modified,
                    etag=self.etag(name, current),
                )
                self._files[name] = found
            return found

    def etag(self, name: str, snap: Snapshot) -> str:
        """Weak (the server may gzip the bytes), and the same in every worker process: made
        from the data version and time, never from bytes that differ build to build."""
        stamp = int(snap.last_modified.timestamp())
        return f'W/"{name}-{snap.data_version}-{stamp}-{self._fingerprint}-r{LAYOUT_REVISION}"'

    def _current(self, version: int) -> Snapshot:
        if self._snapshot is None or self._snapshot.data_version < version:
            # The snapshot may be newer than `version` (an edit in between): it is kept under
            # its own version, so the next request finds it.
            try:
                self._snapshot = snapshot(self.store)
            except DatabaseUnreachable:
                if self._snapshot is None:
                    raise
                return self._snapshot  # the files already built, until it answers again
            self._files = {}
        return self._snapshot
