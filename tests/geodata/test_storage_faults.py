"""A database that can't take a write (read-only, full disk) refuses every write with one
domain error, `StorageUnavailable`; the transaction rolls back whole and reads go on."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from faults import disk_full, read_only, small_pages

from api.settings import Settings
from geodata.datasets import Datasets, load_datasets
from geodata.editor import PlaceEditor
from geodata.engine import storage_error
from geodata.importer import plan_import
from geodata.users import UserStore
from geodata.validation import PlaceChecker
from locator.accounts import Role, StaffUser
from locator.errors import StorageUnavailable
from locator.venues import Status

ADMIN = StaffUser(1, "admin@council.gov.uk", "Admin", Role.ADMIN)
NEW = {"name": "Dale Road Pharmacy", "category": "pharmacy", "postcode": "DE4 3AG"}
PASSWORD = "correct horse battery"
NOTES = "Step-free entrance at the side. " * 62  # 2,000 characters: more than a page


@pytest.fixture
def settings(synthetic_settings: Settings, database_url: str) -> Settings:
    return synthetic_settings.model_copy(update={"database_url": database_url})


@pytest.fixture
def datasets(settings: Settings) -> Datasets:
    return load_datasets(settings)


@pytest.fixture
def editor(datasets: Datasets) -> PlaceEditor:
    return PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))


def test_a_read_only_database_refuses_every_write_and_reads_go_on(
    datasets: Datasets, editor: PlaceEditor
) -> None:
    store = datasets.store
    users = UserStore(store.engine, store.writer)  # as the app has them
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.ADMIN, PASSWORD)
    plan = editor.plan_import(ADMIN, [{"external_ref": "NEW-1", **NEW}])
    count, version = store.count(), store.data_version()
    writes = {
        "create": lambda: editor.create(ADMIN, NEW),
        "update": lambda: editor.update(ADMIN, "S1", {"phone": "01629 533400"}, 1),
        "suspend": lambda: editor.set_status(ADMIN, "S1", Status.SUSPENDED, "Closed"),
        "restore": lambda: editor.restore_version(ADMIN, "S1", 1),
        "import": lambda: editor.apply_import(ADMIN, plan),
        "add account": lambda: users.create_user("bo@council.gov.uk", "Bo", Role.VIEWER, PASSWORD),
        "log in": lambda: users.authenticate("ann@council.gov.uk", PASSWORD),
        "session": lambda: users.start_session(ann),
        "token": lambda: users.create_token(ann.id, "script"),
        "disable": lambda: users.set_active(ann.id, False),
    }
    with read_only(store):
        for name, write in writes.items():
            with pytest.raises(StorageUnavailable) as refused:
                write()
            assert refused.value.user_message.startswith(
                "We couldn't save this change. Nothing was changed."
            ), name
        assert len(store.venues()) == count and users.find("ann@council.gov.uk") is not None
    assert (store.count(), store.data_version()) == (count, version)
    assert users.find("bo@council.gov.uk") is None
    assert editor.create(ADMIN, NEW).external_ref  # writable again


def test_a_full_disk_stops_an_import_part_way_and_none_of_it_is_kept(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    url = small_pages(tmp_path / "places.db")
    datasets = load_datasets(synthetic_settings.model_copy(update={"database_url": url}))
    store = datasets.store
    rows = [
        {"external_ref": "NEW-1", **NEW, "name": "Small"},
        {"external_ref": "NEW-2", **NEW, "accessibility_notes": NOTES},
    ]
    plan = plan_import(rows, store, PlaceChecker(datasets.gazetteer, datasets.area))
    assert plan.ok and plan.count("add") == 2
    count, version = store.count(), store.data_version()
    with disk_full(store), pytest.raises(StorageUnavailable) as refused:
        store.apply_import(plan, "ann")
    assert "disk full" in refused.value.log_message
    assert (store.count(), store.data_version()) == (count, version)
    assert store.apply_import(plan, "ann") == 2


def test_what_counts_as_storage_that_cannot_take_a_write(tmp_path: Path) -> None:
    with pytest.raises(OSError) as full, open("/dev/full", "w") as device:  # noqa: PTH123
        device.write("x")
        device.flush()
    assert full.value.errno == errno.ENOSPC and storage_error(full.value) is not None
    assert storage_error(OSError(errno.EROFS, "Read-only file system")) is not None
    path = tmp_path / "t.db"
    sqlite3.connect(path).execute("CREATE TABLE t (a)").connection.commit()
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        ro.execute("INSERT INTO t VALUES (1)")
    assert storage_error(readonly.value) is not None
    # Other failures are not: they stay what they are.
    with pytest.raises(sqlite3.OperationalError) as missing:
        ro.execute("SELECT * FROM nowhere")
    assert storage_error(missing.value) is None
    assert storage_error(OSError(errno.ENOENT, "No such file")) is None
    assert storage_error(ValueError("database or disk")) is None
