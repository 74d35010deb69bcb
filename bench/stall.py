"""Public requests while the service is busy with staff work: how long lookups take while a big
import is previewed, and while a flood of wrong logins is checked, against the same lookups
with the service otherwise quiet.

`safeplaces serve` (1 worker) on a new database; two public clients ask for postcodes (a
different real one each time, so no cache helps), paced like steady traffic. For `quiet_s`
nothing else happens; then the staff work runs and the lookups go on for as long as it lasts.
The figures are the 99th percentile of each set (a shared machine delays the odd request,
whatever the service does) and their ratio. The tests check the ordering that matters (the
lookups were answered while the work was still under way); the milliseconds are measured here.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.service import Service
from bench.soak import cli
from bench.soak_clients import Recorder
from bench.soak_import import StaffPages

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PACE_S = 0.02  # each public client's pause between lookups
LOGINS = 60  # wrong logins at once, as in the audit's attack
IMPORT_ROWS = 180_000  # the audit's 4.9 MB file: over the row limit, refused after reading
# Limits far above the flood, so that every wrong login is really checked with argon2.
HIGH_LIMITS = {
    "SAFEPLACES_LOGIN__PER_SOURCE": "1000",
    "SAFEPLACES_LOGIN__PER_SOURCE_ACCOUNT": "1000",
    "SAFEPLACES_LOGIN__PER_ACCOUNT": "1000",
}


def _account(service: Service, who: str, role: str) -> tuple[str, str]:
    """A staff account made with the product's command line: (email, password)."""
    email, password = f"{who}@bench.derbyshire.gov.uk", secrets.token_urlsafe(18)
    create = ["users", "create", "--email", email, "--name", who.title(), "--role", role]
    cli(service.env, *create, "--password-stdin", stdin=password + "\n")
    return email, password


@dataclass(frozen=True, slots=True)
class StallResult:
    label: str
    quiet_p99_s: float
    busy_p99_s: float
    quiet: int  # lookups timed with the service otherwise quiet
    busy: int  # lookups sent while the staff work ran
    busy_s: float  # how long the staff work lasted

    @property
    def ratio(self) -> float:
        return self.busy_p99_s / self.quiet_p99_s if self.quiet_p99_s else 0.0


def _p99(latencies: Sequence[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else 0.0


class Lookups:
    """Public postcode lookups, each a new postcode: (when sent, how long it took)."""

    def __init__(self, postcodes: Iterator[str]) -> None:
        self.postcodes = postcodes
        self.timings: list[tuple[float, float]] = []

    async def run(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            start = time.perf_counter()
            answer = await client.get(f"/api/v1/postcodes/{next(self.postcodes)}")
            self.timings.append((start, time.perf_counter() - start))
            answer.raise_for_status()
            await asyncio.sleep(PACE_S)

    def between(self, since: float, until: float) -> list[float]:
        return [took for sent, took in self.timings if since <= sent <= until]


async def _measure(
    url: str, postcodes: Iterator[str], quiet_s: float, busy: Awaitable[None]
) -> tuple[Lookups, float, float]:
    lookups = Lookups(postcodes)
    async with httpx.AsyncClient(base_url=url, timeout=300) as public:
        # A second of lookups first: the first answers build caches, and a server just
        # started may still be drawing its maps' frames.
        settle = time.perf_counter() + 1.0
        while time.perf_counter() < settle:
            (await public.get(f"/api/v1/postcodes/{next(postcodes)}")).raise_for_status()
        stop = asyncio.Event()
        clients = [asyncio.create_task(lookups.run(public, stop)) for _ in range(2)]
        await asyncio.sleep(quiet_s)
        begun = time.perf_counter()
        await busy
        ended = time.perf_counter()
        stop.set()
        await asyncio.gather(*clients)
    return lookups, begun, ended


def _result(label: str, lookups: Lookups, begun: float, ended: float) -> StallResult:
    quiet, during = lookups.between(0, begun), lookups.between(begun, ended)
    return StallResult(label, _p99(quiet), _p99(during), len(quiet), len(during), ended - begun)


def _audit_csv(path: Path) -> Path:
    with path.open("w") as file:
        file.write("id,name,category,postcode\n")
        for i in range(IMPORT_ROWS):
            file.write(f"{i:05x},S{i:06x},shop,DE4 3AG\n")
    return path


async def _previews(url: str, staff: tuple[str, str], audit: Path, seconds: float) -> None:
    """An administrator logs in and previews the big file again and again for `seconds`."""
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        pages = StaffPages(client, Recorder(time.perf_counter()), url, 0.0)
        problem = await pages.login(*staff)
        if problem:
            raise RuntimeError(f"the importer could not log in: {problem}")
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            status, _ = await pages.upload(audit)
            if status != 422:
                raise RuntimeError(f"the big file's preview answered {status}, not 422")


async def _flood(url: str, email: str, logins: int) -> None:
    """`logins` wrong logins at once, for one account, as from one login form."""
    async with httpx.AsyncClient(base_url=url, timeout=300) as staff:
        form = await staff.get("/staff/login", headers={"Accept": "text/html"})
        token = _CSRF.search(form.text)
        if token is None:
            raise RuntimeError("no login form")
        data = {"email": email, "password": "not the password", "csrf_token": token[1]}
        # As a browser sends them: the form's cookie (its token), this site as the origin.
        headers = {"Accept": "text/html", "Origin": url}
        headers["Cookie"] = f"sp_login={token[1]}"
        answers = await asyncio.gather(
            *(staff.post("/staff/login", data=data, headers=headers) for _ in range(logins))
        )
    statuses = sorted({a.status_code for a in answers})
    if statuses != [401]:
        raise RuntimeError(f"the wrong logins answered {statuses}, not only 401")


def run_stalls(
    postcodes: Sequence[str], quiet_s: float, import_s: float, logins: int = LOGINS
) -> list[StallResult]:
    """Both kinds of staff work, each on a service of its own."""
    found = []
    with tempfile.TemporaryDirectory(prefix="bench-stall-") as tmp:
        folder = Path(tmp)
        codes = itertools.cycle(postcodes)  # never twice in a row: no cache helps
        for part in ("import", "logins"):
            (folder / part).mkdir()
        # The accounts and the file are made before the lookups start: the command line is
        # a process of its own, and its start-up is not the service's work.
        with Service(folder / "import", 1) as service:
            staff = _account(service, "importer", "admin")
            audit = _audit_csv(folder / "audit.csv")
            work = _previews(service.url, staff, audit, import_s)
            measured = asyncio.run(_measure(service.url, codes, quiet_s, work))
            found.append(_result("a 180,000-row import is previewed again and again", *measured))
        with Service(folder / "logins", 1, extra_env=HIGH_LIMITS) as service:
            email, _ = _account(service, "ann", "viewer")
            flood = _measure(service.url, codes, quiet_s, _flood(service.url, email, logins))
            found.append(_result(f"{logins} wrong logins are checked at once", *asyncio.run(flood)))
    return found
