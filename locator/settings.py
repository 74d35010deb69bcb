"""Service configuration: one settings object, read from ``SAFEPLACES_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, HttpUrl, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The checkout that holds this package (for an editable install); `../shared/data` sits beside it.
_PROJECT_ROOT = Path(__file__).resolve().parents[1]


def default_data_dir() -> Path:
    """`../shared/data` beside the working directory or the project, whichever exists first."""
    for base in (Path.cwd(), _PROJECT_ROOT):
        candidate = (base / ".." / "shared" / "data").resolve()
        if candidate.is_dir():
            return candidate
    return (_PROJECT_ROOT / ".." / "shared" / "data").resolve()


# The attribution the open-data licences require (see the data directory's README).
DEFAULT_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025.",
    "Contains Royal Mail data © Royal Mail copyright and database right 2025.",
    "Contains National Statistics data © Crown copyright and database right 2025.",
    "Contains public sector information licensed under the Open Government Licence v3.0.",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0 "
    "(boundaries).",
    "Library data: Libraries Hacked (librarydata-db), compiled from the DCMS/Arts Council England "
    '"Public libraries in England" datasets.',
    "Place names: Contains OS data © Crown copyright and database right 2019 (OS Open Names).",
    "GP practice and pharmacy data: NHS England Organisation Data Service (ODS), licensed under "
    "the Open Government Licence v3.0.",
)


def default_var_dir() -> Path:
    return _PROJECT_ROOT / "var"


class DataSettings(BaseModel):
    """Where the open data is read from, and where converted forms are cached."""

    dir: Path = Field(default_factory=default_data_dir)
    cache_dir: Path = Field(default_factory=lambda: default_var_dir() / "cache")
    postcodes_file: str = "postcodes_derbyshire.csv.gz"
    places_file: str = "places_derbyshire.csv"
    venues_file: str = "venues_derbyshire.csv"
    police_file: str = "police_offices_derbyshire.csv"
    boundaries_file: str = "boundaries_derbyshire.geojson"
    # GP practices and pharmacies that could be asked to join: read by the coverage report only.
    candidates_file: str = "candidate_venues_derbyshire.csv"
    attribution: tuple[str, ...] = DEFAULT_ATTRIBUTION
    licence_url: str = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

    def path(self, name: str) -> Path:
        return self.dir / name


class SearchSettings(BaseModel):
    """Defaults and limits for nearest-place searches."""

    # How the service area is named to people ("outside the area we cover (…)").
    area_name: str = "Derbyshire and Derby"
    default_k: int = Field(default=5, ge=1)
    max_k: int = Field(default=50, ge=1)
    # Straight-line walking pace; 4.8 km/h is the usual planning figure for an adult.
    walking_speed_kmh: float = Field(default=4.8, gt=0)
    # Beyond the service area we still answer, but only with places this close.
    outside_area_max_distance_m: float = Field(default=20_000, gt=0)
    max_radius_m: float = Field(default=100_000, gt=0)

    @model_validator(mode="after")
    def _k_limits(self) -> SearchSettings:
        if self.default_k > self.max_k:
            raise ValueError("default_k must not be larger than max_k")
        return self


class GeocoderSettings(BaseModel):
    """Optional online place-name fallback (Nominatim). Off by default: it sends the search away."""

    enabled: bool = False
    url: HttpUrl = HttpUrl("https://nominatim.openstreetmap.org")
    user_agent: str = "safeplaces-locator"
    min_delay_seconds: float = Field(default=1.0, ge=0)
    timeout_seconds: float = Field(default=5.0, gt=0)
    cache_size: int = Field(default=1024, ge=0)
    country_codes: str = "gb"

    @field_validator("user_agent")
    @classmethod
    def _user_agent(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the geocoder needs a user agent that names this service")
        return value


class PagesSettings(BaseModel):
    """The public pages: map tiles, help contacts, the exit button and directions links."""

    # Tiles are the one thing the pages fetch from elsewhere; point this at your own server
    # (or a local stub in tests). OpenStreetMap's tile policy asks for its attribution.
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    tile_max_zoom: int = Field(default=19, ge=1, le=22)
    # The deployment's own help contacts (TOML); the packaged default is Derbyshire's.
    contacts_file: Path | None = None
    # Where "Exit this page" goes: a neutral, common site.
    exit_url: str = "https://www.bbc.co.uk/weather"
    # A route to a place in the visitor's own maps app or site; {lat} and {lon} are filled in.
    directions_url: str = (
        "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=%3B{lat}%2C{lon}"
    )
    # "About a 15-minute walk": how far the open-now box looks.
    open_now_walk_minutes: int = Field(default=15, ge=1, le=120)

    @field_validator("tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        if not all(part in value for part in ("{z}", "{x}", "{y}")):
            raise ValueError("tile_url must contain {z}, {x} and {y}")
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


class Settings(BaseSettings):
    """Everything configurable, e.g. ``SAFEPLACES_DATA_DIR`` or ``SAFEPLACES_GEOCODER__ENABLED``."""

    model_config = SettingsConfigDict(
        env_prefix="SAFEPLACES_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data: DataSettings = Field(default_factory=DataSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    geocoder: GeocoderSettings = Field(default_factory=GeocoderSettings)
    pages: PagesSettings = Field(default_factory=PagesSettings)
    partners: PartnerSettings = Field(default_factory=PartnerSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    # Flat aliases for the settings people set most.
    data_dir: Path | None = None
    cache_dir: Path | None = None
    # SQLAlchemy URL of the place database; default a SQLite file beside the cache folder
    # (var/safeplaces.db), so each checkout (and each test) has its own.
    database_url: str | None = None

    @model_validator(mode="after")
    def _apply_aliases(self) -> Settings:
        if self.data_dir is not None:
            self.data.dir = self.data_dir
        if self.cache_dir is not None:
            self.data.cache_dir = self.cache_dir
        return self

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data.cache_dir.parent / 'safeplaces.db'}"
