"""Service configuration: one settings object, read from ``SAFEPLACES_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
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
    # Every GB postcode (Parquet), to say where one beyond the local data is. Optional: with
    # no such file (or None) the service knows only the postcodes of `postcodes_file`.
    national_postcodes_file: str | None = "postcodes_uk.parquet"
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

    @property
    def national_postcodes_path(self) -> Path | None:
        name = self.national_postcodes_file
        return self.path(name) if name else None


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
    # For a real postcode beyond the area (known from the national table) the nearest few
    # Safe Places are listed however far, the words saying how far: this many at most.
    far_postcode_k: int = Field(default=3, ge=1)
    max_radius_m: float = Field(default=100_000, gt=0)
    # "About a 15-minute walk": how far the nearest Safe Place open now is looked for.
    open_now_walk_minutes: int = Field(default=15, ge=1, le=120)

    @property
    def open_now_walk_m(self) -> float:
        return self.open_now_walk_minutes * self.walking_speed_kmh * 1000 / 60

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


class ImportSettings(BaseModel):
    """Limits on one staff import (the import page or `safeplaces import`), so one file can't
    take the service's time or disk."""

    # The county has about 250 places: 20,000 rows is far more than any real file (every GP,
    # pharmacy, library and shop in Derbyshire together is a few thousand) and checks in
    # about a second; a bigger file is refused after reading one row more than this.
    max_rows: int = Field(default=20_000, ge=1)
    # 5 MB holds 20,000 full rows (about 250 bytes each); nothing bigger is read or stored.
    max_bytes: int = Field(default=5_000_000, ge=1)
    # An upload waits this long between its preview and "Import these changes"; older
    # ones (abandoned previews) are deleted at start and whenever a new file arrives.
    upload_max_age_s: int = Field(default=3600, ge=60)

    @property
    def size_words(self) -> str:
        """The size limit as people say it: "5 MB" (or "1.5 MB")."""
        return f"{self.max_bytes / 1_000_000:g} MB"


class LoginSettings(BaseModel):
    """Login throttling (see geodata.throttle): wrong passwords allowed per `window_minutes`.

    e.g. ``SAFEPLACES_LOGIN__PER_SOURCE=50`` for an office where many staff share an address.
    """

    window_minutes: int = Field(default=15, ge=1)
    # From one address (a client IP, an IPv6 /64), whatever accounts are tried.
    per_source: int = Field(default=30, ge=1)
    # From one address to one account; also for one known device.
    per_source_account: int = Field(default=5, ge=1)
    # To one account from browsers that have never logged in to it; a known device is exempt,
    # so a stranger can hold up only new browsers, never the officer's own.
    per_account: int = Field(default=10, ge=1)
    # How long a browser stays known after its last login to an account.
    device_days: int = Field(default=90, ge=1)
    # Logins checked at once per worker (argon2 is CPU and memory heavy): their own few
    # threads, apart from the ones that answer public searches.
    hash_threads: int = Field(default=2, ge=1)
    # The argon2 threads' CPU priority on Linux (nice, 0 to 19; 0 leaves it alone), so busy
    # cores serve public searches first. The lowest: they hardly ever hold the GIL.
    hash_nice: int = Field(default=19, ge=0, le=19)

    @model_validator(mode="after")
    def _pair_within_source(self) -> LoginSettings:
        if self.per_source_account > self.per_source:
            raise ValueError("per_source_account must not be larger than per_source")
        return self


class MailSettings(BaseModel):
    """The council's mail server, for password links, invitations and reminders.

    e.g. ``SAFEPLACES_MAIL__HOST=smtp.council.gov.uk``, ``SAFEPLACES_MAIL__FROM_ADDRESS=...``.
    With no host nothing is sent (`locator.errors.MailNotSetUp`).
    """

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    # starttls: connect plainly, then upgrade (port 587); ssl: TLS from the start (port 465);
    # none: no encryption, only for a relay on the same machine or network.
    security: Literal["starttls", "ssl", "none"] = "starttls"
    # Optional: many council relays accept mail from known servers without a login.
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = ""
    from_name: str = "Safe Places Locator"
    timeout_seconds: float = Field(default=20.0, gt=0)

    @field_validator("host", "username")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _complete(self) -> MailSettings:
        if self.host and "@" not in self.from_address:
            raise ValueError("with a mail host, from_address must be an email address")
        if self.password is not None and not self.username:
            raise ValueError("a mail password needs a username")
        return self

    @property
    def set_up(self) -> bool:
        return self.host is not None


