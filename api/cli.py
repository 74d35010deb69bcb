"""The `safeplaces` command: run the service, or look things up from a terminal."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from api.settings import Settings
from api.views import places_words
from geodata.areas import Areas, load_area_names
from geodata.datasets import (
    Datasets,
    load_datasets,
    load_venue_files,
    open_store,
    open_users,
)
from geodata.export import export_places
from geodata.gazetteer import Gazetteer
from geodata.importer import plan_import, read_table
from geodata.placenames import PlaceName, PlaceNames
from geodata.postcodes import PostcodeDistrict, parse_postcode_or_district
from geodata.validation import PlaceChecker
from locator.accounts import Role
from locator.errors import DataError, SafePlacesError, UnknownPostcode
from locator.filter import VenueFilter
from locator.hours import LONDON, describe_unknown
from locator.match import VenueMatch
from locator.venues import Kind

EXIT_BAD_INPUT = 2
EXIT_DATA = 3


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.logging import configure_logging, logging_config

    data = settings.data
    postcodes = data.path(data.postcodes_file)
    if not postcodes.is_file():
        # Fail before the server starts, in words, rather than with a start-up traceback.
        raise DataError(
            f"there is no {data.postcodes_file} in {data.dir}. Set SAFEPLACES_DATA_DIR to the "
            "folder with the open data (see the README)."
        )
    configure_logging(settings.server.log_level)
    options: dict[str, Any] = {
        "factory": True,
        "host": args.host or settings.server.host,
        "port": args.port or settings.server.port,
        "workers": args.workers or settings.server.workers,
        "log_config": logging_config(settings.server.log_level),
        # Our own access log records route templates only; uvicorn's would record queries.
        "access_log": False,
        "proxy_headers": True,
    }
    if options["workers"] == 1:
        uvicorn.run("api.app:create_app_from_env", **options)
        return 0
    from api.workers import SHARED_PORTS, listening_socket, run_workers, worker_sockets

    config = uvicorn.Config("api.app:create_app_from_env", **options)
    try:
        sockets = (
            worker_sockets(config.host, config.port, config.workers)
            if SHARED_PORTS
            else [listening_socket(config.host, config.port)]
        )
    except OSError as exc:
        where = f"{config.host}:{config.port}"
        sys.stderr.write(f"Could not listen on {where}: {exc.strerror}. Is it in use?\n")
        return EXIT_DATA
    if SHARED_PORTS:
        return run_workers(config, sockets)
    # Without SO_REUSEPORT (not Linux or BSD): uvicorn's supervisor, one socket for all.
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=sockets).run()
    return 0


def _postcode(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    parsed = parse_postcode_or_district(args.postcode)
    if isinstance(parsed, PostcodeDistrict):
        district = gazetteer.district(parsed)
        if district is None:
            raise UnknownPostcode(
                f"We couldn't find the postcode area {parsed}. Please check it and try again."
            )
        out.write(
            f"{parsed}  {district.latitude:.6f}, {district.longitude:.6f}"
            f"  (middle of {district.postcode_count} postcodes)\n"
        )
        return 0
    found = gazetteer.lookup(parsed)
    note = "  (no longer in use)" if found.terminated else ""
    out.write(f"{found.postcode}  {found.latitude:.6f}, {found.longitude:.6f}{note}\n")
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
    resolver = datasets.resolver(settings)
    locator = datasets.locator(settings)
    origin = resolver.resolve_one(args.query)
    now = datetime.now(LONDON)
    filter = VenueFilter.of([Kind.SAFE_PLACE], open_at=now if args.open_now else None)
    result = locator.nearest(origin, args.k, filter)
    out.write(f"Nearest Safe Places to {origin.label}:\n")
    for message in result.messages:
        out.write(f"  {message}\n")
    if result.places:
        _table([_row(str(i), m, now) for i, m in enumerate(result.places, 1)], out)
    if result.nearest_police:
        out.write("\nNearest police enquiry office:\n")
        _table([_row("P", result.nearest_police, now)], out)
        out.write("In an emergency call 999. Otherwise call 101.\n")
    return 0


def _password(args: argparse.Namespace) -> str:
    """From standard input (for scripts) or typed twice at a hidden prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Type it again: ") != first:
        raise SafePlacesError("The two passwords are not the same. Nothing was changed.")
    return first


