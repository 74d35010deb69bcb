"""`safeplaces import`: the import page's steps from a terminal, through the same place editor.

The columns are matched as on the page: suggested from their headings, changed with
``--match "Venue name=name"`` or ``--leave-out Notes``; a column with no match stops the
import, listing it. Rows that look like a place we have are left out unless ``--lookalikes``
(or ``--row 5=update``) says otherwise; rows with errors stop it unless
``--leave-out-bad-rows``. Row numbers are as Excel shows them (the headings are row 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from api.cli.common import EXIT_BAD_INPUT, sure
from api.settings import Settings
from api.views import places_words
from geodata.columns import (
    LEAVE_OUT,
    TARGETS,
    UnmatchedColumns,
    check_choices,
    rename,
    suggest,
    target_named,
    unmatched_words,
)
from geodata.datasets import load_datasets
from geodata.editor import PlaceEditor
from geodata.import_files import Sheet, read_sheet
from geodata.importer import ImportPlan
from geodata.lookalikes import Decision
from geodata.synonyms import squash
from geodata.validation import PlaceChecker
from locator.accounts import operator
from locator.contact_details import PHONE_FIELDS, shown_phones
from locator.errors import DataError

_DECISIONS = {"update": Decision.UPDATE, "add": Decision.ADD, "leave-out": Decision.LEAVE_OUT}


def add_command(sub: Any) -> None:
    imp = sub.add_parser(
        "import", help="import places from a CSV, Excel (.xlsx), GeoJSON or GeoPackage file"
    )
    imp.add_argument("file")
    imp.add_argument(
        "--match", action="append", default=[], metavar='"HEADING=DETAIL"',
        help='what a column fills, e.g. --match "Venue name=name" (details: '
        + ", ".join(TARGETS) + ")",
    )  # fmt: skip
    imp.add_argument(
        "--leave-out", action="append", default=[], metavar="HEADING",
        help="a column not to import",
    )  # fmt: skip
    imp.add_argument(
        "--lookalikes", choices=sorted(_DECISIONS), default="leave-out",
        help="rows that look like a place we have (or an earlier row): update that place, "
        "add them as new, or leave them out (the default)",
    )  # fmt: skip
    imp.add_argument(
        "--row", action="append", default=[], metavar="ROW=WHAT",
        help="for one row that looks like a place, as Excel numbers it: --row 5=update",
    )  # fmt: skip
    imp.add_argument(
        "--leave-out-bad-rows", action="store_true",
        help="import the good rows, leaving out the rows with errors",
    )  # fmt: skip
    imp.add_argument("--dry-run", action="store_true", help="only show what would change")
    imp.add_argument("--yes", action="store_true", help="apply without asking")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.add_argument("--actor", default="command line", help="who to record in the history")
    imp.set_defaults(run=_import)


def _import(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Preview an import, then (with --yes, or a yes at the prompt) apply it, all or nothing."""
    try:
        sheet = read_sheet(Path(args.file), settings.imports)
        chosen = _columns(sheet, args.match, args.leave_out)
        rows = rename(sheet.rows, check_choices(sheet.headings, chosen))
        rows_decided = _rows(args.row)
    except UnmatchedColumns as exc:
        problems = " ".join(dict.fromkeys(exc.problems.values()))
        sys.stderr.write(f"{args.file}: {problems}\n")
        if any(chosen[i] is None for i in exc.problems):
            sys.stderr.write(unmatched_words(sheet.headings, chosen) + "\n")
        sys.stderr.write("Nothing was imported.\n")
        return EXIT_BAD_INPUT
    except DataError as exc:
        # A bad file is the person's input, not the service's data: one line, and exit 2.
        sys.stderr.write(f"{args.file}: {exc} Nothing was imported.\n")
        return EXIT_BAD_INPUT
    datasets = load_datasets(settings)
    editor = PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))
    me = operator(args.actor)
    plan = _plan(editor, me, rows, args, rows_decided)
    _write_columns(sheet, chosen, out)
    _write_plan(args.file, plan, out)
    if clashes := plan.clashes():
        for clash in clashes:
            out.write(f"{clash}.\n")
        out.write(
            "Nothing was imported. Say which row is the place with --row ROW=add "
            "(or leave-out) for the others.\n"
        )
        return EXIT_BAD_INPUT
    if not plan.ok:
        if not args.leave_out_bad_rows:
            out.write(
                "Nothing was imported. Fix these rows and import the file again, or leave "
                "them out with --leave-out-bad-rows.\n"
            )
            return EXIT_BAD_INPUT
        plan = plan.without_errors()
    if args.dry_run or (plan.count("add") + plan.count("update")) == 0:
        return 0
    if not sure(args, out, "Apply these changes? Type yes: "):
        out.write("Nothing was imported.\n")
        return 0
    applied = editor.apply_import(me, plan)
    out.write(f"Imported: {places_words(applied)} added or updated.\n")
    return 0


