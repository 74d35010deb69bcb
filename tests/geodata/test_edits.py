"""Audited edits: versions (ETags), lifecycle, history and restore, and concurrent editors."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.store import PlaceStore
from locator.errors import PlaceInvalid, PlaceNotFound, StaleEdit
from locator.venues import Status


@pytest.fixture
def store(synthetic_settings: Settings, database_url: str) -> PlaceStore:
    settings = synthetic_settings.model_copy(update={"database_url": database_url})
    return load_datasets(settings).store


def _audit_is_complete(store: PlaceStore) -> None:
    """Every version of every place has exactly one record saying how it got there."""
    for venue in store.venues():
        row = store.get(venue.id)
        assert [c.version for c in store.history(venue.id)] == list(range(1, row.version + 1))


def test_seeded_places_have_a_creation_record(store: PlaceStore) -> None:
    [created] = store.history("S1")
    assert (created.version, created.actor, created.action) == (1, "seed", "create")
    assert created.fields["name"] == (None, "Matlock Library")
    _audit_is_complete(store)


def test_update_records_each_changed_field(store: PlaceStore) -> None:
    row = store.update("S1", {"phone": "01629 533400", "name": "Matlock Library"}, "ann@council", 1)
    assert row.version == 2 and row.phone == "01629 533400"
    change = store.history("S1")[-1]
    assert change.actor == "ann@council" and change.action == "update"
    # The unchanged name is left out.
    assert change.fields == {"phone": ("+441629000000", "01629 533400")}  # seeded in E.164
    store.update("S1", {"last_checked": date(2026, 11, 1)}, "ann@council", 2)
    assert store.history("S1")[-1].fields == {"last_checked": (None, "2026-11-01")}
    _audit_is_complete(store)


def test_a_stale_edit_is_refused_and_changes_nothing(store: PlaceStore) -> None:
    store.update("S1", {"phone": "01629 000001"}, "ann", 1)
    with pytest.raises(StaleEdit) as err:
        store.update("S1", {"phone": "01629 999999"}, "bob", 1)
    assert err.value.current_version == 2
    assert store.get("S1").phone == "01629 000001"


def test_no_change_no_new_version(store: PlaceStore) -> None:
    before = store.data_version()
    row = store.update("S1", {"name": "Matlock Library"}, "ann", 1)
    assert row.version == 1 and len(store.history("S1")) == 1
    assert store.data_version() == before


def test_only_editable_fields(store: PlaceStore) -> None:
    with pytest.raises(ValueError, match="status"):
        store.update("S1", {"status": "removed"}, "ann", 1)
    with pytest.raises(PlaceNotFound):
        store.update("NOPE", {"name": "x"}, "ann", 1)


def test_text_longer_than_its_column_is_refused_in_words(store: PlaceStore) -> None:
    """PostgreSQL enforces column lengths and SQLite doesn't: both refuse the same values."""
    with pytest.raises(PlaceInvalid) as err:
        store.update("S1", {"email": "a" * 200 + "@x.uk", "phone": "0"}, "ann", 1)
    assert set(err.value.field_errors) == {"email"}
    with pytest.raises(PlaceInvalid):
        store.create({"name": "Shop", "category": "shop", "website": "https://" + "a" * 500}, "ann")
    assert store.get("S1").version == 1 and store.count() == 6


def test_lifecycle_is_recorded(store: PlaceStore) -> None:
    store.set_status("S2", Status.SUSPENDED, "ann")
    store.set_status("S2", Status.REMOVED, "ann")
    store.set_status("S2", Status.ACTIVE, "bob")
    actions = [(c.action, c.fields["status"]) for c in store.history("S2")[1:]]
    assert actions == [
        ("suspend", ("active", "suspended")),
        ("remove", ("suspended", "removed")),
        ("activate", ("removed", "active")),
    ]
    _audit_is_complete(store)


def test_restore_an_earlier_version(store: PlaceStore) -> None:
    store.update("S1", {"name": "Matlock Lib.", "phone": "01629 1"}, "ann", 1)
    store.set_status("S1", Status.SUSPENDED, "ann")
    store.update("S1", {"address": "Somewhere else"}, "bob", 3)
    row = store.restore_version("S1", 1, "carol")
    assert (row.name, row.phone, row.address, row.status) == (
        "Matlock Library",
        "+441629000000",
        "Steep Turnpike, Matlock",
        "active",
    )
    last = store.history("S1")[-1]
    assert last.action == "restore to version 1" and last.actor == "carol"
    assert last.fields["name"] == ("Matlock Lib.", "Matlock Library")
    assert last.fields["status"] == ("suspended", "active")
    _audit_is_complete(store)
    with pytest.raises(PlaceNotFound):
        store.restore_version("S1", 99, "carol")


def test_concurrent_editors_lose_nothing(store: PlaceStore) -> None:
    """Eight editors append to the same place's notes, retrying on a stale edit; others edit
    their own place. Every append survives and every version has its record."""
    editors, edits = 8, 10
    errors: list[BaseException] = []

    def edit_shared(who: int) -> None:
        try:
            for n in range(edits):
                while True:
                    row = store.get("S1")
                    notes = (row.accessibility_notes or "") + f"[{who}.{n}]"
                    try:
                        store.update("S1", {"accessibility_notes": notes}, f"ed{who}", row.version)
                        break
                    except StaleEdit:
                        continue
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def edit_own(place: str) -> None:
        try:
            for n in range(edits):
                row = store.get(place)
                store.update(place, {"phone": f"0 {n}"}, "own", row.version)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=edit_shared, args=(i,)) for i in range(editors)]
    threads += [threading.Thread(target=edit_own, args=(p,)) for p in ("S2", "S3", "S4")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    notes = store.get("S1").accessibility_notes or ""
    assert all(f"[{w}.{n}]" in notes for w in range(editors) for n in range(edits))
    assert store.get("S1").version == 1 + editors * edits
    assert all(store.get(p).version == 1 + edits for p in ("S2", "S3", "S4"))
    _audit_is_complete(store)


def test_fields_as_they_were_at_a_version(store: PlaceStore) -> None:
    store.update("S1", {"phone": "01629 1"}, "ann", 1)
    store.set_status("S1", Status.SUSPENDED, "ann")
    store.update("S1", {"phone": "01629 2", "address": "New Road"}, "bob", 3)
    first, second = store.fields_at("S1", 1), store.fields_at("S1", 2)
    assert (first["phone"], first["status"]) == ("+441629000000", "active")
    assert (second["phone"], second["status"], second["address"]) == (
        "01629 1", "active", store.fields_at("S1", 1)["address"]
    )  # fmt: skip
    now = store.fields_at("S1", 4)
    assert (now["phone"], now["status"], now["address"]) == ("01629 2", "suspended", "New Road")