class RemindersSettings(BaseModel):
    """The yearly check's reminder emails (`safeplaces reminders send`, run daily from cron)."""

    # A "due soon" email goes this many days before a check falls due.
    due_within_days: int = Field(default=30, ge=1, le=180)
    # The scheme's name as the emails sign it.
    scheme_name: str = Field(default="Derbyshire Safe Places", min_length=1, max_length=100)
    # How a venue arranges its check, finishing "To arrange it, please …".
    how_to_arrange: str = Field(default="reply to this email", min_length=1, max_length=300)
    # Where venues' replies go (Reply-To), e.g. the scheme's shared mailbox; None: the sender.
    reply_to: str | None = Field(default=None, max_length=200)


class StaffSettings(BaseModel):
    """Staff accounts: how long emailed links last, and two-factor login.

    e.g. ``SAFEPLACES_STAFF__ADMINS_NEED_TWO_FACTOR=true``.
    """

    # A "forgot your password" link works once, for this long.
    reset_link_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # An invitation's link works once, for this many days.
    invitation_days: int = Field(default=7, ge=1, le=60)
    # Between a right password and its two-factor code: how long the code page waits.
    code_minutes: int = Field(default=10, ge=1, le=60)
    # Admins must turn on two-factor login; one without it sets it up before anything else.
    admins_need_two_factor: bool = False


class ChangeSettings(BaseModel):
    """How each process learns that the place data changed (`geodata.changes`), e.g.
    ``SAFEPLACES_CHANGES__BACKSTOP_S=60``."""

    # SQLite: how often each worker reads the data version, in a background thread (a local
    # read of microseconds; requests read nothing). An edit shows everywhere within this.
    poll_s: float = Field(default=0.2, gt=0, le=5)
    # PostgreSQL: edits arrive by NOTIFY at once; this slow check only catches one that was
    # lost with a dropped connection.
    backstop_s: float = Field(default=30.0, gt=0, le=3600)


class ServiceSettings(BaseSettings):
    """What the domain and the data need, e.g. ``SAFEPLACES_DATA_DIR``.

    The web app's own settings (pages, partners, server) extend this in `api.settings`.
    """

    model_config = SettingsConfigDict(
        env_prefix="SAFEPLACES_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data: DataSettings = Field(default_factory=DataSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    geocoder: GeocoderSettings = Field(default_factory=GeocoderSettings)
    imports: ImportSettings = Field(default_factory=ImportSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    reminders: RemindersSettings = Field(default_factory=RemindersSettings)
    staff: StaffSettings = Field(default_factory=StaffSettings)
    changes: ChangeSettings = Field(default_factory=ChangeSettings)
    # Flat aliases for the settings people set most.
    data_dir: Path | None = None
    cache_dir: Path | None = None
    # SQLAlchemy URL of the place database; default a SQLite file beside the cache folder
    # (var/safeplaces.db), so each checkout (and each test) has its own.
    database_url: str | None = None

    @model_validator(mode="after")
    def _apply_aliases(self) -> ServiceSettings:
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


def setting_problem(exc: ValidationError, prefix: str = "SAFEPLACES_") -> str:
    """A settings error in one line: each bad setting by its environment name, and what is
    wrong with it (never the value: it may be a secret)."""
    problems = []
    for error in exc.errors():
        name = "__".join(str(part) for part in error["loc"]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{prefix}{name}: {message}" if name else message)
    return f"A setting is not valid: {'; '.join(problems)}. See the README."