def _plan(
    editor: PlaceEditor,
    me: Any,
    rows: list[dict[str, Any]],
    args: argparse.Namespace,
    rows_decided: dict[int, Decision],
) -> ImportPlan:
    """The plan, with each lookalike done as --row says, else as --lookalikes does."""
    from tqdm import tqdm

    with tqdm(total=len(rows), unit="row", desc="Checking", disable=args.quiet) as bar:
        plan = editor.plan_import(me, rows, progress=bar.update, decisions=rows_decided)
    default = _DECISIONS[args.lookalikes]
    if default is Decision.LEAVE_OUT and not rows_decided:
        return plan
    decided = {k.row: default for k in plan.lookalikes} | rows_decided
    return editor.plan_import(me, rows, decisions=decided)


def _columns(sheet: Sheet, matches: list[str], left_out: list[str]) -> list[str | None]:
    """What each column fills: as its heading suggests, then as --match and --leave-out say."""
    chosen = suggest(sheet.headings)
    keys = {squash(h): i for i, h in enumerate(sheet.headings)}
    named = ", ".join(f'"{h}"' for h in sheet.headings)

    def column(heading: str) -> int:
        found = keys.get(squash(heading))
        if found is None:
            raise DataError(f'There is no column "{heading}" in this file. Its columns: {named}.')
        return found

    for match in matches:
        heading, _, detail = match.rpartition("=")
        target = target_named(detail)
        if not heading or target is None:
            raise DataError(
                f'--match "{match}" is not HEADING=DETAIL with a detail we know. '
                f"Details: {', '.join(TARGETS)}."
            )
        chosen[column(heading)] = target
    for heading in left_out:
        chosen[column(heading)] = LEAVE_OUT
    return chosen


def _rows(given: list[str]) -> dict[int, Decision]:
    """--row "5=update" as {data row: decision}; 5 is the row Excel shows (headings: row 1)."""
    out: dict[int, Decision] = {}
    for item in given:
        number, _, what = item.partition("=")
        if not number.strip().isdigit() or int(number) < 2 or what.strip() not in _DECISIONS:
            raise DataError(
                f'--row "{item}" is not ROW=WHAT, like --row 5=update (or add, or leave-out).'
            )
        out[int(number) - 1] = _DECISIONS[what.strip()]
    return out


def _write_columns(sheet: Sheet, chosen: list[str | None], out: TextIO) -> None:
    parts = [
        f"{h} -> {t}" if t != LEAVE_OUT else f"{h}: left out"
        for h, t in zip(sheet.headings, chosen, strict=True)
    ]
    out.write(f"Columns: {'; '.join(parts)}.\n")


def _said(field: str, value: Any) -> str:
    """A value as the plan prints it: a phone as dialled, not in its stored E.164 form."""
    return str(shown_phones(value) if field in PHONE_FIELDS and isinstance(value, str) else value)


def _write_plan(file: str, plan: ImportPlan, out: TextIO) -> None:
    """What the plan does, row by row as Excel numbers them (the headings are row 1)."""
    waiting = len(plan.undecided())
    extra = f", {len(plan.lookalikes)} like a place we have" if plan.lookalikes else ""
    out.write(f"{file}: {plan.summary()}{extra}.\n")
    for planned in plan.planned("add"):
        out.write(f"  add     row {planned.row + 1}{_ref(planned.ref)}: {planned.name}\n")
    for planned in plan.planned("update"):
        changes = "; ".join(
            f"{k} {_said(k, a)} -> {_said(k, b)}" for k, (a, b) in planned.changes.items()
        )
        where = f"row {planned.row + 1}{_ref(planned.ref)}"
        out.write(f"  update  {where}: {planned.name}: {changes}\n")
    for look in plan.lookalikes:
        like = look.place_name if look.place_id else f"row {(look.earlier_row or 0) + 1}"
        what = {Decision.UPDATE: "updates it", Decision.ADD: "added as new"}.get(
            look.decision, "left out"
        )
        out.write(
            f"  like    row {look.row + 1}: {look.name} looks like {like} ({look.why}): {what}\n"
        )
    for error in plan.errors:
        out.write(f"  error   row {error.row + 1}{_ref(error.ref)}: {error.reason}\n")
    if waiting:
        out.write(
            f"{waiting} rows that look like a place are left out: say what they are with "
            "--lookalikes, or --row ROW=update (or add).\n"
        )


def _ref(ref: str) -> str:
    return f" ({ref})" if ref else ""
