"""`safeplaces serve`, `postcode` and `nearest`: run the service, or look things up."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from api.cli.common import EXIT_DATA, whole
from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.gazetteer import DistrictLocation, Gazetteer, PostcodeLocation
from geodata.national import NationalLocation, NationalPostcodes
from geodata.placenames import PlaceNames
from geodata.resolver import LocationResolver
from geodata.startup import check_can_start
from locator.hours import LONDON, describe_unknown
from locator.match import VenueMatch
from locator.origin import Choices
from locator.search import SearchRequest, search

if TYPE_CHECKING:
    import socket

    import uvicorn


def add_commands(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the web service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=whole(1, 65535, "the port"))
    serve.add_argument("--workers", type=whole(1, 64, "the number of workers"))
    serve.set_defaults(run=_serve)
    pc = sub.add_parser("postcode", help="where a postcode is")
    pc.add_argument("postcode")
    pc.set_defaults(run=_postcode)
    near = sub.add_parser("nearest", help="the nearest Safe Places to a postcode or place")
    near.add_argument("query", help='a postcode or a place name, e.g. "DE4 3AG" or Matlock')
    near.add_argument(
        "-k", type=whole(1, 50, "k"), default=5, help="how many places (1 to 50, default 5)"
    )
    near.add_argument("--open-now", action="store_true", help="only places open now")
    near.set_defaults(run=_nearest)


def _serve(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    import uvicorn

    from api.logging import configure_logging, logging_config
    from api.protocol import OneWriteHttp

    # Fail before the server starts, in words (`main` says it), not with its traceback.
    check_can_start(settings)
    logs = settings.server
    configure_logging(logs.log_level, logs.log_format)
    options: dict[str, Any] = {
        "factory": True,
        "host": args.host or settings.server.host,
        "port": args.port or settings.server.port,
        "workers": args.workers or settings.server.workers,
        "log_config": logging_config(logs.log_level, logs.log_format),
        # Our own access log records route templates only; uvicorn's would record queries.
        "access_log": False,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.server.trusted_proxies,
        # uvicorn's httptools protocol, each answer's head and body in one write (api.protocol)
        "http": OneWriteHttp,
        "loop": settings.server.loop,
    }
    from api.workers import SHARED_PORTS, listening_socket, serve_here, worker_sockets

    config = uvicorn.Config("api.app:create_app_from_env", **options)
    shared = SHARED_PORTS and config.workers > 1
    try:
        # Bound here, even for one worker: a port in use is one line, not uvicorn's exit 1.
        sockets = (
            worker_sockets(config.host, config.port, config.workers)
            if shared
            else [listening_socket(config.host, config.port)]
        )
    except OSError as exc:
        where = f"{config.host}:{config.port}"
        sys.stderr.write(f"Could not listen on {where}: {exc.strerror}. Is it in use?\n")
        return EXIT_DATA
    if config.workers == 1:
        from api import heap

        with heap.importing():  # the app, which uvicorn then finds imported: for good
            import api.app  # noqa: F401
        return 0 if serve_here(config, sockets) else EXIT_DATA
    return _serve_workers(config, sockets, shared)


def _serve_workers(config: uvicorn.Config, sockets: list[socket.socket], shared: bool) -> int:
    from api.metrics import MULTIPROCESS_DIR
    from api.workers import run_workers

    # Each worker counts its requests in a file here, and /metrics adds them all up. Set for
    # the workers (they inherit it), and taken away after them.
    with tempfile.TemporaryDirectory(prefix="safeplaces-metrics-") as metrics_dir:
        os.environ[MULTIPROCESS_DIR] = metrics_dir
        try:
            if shared:
                return run_workers(config, sockets)
            # Without SO_REUSEPORT (not Linux or BSD): uvicorn's supervisor, one socket for all.
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=sockets).run()
            return 0
        finally:
            del os.environ[MULTIPROCESS_DIR]


def _postcode(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    national = NationalPostcodes.load_optional(data.national_postcodes_path, data.cache_dir)
    # Only the postcode lookup: no place names needed.
    resolver = LocationResolver(
        gazetteer, PlaceNames([]), area_name=settings.search.area_name, national=national
    )
    found = resolver.locate(args.postcode)
    where = f"{found.latitude:.6f}, {found.longitude:.6f}"
    if isinstance(found, PostcodeLocation):
        note = "  (no longer in use)" if found.terminated else ""
        out.write(f"{found.postcode}  {where}{note}\n")
        return 0
    if isinstance(found, NationalLocation):
        notes = [found.country or "Great Britain", "outside the postcode data of this service"]
        if found.approximate:
            notes.insert(0, f"middle of {found.postcode_count} postcodes")
        out.write(f"{found.code}  {where}  ({', '.join(notes)})\n")
        return 0
    code = found.district if isinstance(found, DistrictLocation) else found.sector
    out.write(f"{code}  {where}  (middle of {found.postcode_count} postcodes)\n")
    return 0


def _row(n: str, m: VenueMatch, now: datetime) -> list[str]:
    v = m.venue
    hours = v.opening_hours.status(now).describe(now) if v.opening_hours else describe_unknown()
    return [
        n,
        v.name + (" (approximate location)" if v.location_precision.approximate else ""),
        v.category.label,
        f"{m.distance_m / 1609.344:.1f} mi, ~{m.walk_minutes} min walk",
        hours,
    ]


def _table(rows: list[list[str]], out: TextIO) -> None:
    header = ["#", "Place", "Type", "Distance", "Opening"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def _nearest(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    datasets: Datasets = load_datasets(settings)
    now = datetime.now(LONDON)
    asked = SearchRequest(text=args.query, k=args.k, open_now=args.open_now, nearest_open=False)
    result = search(asked, datasets.resolver(settings), datasets.locator(settings), now)
    if isinstance(result, Choices):
        raise result.error()
    out.write(f"Nearest Safe Places to {result.origin.label}:\n")
    for message in result.messages:
        out.write(f"  {message}\n")
    if result.places:
        _table([_row(str(i), m, now) for i, m in enumerate(result.places, 1)], out)
    if result.nearest_police:
        out.write("\nNearest police enquiry office:\n")
        _table([_row("P", result.nearest_police, now)], out)
        out.write("In an emergency call 999. Otherwise call 101.\n")
    return 0
