"""A soak test of the real service: `make soak` (or `python -m bench.soak --seconds 600`).

`safeplaces serve` runs as its own process on a free loopback port, on the shared data (read
only) and a new SQLite database and cache in a temporary folder (bench/service.py). Staff
accounts and API tokens are made with the product's own command line. Then, for the duration,
at once: public readers (nearest searches and /find pages by a different real postcode each
time, OGC items, /healthz), staff editors changing the same and different places through the
staff API (If-Match, retrying each 412 on the new version), and imports through the staff
pages. Afterwards it checks that nothing answered 5xx, no saved edit was lost, every history
is complete, each import was recorded and no request took over a second; it prints a report
and exits 1 if any check failed. Loopback only; outside `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from api.settings import Settings
from bench.cpu import group_times, own_times
from bench.service import Service, serve_command
from bench.soak_checks import all_checks, overwritten_by_imports, read_final
from bench.soak_clients import (
    Editor,
    EditorStats,
    Postcode,
    Recorder,
    SavedEdit,
    loop_lag,
    postcode_stream,
    reader,
)
from bench.soak_import import ImportRun, StaffPages, build_import, importer
from bench.soak_report import SoakRun, markdown, rewrite, text

TIMEOUT = httpx.Timeout(30.0)


@dataclass(frozen=True, slots=True)
class Staff:
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Setup:
    admin: Staff  # imports through the pages; reads everything back at the end
    editors: list[Staff]
    hot: list[str]
    own: list[list[str]]
    imports: list[ImportRun]


def load_postcodes(data_dir: Path) -> list[Postcode]:
    """Every live postcode in Derbyshire and Derby, with where it is."""
    frame = pd.read_csv(
        data_dir / Settings().data.postcodes_file,
        usecols=["postcode", "latitude", "longitude", "in_derbyshire", "is_live"],
    )
    keep = frame["in_derbyshire"].astype(bool) & frame["is_live"].astype(bool)
    frame = frame[keep & frame["latitude"].notna()]
    return [
        Postcode(str(p), float(lat), float(lon))
        for p, lat, lon in zip(
            frame["postcode"], frame["latitude"], frame["longitude"], strict=True
        )
    ]


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """`safeplaces ARGS` against the soak's database; its output, or an error with it."""
    command = serve_command()[:-1] + list(args)
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"safeplaces {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def account(env: dict[str, str], who: str, role: str, areas: Collection[str] = ()) -> Staff:
    email = f"{who}@soak.derbyshire.gov.uk"
    password = secrets.token_urlsafe(18)
    create = ["users", "create", "--email", email, "--name", who.title(), "--role", role]
    create += [x for code in sorted(areas) for x in ("--area", code)]
    cli(env, *create, "--password-stdin", stdin=password + "\n")
    token = cli(env, "tokens", "create", "--email", email, "--name", "soak").split()[0]
    return Staff(email, password, token)


def choose_places(
    listed: list[dict[str, Any]], editors: int, seed: int
) -> tuple[list[str], list[list[str]]]:
    """Three places every editor changes (in one area), and three of its own for each."""
    places = [p for p in listed if p["kind"] == "safe_place" and p["local_authority_code"]]
    random.Random(seed).shuffle(places)
    areas = [p["local_authority_code"] for p in places]
    busiest = max(set(areas), key=areas.count)
    hot = [p["id"] for p in places if p["local_authority_code"] == busiest][:3]
    rest = [p["id"] for p in places if p["id"] not in hot]
    if len(rest) < 3 * editors:
        raise SystemExit(f"{len(rest)} places are too few for {editors} editors")
    return hot, [rest[3 * i : 3 * i + 3] for i in range(editors)]


