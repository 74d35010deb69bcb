"""`safeplaces users`, `tokens`, `import` (`api.cli.imports`) and `export`: the staff's work
from a terminal.

Account and place changes go through the same services as the staff pages
(`geodata.account_service`, `geodata.editor`), acting as the operator.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any, TextIO

from api.cli import imports
from api.cli.common import sure
from api.settings import Settings
from geodata.account_service import AccountService
from geodata.areas import Areas, load_area_names
from geodata.datasets import open_store, open_users
from geodata.export import export_places
from geodata.gazetteer import Gazetteer
from geodata.place_list import PlaceQuery
from geodata.two_factor import TwoFactor
from locator.accounts import Role, operator
from locator.errors import SafePlacesError


def add_commands(sub: Any) -> None:
    users = sub.add_parser("users", help="staff accounts")
    users.add_argument(
        "action",
        choices=[
            "create",
            "list",
            "update",
            "set-password",
            "two-factor-off",
            "disable",
            "enable",
            "delete",
        ],
        help="set-password resets a forgotten password; two-factor-off is for a lost phone "
        "and lost recovery codes; disable stops an account logging in",
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
    users.set_defaults(run=_users)
    _add_file_commands(sub)


def _add_file_commands(sub: Any) -> None:
    tokens = sub.add_parser("tokens", help="API tokens for scripts")
    tokens.add_argument("action", choices=["create", "list", "revoke"])
    tokens.add_argument("--email", required=True)
    tokens.add_argument("--name", default="script", help="what the token is for")
    tokens.add_argument("--id", type=int, default=0, help="the token to revoke (see list)")
    tokens.set_defaults(run=_tokens)
    imports.add_command(sub)
    exp = sub.add_parser(
        "export", help="export places (every one, or those the filters choose) to a file"
    )
    exp.add_argument("file", help="ending .csv, .geojson or .gpkg")
    # The staff list's filters, with the same values as its links (empty: any).
    for name, words in EXPORT_FILTERS.items():
        exp.add_argument(f"--{name}", default="", help=words)
    exp.set_defaults(run=_export)


def _password(args: argparse.Namespace) -> str:
    """From standard input (for scripts) or typed twice at a hidden prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Type it again: ") != first:
        raise SafePlacesError("The two passwords are not the same. Nothing was changed.")
    return first


def _accounts(settings: Settings) -> AccountService:
    """The account service, with the areas an editor may be given (a code or a name)."""
    data = settings.data

    def known() -> frozenset[str]:
        return Gazetteer.load(
            data.path(data.postcodes_file), data.cache_dir
        ).local_authority_codes()

    areas = Areas(load_area_names(data.path(data.places_file)))
    return AccountService(
        open_users(settings), areas, known, staff=settings.staff, mail=settings.mail
    )


def _users(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    accounts = _accounts(settings)
    if args.action == "list":
        for user in accounts.users.users():
            named = ", ".join(sorted(accounts.areas.name(a) for a in user.areas))
            shown_areas = f"  areas: {named}" if user.areas else ""
            disabled = "  (disabled)" if not user.active else ""
            disabled += "  (invited)" if user.invited else ""
            disabled += "  (two-factor login)" if user.two_factor else ""
            out.write(f"{user.email}  {user.role.value}  {user.name}{shown_areas}{disabled}\n")
        return 0
    if not args.email:
        raise SafePlacesError("Give the account's email address with --email.")
    me = operator()
    if args.action == "create":
        role = args.role or Role.VIEWER.value
        user = accounts.create(me, args.email, args.name or "", role, _password(args), args.area)
        out.write(f"Created {user.role.value} account {user.email}.\n")
        return 0
    found = accounts.users.find(args.email)
    if found is None:
        raise SafePlacesError(f"There is no account for {args.email}. See: users list.")
    if args.action == "set-password":
        accounts.reset_password(me, found.id, _password(args))
        ended = "Their sessions and API tokens have ended."
        out.write(f"New password set for {found.email}. {ended}\n")
    elif args.action == "two-factor-off":
        TwoFactor(accounts.users, accounts.links).reset(found.id)
        out.write(f"Two-factor login is off for {found.email}. They can turn it on again.\n")
    elif args.action == "update":
        user = accounts.update(me, found.id, args.role, args.area or None)
        named = ", ".join(sorted(accounts.areas.name(a) for a in user.areas))
        shown = f" for {named}" if user.areas else ""
        out.write(f"{user.email} is now {user.role.value}{shown}.\n")
    elif args.action in ("disable", "enable"):
        accounts.set_active(me, found.id, args.action == "enable")
        out.write(f"{found.email} is {args.action}d.\n")
    elif sure(args, out, f"Delete the account {found.email} for good? Type yes: "):
        accounts.delete(me, found.id)
        out.write(f"Deleted the account {found.email}. Place histories still name it.\n")
    else:
        out.write("Nothing was changed. (To stop a login but keep the account: disable.)\n")
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


EXPORT_FILTERS = {
    "q": "part of a name, address, postcode, phone number or reference",
    "status": "draft, active, suspended, removed, or current (any but removed)",
    "area": "a local authority code, e.g. E07000035",
    "kind": "safe_place or police_enquiry_office",
    "check": "overdue, or due (in the next 30 days)",
    "missing": "phone, opening_hours, accessibility_notes or contact_email",
    "fix": "contact: a phone number or email that isn't right (kept as it was typed)",
    "changed": "changed in the last this many days",
}


def _export(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    filters = {name: getattr(args, name) for name in EXPORT_FILTERS}
    query = PlaceQuery.from_params(filters) if any(filters.values()) else None
    areas = Areas(load_area_names(settings.data.path(settings.data.places_file)))
    count = export_places(open_store(settings), Path(args.file), query, areas)
    out.write(f"Wrote {count} places to {args.file}.\n")
    return 0
