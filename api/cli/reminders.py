"""`safeplaces reminders send`: the yearly check's reminder emails, for cron to run daily.

Which places are due, who is told and what the email says are `geodata.reminders`' job; this
only reads the settings, sends through the configured SMTP server and says what it did.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any, TextIO

from api.cli.common import EXIT_BAD_INPUT, EXIT_DATA
from api.settings import Settings
from geodata.areas import Areas, load_area_names
from geodata.datasets import open_store, open_users
from geodata.mailer import Mailer
from geodata.reminders import Email, Letters, Reminders
from locator.errors import MailNotSetUp


def add_commands(sub: Any) -> None:
    reminders = sub.add_parser(
        "reminders",
        help="email venues whose yearly check is due (run daily, e.g. from cron)",
        description=(
            "Emails each Safe Place whose yearly check is due within "
            "SAFEPLACES_REMINDERS__DUE_WITHIN_DAYS days, or overdue, once per stage. A venue "
            "with no contact email is listed in an email to its area's officers instead."
        ),
    )
    reminders.add_argument("action", choices=["send"])
    reminders.add_argument(
        "--dry-run", action="store_true", help="say who would be emailed, send nothing"
    )
    reminders.add_argument(
        "--today", type=date.fromisoformat, help="act as on this day (YYYY-MM-DD)"
    )
    reminders.set_defaults(run=_reminders)


def _reminders(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    today: date = args.today or date.today()
    store = open_store(settings)
    data = settings.data
    areas = Areas(load_area_names(data.path(data.places_file)))
    wording = settings.reminders
    letters = Letters(
        scheme=wording.scheme_name,
        contact=wording.how_to_arrange,
        staff_url=_staff_list(settings),
        area_label=lambda code: areas.names.get(code or "") or code or "not known",
    )
    reminders = Reminders(store.engine, store.writer, wording.due_within_days)
    emails = reminders.plan(today, open_users(settings).users(), letters)
    if not emails:
        out.write(f"No reminders to send on {today:%d %B %Y}.\n")
        return 0
    if args.dry_run:
        out.write(f"Would send {_count(emails)} (nothing sent):\n")
        for email in emails:
            out.write(_line(email))
        return 0
    if settings.mail.host is None:
        sys.stderr.write(MailNotSetUp().user_message + "\n")
        return EXIT_DATA
    mailer = Mailer(settings.mail)
    results = reminders.send(
        emails,
        lambda e: mailer.send(e.to, e.subject, e.text, reply_to=wording.reply_to),
    )
    failed = [r for r in results if r.problem]
    out.write(f"Sent {_count([r.email for r in results if not r.problem])}:\n")
    for result in results:
        if not result.problem:
            out.write(_line(result.email))
    for result in failed:
        sys.stderr.write(f"Could not send to {result.email.to}: {result.problem}\n")
    if failed:
        sys.stderr.write(f"{len(failed)} not sent; they will be tried again on the next run.\n")
        return EXIT_BAD_INPUT
    return 0


def _staff_list(settings: Settings) -> str | None:
    """The staff place list of checks to do, for officers' emails; None without a public URL
    (a command run from cron has no request to take the address from)."""
    base = settings.server.public_url
    return f"{base}/staff/places?check=overdue" if base else None


def _count(emails: list[Email]) -> str:
    return f"{len(emails)} reminder{'s' if len(emails) != 1 else ''}"


def _line(email: Email) -> str:
    names = ", ".join(p.name for p in email.places)
    return f"  {email.to}: {names}\n"