def prepare(service: Service, folder: Path, args: argparse.Namespace) -> Setup:
    """Accounts and tokens through the command line, the places each editor changes, and
    the import files (from `safeplaces export` of the places as they are now)."""
    env = service.env
    admin = account(env, "importer", "admin")
    listed = httpx.get(f"{service.url}/api/v1/admin/places", headers=admin.headers)
    listed.raise_for_status()
    hot, own = choose_places(listed.json(), args.editors, args.seed)
    area_of = {p["id"]: p["local_authority_code"] for p in listed.json()}
    editors = [
        # An editor may change places in its areas only: those of the places it edits.
        account(env, f"editor{i + 1}", "editor", {area_of[p] for p in hot + mine})
        for i, mine in enumerate(own)
    ]
    export = folder / "export.csv"
    cli(env, "export", str(export))
    candidates = Path(env["SAFEPLACES_DATA_DIR"]) / Settings().data.candidates_file
    ref_of = {p["id"]: p["external_ref"] for p in listed.json()}
    edited = {ref_of[p] for p in hot + [p for mine in own for p in mine]}
    imports = [
        build_import(export, candidates, folder, n, date.today(), args.new_places, edited)
        for n in range(args.imports)
    ]
    return Setup(admin, editors, hot, own, imports)


async def warm_up(client: httpx.AsyncClient, postcodes: Sequence[Postcode]) -> None:
    """First requests compile templates and fill caches: not part of the steady state."""
    for code in postcodes[:5]:
        for path in ("/api/v1/places/nearest", "/find"):
            await client.get(path, params={"postcode": code.text})
    await client.get("/ogc/collections/safe-places/items", params={"limit": "50"})


@dataclass
class Clients:
    """One connection pool for the public, one client per staff account, one browser."""

    public: httpx.AsyncClient
    staff: list[httpx.AsyncClient]  # the importer's first, then each editor's
    pages: httpx.AsyncClient

    @classmethod
    def open(cls, url: str, setup: Setup, readers: int) -> Clients:
        limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
        return cls(
            httpx.AsyncClient(base_url=url, limits=limits, timeout=TIMEOUT),
            [
                httpx.AsyncClient(base_url=url, headers=s.headers, timeout=TIMEOUT)
                for s in [setup.admin, *setup.editors]
            ],
            httpx.AsyncClient(base_url=url, headers={"Accept": "text/html"}, timeout=TIMEOUT),
        )

    async def close(self) -> None:
        for client in [self.public, self.pages, *self.staff]:
            await client.aclose()


async def progress(run: SoakRun, saved: list[SavedEdit], until: float, every: float) -> None:
    """A line every `every` seconds, so a long soak shows it is alive and how it goes."""
    while time.perf_counter() + every < until:
        await asyncio.sleep(every)
        done = [status for samples in run.rec.samples.values() for status, _, _ in samples]
        applied = sum(1 for r in run.imports if r.ok)
        print(
            f"  {run.rec.now():.0f} s: {len(done):,} requests, "
            f"{sum(1 for s in done if s >= 500)} 5xx, {len(run.rec.stalls)} over 1 s, "
            f"{len(saved)} edits saved, {applied} of {len(run.imports)} imports applied",
            flush=True,
        )


async def load(
    url: str, setup: Setup, postcodes: list[Postcode], args: argparse.Namespace, run: SoakRun
) -> list[SavedEdit]:
    """Readers, editors and the importer, all at once for `args.seconds`."""
    clients = Clients.open(url, setup, args.readers)
    await warm_up(clients.public, postcodes)
    run.rec.started = time.perf_counter()
    saved: list[SavedEdit] = []
    until = run.rec.started + args.seconds
    stream = postcode_stream(postcodes, args.seed)
    tasks = [
        reader(clients.public, run.rec, stream, random.Random(args.seed + i), until, args.think)
        for i in range(args.readers)
    ]
    tasks += [
        Editor(clients.staff[i + 1], run.rec, i + 1, stats, setup.hot, setup.own[i], saved,
               random.Random(args.seed + 1000 + i)).run(until)
        for i, stats in enumerate(run.editors)
    ]  # fmt: skip
    # The imports spread evenly over the run, none at its very start or end.
    share = args.seconds / (len(run.imports) + 1)
    starts = [run.rec.started + share * (i + 1) for i in range(len(run.imports))]
    pages = StaffPages(clients.pages, run.rec, url, args.reading)
    tasks += [importer(pages, setup.admin.email, setup.admin.password, run.imports, starts)]
    await asyncio.gather(*tasks, loop_lag(until, run.lags), progress(run, saved, until, 30))
    await clients.close()
    return saved


