"""What the soak asserts once the load stops: no 5xx, no lost edit, every history complete,
every import's changes recorded, and no request stalled. Each check says what it found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from bench.soak_clients import STALL_S, EditorStats, Recorder, SavedEdit
from bench.soak_import import ImportRun

Row = dict[str, Any]
Histories = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Final:
    """Every place and its history, read through the staff API after the load."""

    rows: dict[str, Row]
    histories: Histories

    def by_ref(self) -> dict[str, Row]:
        return {r["external_ref"]: r for r in self.rows.values() if r.get("external_ref")}


async def read_final(client: httpx.AsyncClient) -> Final:
    listed = await client.get("/api/v1/admin/places")
    listed.raise_for_status()
    rows = {r["id"]: r for r in listed.json()}
    histories = {}
    for place in rows:
        got = await client.get(f"/api/v1/admin/places/{place}/history")
        got.raise_for_status()
        histories[place] = got.json()
    return Final(rows, histories)


def server_errors(log: str) -> list[str]:
    """The server log's ERROR lines and tracebacks (its access log lines are INFO)."""
    return [line for line in log.splitlines() if " ERROR " in line or line.startswith("Traceback")]


def check_statuses(rec: Recorder, log_errors: Sequence[str]) -> Check:
    fives = sum(1 for s in rec.samples.values() for status, _, _ in s if status >= 500)
    silent = len(rec.failures)
    detail = (
        f"{fives} answers 5xx, {silent} requests with no answer, "
        f"{len(log_errors)} errors in the server's log"
    )
    if rec.failures or log_errors:
        detail += " (first: " + "; ".join([*rec.failures[:3], *log_errors[:2]]) + ")"
    ok = fives == 0 and silent == 0 and not log_errors
    return Check("No 5xx, no request without an answer, no server error", ok, detail)


def check_stalls(rec: Recorder) -> Check:
    worst = {k: max(s for _, s, _ in v) for k, v in rec.samples.items() if v}
    slow = {k: s for k, s in worst.items() if s > STALL_S}
    if not slow:
        top = max(worst.values(), default=0.0)
        return Check(f"No request over {STALL_S:g} s", True, f"slowest {top * 1e3:.0f} ms")
    shown = ", ".join(f"{k} {s:.2f} s" for k, s in sorted(slow.items(), key=lambda x: -x[1]))
    detail = f"{len(rec.stalls)} requests over {STALL_S:g} s; slowest by kind: {shown}"
    return Check(f"No request over {STALL_S:g} s", False, detail)


def check_edits(saved: Sequence[SavedEdit], final: Final) -> Check:
    """Every edit answered 2xx is in the history at the version it was given, by its editor,
    with its value; each editor's saved versions of a place go up in the order it saved."""
    missing = []
    last: dict[tuple[str, str], int] = {}
    disorder = 0
    for edit in saved:
        changes = {c["version"]: c for c in final.histories.get(edit.place, [])}
        change = changes.get(edit.version)
        after = (change or {}).get("fields", {}).get(edit.field, [None, None])[1]
        if change is None or change["actor"] != edit.editor or after != edit.value:
            missing.append(f"{edit.place} v{edit.version} {edit.field}")
        key = (edit.editor, edit.place)
        if edit.version <= last.get(key, 0):
            disorder += 1
        last[key] = edit.version
    stale = _stale_fields(saved, final)
    ok = not missing and not disorder and not stale
    detail = (
        f"{len(saved)} edits answered 2xx, {len(saved) - len(missing)} of them in the history "
        f"at their version with their value, {disorder} out of order; {stale} edited fields "
        f"whose value now is not the last one their history records"
    )
    if missing:
        detail += f"; not found: {', '.join(missing[:5])}"
    return Check("No lost edits", ok, detail)


def _stale_fields(saved: Sequence[SavedEdit], final: Final) -> int:
    """Edited fields whose value now is not the last value the place's history gives them."""
    fields = {(e.place, e.field) for e in saved}
    wrong = 0
    for place, name in fields:
        afters = [c["fields"][name][1] for c in final.histories[place] if name in c["fields"]]
        if not afters or final.rows[place].get(name) != afters[-1]:
            wrong += 1
    return wrong


