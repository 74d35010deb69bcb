"""What a run is configured to do and what it found: the inputs of every table."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.coverage import CoverageResult
from bench.knn import KnnResult
from bench.load import HttpResult
from bench.national import NationalResult
from bench.national_table import NationalTableResult
from bench.pages import PagesResult
from bench.postcodes import GazetteerResult, ParseResult
from bench.profiling import Profile
from bench.stall import StallResult
from bench.startup import StartupResult


@dataclass(frozen=True, slots=True)
class Config:
    quick: bool
    synthetic_sizes: tuple[int, ...]
    queries: int
    batch_queries: int
    repeats: int
    big_repeats: int  # for the largest venue set
    build_repeats: int
    lookups: int
    lookup_repeats: int
    load_repeats: int
    ks: tuple[int, ...]
    jitter_m: float
    seed: int
    page_repeats: int
    http_workers: tuple[int, ...]
    http_connections: int
    http_seconds: float
    http_warmup: float
    http_rounds: int
    http_sample: int  # postcodes asked of both the service and the peer, to compare
    startup_repeats: int
    stall_import_s: float  # how long the big import is previewed, again and again
    national_places: int
    national_starts: int


@dataclass
class Results:
    config: Config
    machine: dict[str, str]
    knn: list[KnnResult] = field(default_factory=list)
    postgis: str = ""  # the server's version, or why PostGIS was not measured
    postgis_ok: bool = False
    profile: Profile | None = None
    gazetteers: list[GazetteerResult] = field(default_factory=list)
    parse: list[ParseResult] = field(default_factory=list)
    pages: PagesResult | None = None
    coverage: CoverageResult | None = None
    http: HttpResult | None = None
    national: NationalResult | None = None
    startup: StartupResult | None = None
    stalls: list[StallResult] = field(default_factory=list)
    national_table: NationalTableResult | None = None
    seconds: float = 0.0

    @property
    def mismatches(self) -> int:
        return sum(len(r.mismatches) for r in self.knn)

    @property
    def lookup_misses(self) -> int:
        return sum(g.misses for g in self.gazetteers)

    @property
    def failed_requests(self) -> int:
        return sum(r.failed for r in self.http.runs) if self.http else 0