async def soak(
    service: Service, setup: Setup, postcodes: list[Postcode], args: argparse.Namespace
) -> SoakRun:
    """The load, then everything read back and checked."""
    assert service.process is not None
    stats = [EditorStats(s.email) for s in setup.editors]
    run = SoakRun(args.seconds, args.workers, args.readers, args.think, Recorder(), stats,
                  setup.imports)  # fmt: skip
    before = os.getloadavg()[0], group_times(service.process.pid), own_times()
    saved = await load(service.url, setup, postcodes, args, run)
    run.load = before[0], os.getloadavg()[0]
    run.server_cpu = group_times(service.process.pid) - before[1]
    run.client_cpu = own_times() - before[2]
    async with httpx.AsyncClient(
        base_url=service.url, headers=setup.admin.headers, timeout=TIMEOUT
    ) as admin:
        final = await read_final(admin)
    log = (service.folder / "server.log").read_text(errors="replace")
    run.checks = all_checks(run.rec, saved, stats, setup.imports, final, setup.admin.email, log)
    run.places = len(final.rows)
    run.overwritten = overwritten_by_imports(saved, setup.imports, final)
    return run


def write_samples(rec: Recorder, path: Path) -> None:
    """Every request as a CSV row, for a closer look: kind, status, start and seconds."""
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["kind", "status", "started_s", "seconds"])
        for kind, samples in rec.samples.items():
            out.writerows([kind, status, f"{at:.4f}", f"{s:.4f}"] for status, s, at in samples)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=180, help="how long (default 180)")
    parser.add_argument("--workers", type=int, default=1, help="server workers (default 1)")
    parser.add_argument("--readers", type=int, default=24, help="public clients (default 24)")
    parser.add_argument("--think", type=float, default=0.1, help="readers' mean pause, s")
    parser.add_argument("--editors", type=int, default=4, help="staff API clients (default 4)")
    parser.add_argument("--imports", type=int, default=2, help="imports in the run (default 2)")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--data-dir", type=Path, help="default: the service's own")
    parser.add_argument(
        "--reading", type=float, default=5, help="seconds staff read a preview (default 5)"
    )
    parser.add_argument("--new-places", type=int, default=20, help="new places per import")
    parser.add_argument("--samples", type=Path, help="write every request to this CSV file")
    parser.add_argument(
        "--markdown", type=Path, help="rewrite this file's soak figures section with the run"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    data_dir = (args.data_dir or Settings().data.dir).resolve()
    postcodes = load_postcodes(data_dir)
    print(f"Soak: {args.seconds:g} s on {data_dir}, {len(postcodes):,} postcodes", flush=True)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = Path(tmp)
        extra = {"SAFEPLACES_DATA_DIR": str(data_dir)}
        with Service(folder, args.workers, extra) as service:
            print(f"  service ready at {service.url} in {service.ready_s:.1f} s", flush=True)
            setup = prepare(service, folder, args)
            print(f"  {len(setup.editors) + 1} accounts made; soaking…", flush=True)
            run = asyncio.run(soak(service, setup, postcodes, args))
    run.command = " ".join(["python -m bench.soak", *(argv if argv is not None else sys.argv[1:])])
    print(text(run), flush=True)
    if args.samples:
        write_samples(run.rec, args.samples)
    if args.markdown:
        rewrite(args.markdown, markdown(run))
        print(f"Wrote the figures to {args.markdown}.")
    return 0 if run.ok else 1


if __name__ == "__main__":
    sys.exit(main())