def check_histories(final: Final) -> Check:
    """Every place's history has each version from 1 to its current one, once, in order."""
    broken = []
    for place, row in final.rows.items():
        versions = [c["version"] for c in final.histories[place]]
        if versions != list(range(1, int(row["version"]) + 1)):
            broken.append(f"{place} (v{row['version']}: {versions[:3]}…{versions[-3:]})")
    changes = sum(len(h) for h in final.histories.values())
    detail = f"{len(final.rows)} places, {changes} recorded changes, {len(broken)} with gaps"
    if broken:
        detail += ": " + ", ".join(broken[:5])
    return Check("Every history complete, versions consecutive", not broken, detail)


def check_imports(runs: Sequence[ImportRun], final: Final, actor: str) -> Check:
    """Each applied import: every change its file makes is in the history, and every new
    place exists, created by the import."""
    by_ref = final.by_ref()
    applied = [r for r in runs if r.ok]
    missing = []
    for run in applied:
        for ref, values in run.expected.items():
            place = by_ref.get(ref, {}).get("id")
            if not place or not _imported(final.histories[place], values, actor):
                missing.append(f"import {run.number}: {ref}")
        for ref in run.added:
            row = by_ref.get(ref)
            first = final.histories[row["id"]][0] if row else {}
            if first.get("action") != "import":
                missing.append(f"import {run.number}: new {ref}")
    not_run = [f"import {r.number}: {r.status}" for r in runs if not r.ok]
    ok = bool(applied) and not missing and not not_run
    detail = f"{len(applied)} of {len(runs)} imports applied, {len(missing)} changes missing"
    if missing or not_run:
        detail += ": " + ", ".join((not_run + missing)[:5])
    return Check("Every import applied and recorded", ok, detail)


def _imported(history: list[dict[str, Any]], values: dict[str, str], actor: str) -> bool:
    return any(
        c["action"] == "import"
        and c["actor"] == actor
        and all(c["fields"].get(k, [None, None])[1] == v for k, v in values.items())
        for c in history
    )


def check_editors(stats: Sequence[EditorStats]) -> Check:
    """Each edit ends saved: a 412 is retried, any other refusal is a failure."""
    failed = sum(s.failed for s in stats)
    gave_up = sum(s.gave_up for s in stats)
    saved = sum(s.saved for s in stats)
    ok = saved > 0 and failed == 0 and gave_up == 0
    detail = f"{saved} saved, {failed} refused or unanswered, {gave_up} still stale after retries"
    return Check("Every edit saved (412s retried)", ok, detail)


def overwritten_by_imports(
    saved: Sequence[SavedEdit], runs: Sequence[ImportRun], final: Final
) -> tuple[int, int]:
    """Editors' saved values that an import then replaced (they stay in the history), and
    how many of those were saved while the importer read the preview, so the preview they
    confirmed could not show the change it reverted."""
    edits = {(e.place, e.field, e.value): e for e in saved}
    replaced = [
        edits[(place, name, before)]
        for place, history in final.histories.items()
        for c in history
        if c["action"] == "import"
        for name, (before, _) in c["fields"].items()
        if (place, name, before) in edits
    ]
    unseen = [
        e for e in replaced if any(r.ok and r.previewed_at < e.at <= r.confirmed_at for r in runs)
    ]
    return len(replaced), len(unseen)


def all_checks(
    rec: Recorder,
    saved: Sequence[SavedEdit],
    stats: Sequence[EditorStats],
    runs: Sequence[ImportRun],
    final: Final,
    importer: str,
    log: str,
) -> list[Check]:
    return [
        check_statuses(rec, server_errors(log)),
        check_edits(saved, final),
        check_editors(stats),
        check_histories(final),
        check_imports(runs, final, importer),
        check_stalls(rec),
    ]
