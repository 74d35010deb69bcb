"""The web app's settings: the service's own (`locator.settings`) plus pages, partners and
the server, read from the same ``SAFEPLACES_*`` environment variables."""

from __future__ import annotations

import os
import re
from ipaddress import ip_network
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from api.contacts import check_contacts_file
from locator.oruk import Organisation, Publisher
from locator.settings import ServiceSettings
from maps.tiles import TileSettings


class PagesSettings(TileSettings):
    """The public pages: map tiles, help contacts, the exit button and directions links."""

    # The deployment's own help contacts and hate-crime reporting numbers (TOML, see
    # api/config/help_contacts.toml); the packaged default is Derbyshire's.
    contacts_file: Path | None = None
    # Where "Exit this page" goes: a neutral, common site.
    exit_url: str = "https://www.bbc.co.uk/weather"
    # A route to a place in the visitor's own maps app or site; {lat} and {lon} are filled in.
    directions_url: str = (
        "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=%3B{lat}%2C{lon}"
    )
    # OpenMoji's `color/svg` folder (npm); default: node_modules/ in the checkout.
    pictures_dir: Path | None = None
    # Places on one page of the staff list (its print view and export have them all).
    staff_list_page_size: int = Field(default=100, ge=5, le=2000)

    @field_validator("contacts_file")
    @classmethod
    def _contacts_checked(cls, value: Path | None) -> Path | None:
        # A mistake in the file stops the service at start, not on the first page shown.
        if value is not None:
            check_contacts_file(value)
        return value


# The council's and the police's own sites: they may frame the map and call the public API
# from their pages out of the box. Set your partners' origins in SAFEPLACES_PARTNERS__….
DEFAULT_PARTNER_ORIGINS = ["https://www.derbyshire.gov.uk", "https://www.derbyshire.police.uk"]


def _origin(value: str) -> str:
    """``https://host[:port]`` and nothing else: a browser compares origins exactly."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin like https://www.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{value!r} must be just an origin like https://www.example.org")
    return f"{parts.scheme}://{parts.netloc.lower()}"


class PartnerSettings(BaseModel):
    """Partner sites: which may frame `/embed`, and which may call the public JSON API."""

    frame_origins: list[str] = Field(default_factory=lambda: list(DEFAULT_PARTNER_ORIGINS))
    cors_origins: list[str] = Field(default_factory=lambda: list(DEFAULT_PARTNER_ORIGINS))
    # How partners ask to be added, shown on the embed code page (an email address or a URL).
    contact: str = ""

    @field_validator("frame_origins", "cors_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(_origin(v) for v in values))


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    environment: Literal["development", "production", "test"] = "development"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # "json": one JSON object a line, each with its request's id, for a log collector.
    log_format: Literal["plain", "json"] = "plain"
    # The event loop of `safeplaces serve`. asyncio's: under load uvloop answers as many
    # searches but holds some answers back behind newer requests (`make bench` compares them
    # side by side: 1 answer in 1,000 waited over 85 ms on uvloop, none over 32 on asyncio).
    loop: Literal["asyncio", "uvloop"] = "asyncio"
    # The path a reverse proxy serves the service under (e.g. /safeplaces), when it is not
    # at the root of its address. The proxy strips it before passing a request on.
    root_path: str = ""
    # The reverse proxies (addresses or networks) whose X-Forwarded-Proto and X-Forwarded-For
    # are believed: from anyone else they could fake HTTPS, or the address a request came from.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    # The address people reach the service at (e.g. https://safeplaces.derbyshire.gov.uk),
    # for the links in emails. Without it a link uses the address the request came to.
    public_url: str | None = None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an address like https://safeplaces.example.org")
        if parts.query or parts.fragment or parts.username:
            raise ValueError(f"{value!r} must be an address without ?, # or a login")
        return value.strip().rstrip("/")

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", value):
            raise ValueError(f"{value!r} is not a path like /safeplaces")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ip_network(value.strip(), strict=False)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not an address or network like 10.0.0.5 or 10.0.0.0/8"
                ) from None
        return [v.strip() for v in values]


class MetricsSettings(BaseModel):
    """/metrics for Prometheus: on by default (it shows no personal data), and optionally only
    to the monitoring server's addresses, e.g. ``SAFEPLACES_METRICS__ALLOW_FROM='["10.0.0.9"]'``.
    """

    enabled: bool = True
    # Addresses or networks that may read /metrics (as JSON); empty: anyone.
    allow_from: list[str] = Field(default_factory=list)

    @field_validator("allow_from")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ip_network(value.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not an address or network") from None
        return [v.strip() for v in values]


class OgcSettings(BaseModel):
    """OGC API - Features (/ogc), e.g. ``SAFEPLACES_OGC__MAX_LIMIT=500``."""

    # The most places one page of items holds; a larger ``limit`` is served as this many.
    # 1,000 places are about 700 kB of GeoJSON: the whole county in one request, answered
    # quickly on the council's servers.
    max_limit: int = Field(default=1000, ge=1, le=10000)


class OrukSettings(BaseModel):
    """Who the Open Referral UK feed (/oruk) names: the organisation that runs the Safe Places
    scheme (every Safe Place's organisation), and the police force for an enquiry office
    whose data names none; `county` fills the addresses' state_province."""

    organisation_name: str = Field(default="Derbyshire County Council", min_length=1)
    organisation_description: str = Field(
        default="Runs the Derbyshire Safe Places scheme with its partners: shops, libraries, "
        "cafés and other places whose staff help people with a learning disability, autism "
        "or dementia who feel scared, lost or in trouble when they are out.",
        min_length=1,
    )
    organisation_website: str | None = "https://www.derbyshire.gov.uk"
    organisation_email: str | None = None
    police_name: str = Field(default="Derbyshire Constabulary", min_length=1)
    police_website: str | None = "https://www.derbyshire.police.uk"
    county: str = Field(default="Derbyshire", min_length=1)

    def publisher(self) -> Publisher:
        police = Organisation(
            self.police_name,
            f"{self.police_name} runs police enquiry offices in {self.county}.",
            self.police_website,
        )
        scheme = Organisation(
            self.organisation_name,
            self.organisation_description,
            self.organisation_website,
            self.organisation_email,
        )
        return Publisher(scheme, police, self.county)


class Settings(ServiceSettings):
    """Everything configurable, e.g. ``SAFEPLACES_DATA_DIR`` or ``SAFEPLACES_PAGES__TILE_URL``."""

    pages: PagesSettings = Field(default_factory=PagesSettings)
    partners: PartnerSettings = Field(default_factory=PartnerSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    ogc: OgcSettings = Field(default_factory=OgcSettings)
    oruk: OrukSettings = Field(default_factory=OrukSettings)


def load_settings() -> Settings:
    """The settings from the environment and a ``.env`` file: ``SAFEPLACES_ENV_FILE``, or
    ``.env`` in the working directory. A variable set in the environment wins over the file."""
    return Settings(_env_file=os.environ.get("SAFEPLACES_ENV_FILE", ".env"))
