"""The soak's checks catch what they are for: a lost edit, an edit out of order, a gap in a
history, an import not recorded. No server: the checks read plain records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.soak_checks import (
    Final,
    check_edits,
    check_histories,
    check_imports,
    check_stalls,
    check_statuses,
    overwritten_by_imports,
)
from bench.soak_clients import Recorder, SavedEdit
from bench.soak_import import ImportRun

ANN, BOB, IMPORTER = "ann@council.gov.uk", "bob@council.gov.uk", "imp@council.gov.uk"


def change(version: int, actor: str, action: str, **fields: tuple[Any, Any]) -> dict[str, Any]:
    return {"version": version, "actor": actor, "action": action, "fields": fields}


def final(phone: str = "01629 500002") -> Final:
    """One place: created, phoned by Ann then Bob, then a note by an import."""
    history = [
        change(1, "seed", "create", phone=(None, "01629 500000")),
        change(2, ANN, "update", phone=("01629 500000", "01629 500001")),
        change(3, BOB, "update", phone=("01629 500001", "01629 500002")),
        change(4, IMPORTER, "import", accessibility_notes=(None, "Step-free")),
    ]
    row = {"id": "S1", "external_ref": "V1", "version": 4, "phone": phone}
    return Final({"S1": row | {"accessibility_notes": "Step-free"}}, {"S1": history})


SAVED = [
    SavedEdit(ANN, "S1", 2, "phone", "01629 500001", 1.0),
    SavedEdit(BOB, "S1", 3, "phone", "01629 500002", 2.0),
]


def test_edits_in_the_history_pass() -> None:
    assert check_edits(SAVED, final()).ok


def test_a_saved_edit_missing_from_the_history_is_lost() -> None:
    lost = SavedEdit(ANN, "S1", 3, "phone", "01629 599999", 3.0)
    found = check_edits([*SAVED, lost], final())
    assert not found.ok and "S1 v3 phone" in found.detail


def test_versions_going_down_for_one_editor_fail() -> None:
    again = SavedEdit(ANN, "S1", 2, "phone", "01629 500001", 4.0)
    assert not check_edits([SAVED[0], again], final()).ok


def test_a_value_that_is_not_the_historys_last_fails() -> None:
    assert not check_edits(SAVED, final(phone="01629 500001")).ok


def test_a_gap_in_a_history_fails() -> None:
    gappy = final()
    del gappy.histories["S1"][2]
    found = check_histories(gappy)
    assert not found.ok and "S1" in found.detail
    assert check_histories(final()).ok


def test_imports_are_found_in_the_history() -> None:
    run = ImportRun(1, Path("import-1.csv"), {"V1": {"accessibility_notes": "Step-free"}}, [])
    run.status = "applied"
    assert check_imports([run], final(), IMPORTER).ok
    other = ImportRun(2, Path("import-2.csv"), {"V1": {"accessibility_notes": "Ramp"}}, [])
    other.status = "applied"
    assert not check_imports([run, other], final(), IMPORTER).ok
    assert not check_imports([], final(), IMPORTER).ok  # no import at all is a failure too


def test_values_an_import_replaced_after_its_preview() -> None:
    seen = final()
    seen.histories["S1"][3]["fields"]["phone"] = ("01629 500002", "01629 500000")
    run = ImportRun(1, Path("import-1.csv"), {}, [], status="applied")
    run.previewed_at, run.confirmed_at = 1.5, 2.5
    assert overwritten_by_imports(SAVED, [run], seen) == (1, 1)
    run.previewed_at = 2.1  # Bob's edit came before the preview: the preview showed it
    assert overwritten_by_imports(SAVED, [run], seen) == (1, 0)


def test_5xx_and_slow_answers_fail() -> None:
    rec = Recorder()
    rec._add("nearest", 200, 0.05, rec.started)
    assert check_statuses(rec, []).ok and check_stalls(rec).ok
    assert not check_statuses(rec, ["2026-12-02 ERROR api: boom"]).ok
    rec._add("find", 503, 1.5, rec.started)
    assert not check_statuses(rec, []).ok
    assert not check_stalls(rec).ok