def _known_areas(settings: Settings, areas: list[str]) -> frozenset[str]:
    """The --area values as codes: a code (any case) or a name ("Amber Valley")."""
    data = settings.data
    known = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir).local_authority_codes()
    try:
        return Areas(load_area_names(data.path(data.places_file))).parse(areas, known)
    except ValueError as exc:
        raise SafePlacesError(str(exc)) from None


def _users(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    users = open_users(settings)
    if args.action == "list":
        for user in users.users():
            shown_areas = f"  areas: {', '.join(sorted(user.areas))}" if user.areas else ""
            disabled = "  (disabled)" if not user.active else ""
            out.write(f"{user.email}  {user.role.value}  {user.name}{shown_areas}{disabled}\n")
        return 0
    if not args.email:
        raise SafePlacesError("Give the account's email address with --email.")
    try:
        if args.action == "create":
            user = users.create_user(
                args.email,
                args.name or "",
                Role(args.role or Role.VIEWER.value),
                _password(args),
                _known_areas(settings, args.area),
            )
            out.write(f"Created {user.role.value} account {user.email}.\n")
            return 0
        found = users.find(args.email)
        if found is None:
            raise SafePlacesError(f"There is no account for {args.email}. See: users list.")
        if args.action == "set-password":
            users.set_password(found.id, _password(args))
            out.write(f"New password set for {found.email}. Their sessions have ended.\n")
        elif args.action == "update":
            role = Role(args.role) if args.role else found.role
            areas = _known_areas(settings, args.area) if args.area else found.areas
            user = users.update(found.id, role, areas)
            shown = f" for {', '.join(sorted(user.areas))}" if user.areas else ""
            out.write(f"{user.email} is now {user.role.value}{shown}.\n")
        elif args.action in ("disable", "enable"):
            users.set_active(found.id, args.action == "enable")
            out.write(f"{found.email} is {args.action}d.\n")
        else:
            if not args.yes:
                out.write(f"Delete the account {found.email} for good? Type yes: ")
                out.flush()
                if sys.stdin.readline().strip().lower() not in ("y", "yes"):
                    out.write(
                        "Nothing was changed. (To stop a login but keep the account: disable.)\n"
                    )
                    return 0
            users.delete_user(found.id)
            out.write(f"Deleted the account {found.email}. Place histories still name it.\n")
    except ValueError as exc:
        raise SafePlacesError(str(exc)) from None
    return 0


def _tokens(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    users = open_users(settings)
    match = [u for u in users.users() if u.email == args.email.strip().lower()]
    if not match:
        raise SafePlacesError(f"There is no account for {args.email}.")
    user = match[0]
    if args.action == "list":
        for token_id, name, revoked in users.tokens(user.id):
            out.write(f"{token_id}  {name}{'  (revoked)' if revoked else ''}\n")
        return 0
    if args.action == "revoke":
        owned = {token_id for token_id, _, _ in users.tokens(user.id)}
        if args.id not in owned:
            raise SafePlacesError(f"{user.email} has no token {args.id}. See: tokens list.")
        users.revoke_token(args.id)
        out.write(f"Token {args.id} of {user.email} is revoked.\n")
        return 0
    token = users.create_token(user.id, args.name)
    out.write(f"{token}\nKeep this token secret. It is shown only now.\n")
    return 0


def _import(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Preview an import, then (with --yes, or a yes at the prompt) apply it, all or nothing."""
    from tqdm import tqdm

    datasets = load_datasets(settings)
    rows = read_table(Path(args.file))
    checker = PlaceChecker(datasets.gazetteer, datasets.area)
    with tqdm(total=len(rows), unit="row", desc="Checking", disable=args.quiet) as bar:
        plan = plan_import(rows, datasets.store, checker, progress=bar.update)
    out.write(f"{args.file}: {plan.summary()}.\n")
    for planned in plan.planned("add"):
        out.write(f"  add     row {planned.row} ({planned.ref}): {planned.name}\n")
    for planned in plan.planned("update"):
        changes = "; ".join(f"{k} {a!s} -> {b!s}" for k, (a, b) in planned.changes.items())
        out.write(f"  update  row {planned.row} ({planned.ref}): {planned.name}: {changes}\n")
    for error in plan.errors:
        out.write(f"  {error}\n")
    if not plan.ok:
        out.write("Nothing was imported. Fix these rows and import the file again.\n")
        return EXIT_BAD_INPUT
    if args.dry_run or (plan.count("add") + plan.count("update")) == 0:
        return 0
    if not args.yes:
        out.write("Apply these changes? Type yes: ")
        out.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            out.write("Nothing was imported.\n")
            return 0
    applied = datasets.store.apply_import(plan, args.actor)
    out.write(f"Imported: {places_words(applied)} added or updated.\n")
    return 0


def _export(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    count = export_places(open_store(settings), Path(args.file))
    out.write(f"Wrote {count} places to {args.file}.\n")
    return 0


def _check_data(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Validate the open-data venue files (the database is not touched)."""
    data = settings.data
    gazetteer = Gazetteer.load(data.path(data.postcodes_file), data.cache_dir)
    places = PlaceNames.load(data.path(data.places_file))
    dataset = load_venue_files(settings, gazetteer, places)
    for problem in dataset.problems:
        out.write(f"{problem}\n")
    loaded, skipped = len(dataset.venues), len(dataset.skipped)
    out.write(f"{loaded} places loaded, {skipped} rows skipped.\n")
    return 1 if dataset.skipped and args.strict else 0


def _report(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Write the coverage or data-quality report: CSV files and one self-contained HTML page."""
    import os

    from tqdm import tqdm

    from geodata import reports

    folder = Path(args.out) if args.out else settings.data.cache_dir.parent / "reports"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder_error = True
    else:
        folder_error = not os.access(folder, os.W_OK | os.X_OK)
    if folder_error:
        # Checked before the work starts, not after it.
        raise SafePlacesError(
            f"Can't write the report to {folder}: give --out a folder you can write to."
        )
    steps = reports.COVERAGE_STEPS if args.kind == "coverage" else reports.QUALITY_STEPS
    with tqdm(
        total=len(steps) + 1, unit="step", desc="Loading the data", disable=args.quiet
    ) as bar:

        def progress(step: str) -> None:
            bar.update(1)
            bar.set_description(step)

        datasets = load_datasets(settings)
        if args.kind == "coverage":
            coverage = reports.build_coverage(datasets, settings, progress=progress)
            files = reports.write_coverage(coverage, folder, settings, settings.pages, progress)
            rec = coverage.recruitment
            lines = [
                f"{rec.before_pct:.1f}% of {rec.postcodes:,} postcodes are within "
                f"{rec.radius_m:g} m of a Safe Place; with the {len(rec.picks)} suggested "
                f"places it would be {rec.after_pct:.1f}%."
            ]
        else:
            quality = reports.build_quality(datasets, progress=progress)
            files = reports.write_quality(quality, folder, settings, settings.pages, progress)
            lines = [
                f"{r['description']}: {r['places']} of {r['of']} places"
                for r in quality.summary.to_dict(orient="records")
            ]
        bar.update(1)
    for line in lines:
        out.write(line + "\n")
    out.write(f"Wrote {len(files)} files to {folder}:\n")
    for path in files:
        out.write(f"  {path.name}\n")
    return 0


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number in a range, with a plain message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number from {low} to {high}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safeplaces", description="Safe Places Locator")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=_whole(1, 65535, "the port"))
    serve.add_argument("--workers", type=_whole(1, 64, "the number of workers"))
    pc = sub.add_parser("postcode", help="where a postcode is")
    pc.add_argument("postcode")
    near = sub.add_parser("nearest", help="the nearest Safe Places to a postcode or place")
    near.add_argument("query", help='a postcode or a place name, e.g. "DE4 3AG" or Matlock')
    near.add_argument(
        "-k", type=_whole(1, 50, "k"), default=5, help="how many places (1 to 50, default 5)"
    )
    near.add_argument("--open-now", action="store_true", help="only places open now")
    users = sub.add_parser("users", help="staff accounts")
    users.add_argument(
        "action",
        choices=["create", "list", "update", "set-password", "disable", "enable", "delete"],
        help="set-password resets a forgotten password; disable stops an account logging in",
    )
    users.add_argument("--email")
    users.add_argument("--name")
    users.add_argument(
        "--role", choices=[r.value for r in Role], help="for create (default viewer) or update"
    )
    users.add_argument(
        "--area",
        action="append",
        default=[],
        help='an area an editor may edit: its name ("Amber Valley") or code (E07000032)',
    )
    users.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    users.add_argument("--yes", action="store_true", help="delete without asking")
    tokens = sub.add_parser("tokens", help="API tokens for scripts")
    tokens.add_argument("action", choices=["create", "list", "revoke"])
    tokens.add_argument("--email", required=True)
    tokens.add_argument("--name", default="script", help="what the token is for")
    tokens.add_argument("--id", type=int, default=0, help="the token to revoke (see list)")
    imp = sub.add_parser("import", help="import places from a CSV, GeoJSON or GeoPackage file")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="only show what would change")
    imp.add_argument("--yes", action="store_true", help="apply without asking")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.add_argument("--actor", default="command line", help="who to record in the history")
    exp = sub.add_parser("export", help="export every place to .csv, .geojson or .gpkg")
    exp.add_argument("file")
    check = sub.add_parser("check-data", help="load the data and list every row problem")
    check.add_argument("--strict", action="store_true", help="exit 1 if any row was skipped")
    report = sub.add_parser(
        "report", help="coverage or data-quality report for staff: CSV files and an HTML page"
    )
    report.add_argument(
        "kind",
        choices=["coverage", "quality"],
        help="coverage: distances from every postcode and where to recruit; quality: places "
        "to fix or check",
    )
    report.add_argument("--out", help="the folder to write to (default: var/reports)")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        sys.stderr.write(f"A SAFEPLACES_ setting is not valid: {fields}. See the README.\n")
        return EXIT_BAD_INPUT
    commands = {
        "postcode": _postcode,
        "nearest": _nearest,
        "check-data": _check_data,
        "users": _users,
        "import": _import,
        "export": _export,
        "tokens": _tokens,
        "report": _report,
    }
    if args.command != "serve":
        # A terminal lookup needs its answer, not start-up notes about the data.
        logging.basicConfig(level=logging.ERROR)
    try:
        if args.command == "serve":
            return _serve(args, settings)
        return commands[args.command](args, settings, out)
    except SafePlacesError as exc:
        sys.stderr.write(exc.user_message + "\n")
        if exc.choices:
            for choice in exc.choices:
                if isinstance(choice, PlaceName):
                    sys.stderr.write(f"  - {choice.label}\n")
            example = exc.choices[0]
            if isinstance(example, PlaceName):
                sys.stderr.write(
                    f'Type, for example: safeplaces nearest "{example.name}, '
                    f'{example.local_authority}"\n'
                )
        return EXIT_BAD_INPUT
    except DataError as exc:
        sys.stderr.write(f"The data could not be loaded: {exc}\n")
        return EXIT_DATA


if __name__ == "__main__":
    raise SystemExit(main())
