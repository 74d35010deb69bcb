"""Start-up problems, from the real `safeplaces` command in a process of its own: one plain
line on stderr, exit status 3, never a traceback. Before the server starts (missing data,
a database that can't be opened or written, a bad setting, a port in use) and inside it
(data that can't be read, found by the app's start-up)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from faults import read_only_folder
from start_line import one_line
from start_line import run_safeplaces as run

from api.settings import Settings
from geodata.datasets import load_datasets


@pytest.fixture
def seeded(synthetic_settings: Settings, tmp_path: Path) -> Path:
    """A place database made and filled as a first start would."""
    path = tmp_path / "places.db"
    store = load_datasets(
        synthetic_settings.model_copy(update={"database_url": f"sqlite:///{path}"})
    ).store
    # Closed, as after a server stops: SQLite folds its journal back into the file.
    store.engine.dispose()
    store.writer.dispose()
    return path


def test_a_missing_data_folder_or_file(synthetic_settings: Settings, tmp_path: Path) -> None:
    line = one_line(run(synthetic_settings, SAFEPLACES_DATA_DIR=str(tmp_path / "nowhere")))
    assert line.startswith("The data could not be loaded: there is no data folder at ")
    assert "Set SAFEPLACES_DATA_DIR" in line
    data = tmp_path / "data"
    shutil.copytree(synthetic_settings.data.dir, data)
    (data / "places_derbyshire.csv").unlink()
    line = one_line(run(synthetic_settings, SAFEPLACES_DATA_DIR=str(data)))
    assert f"there is no places_derbyshire.csv in {data}" in line


def test_a_corrupt_database(synthetic_settings: Settings, tmp_path: Path) -> None:
    corrupt = tmp_path / "places.db"
    corrupt.write_bytes(b"this is not a database, it is a shopping list" * 100)
    url = f"sqlite:///{corrupt}"
    line = one_line(run(synthetic_settings, SAFEPLACES_DATABASE_URL=url))
    assert line == f"The database ({corrupt}) can't be opened: file is not a database"
    # Any other command says it the same way.
    line = one_line(run(synthetic_settings, "nearest", "DE4 3AG", SAFEPLACES_DATABASE_URL=url))
    assert line == f"The database ({corrupt}) can't be opened: file is not a database"


def test_a_read_only_database(synthetic_settings: Settings, seeded: Path, tmp_path: Path) -> None:
    """Opened read-only (as root, a chmod would not stop a write): it can be read, not
    written, so the service would run but no staff change could be saved."""
    before = seeded.read_bytes()
    url = f"sqlite:///file:{seeded}?mode=ro&uri=true"
    line = one_line(run(synthetic_settings, SAFEPLACES_DATABASE_URL=url))
    assert line.startswith(f"The database ({seeded}) can't be written: it is read-only")
    assert seeded.read_bytes() == before
    # A read-only database that isn't there yet can't even be opened.
    url = f"sqlite:///file:{tmp_path / 'new.db'}?mode=ro&uri=true"
    line = one_line(run(synthetic_settings, SAFEPLACES_DATABASE_URL=url))
    assert line.endswith("can't be opened: unable to open database file")


def test_a_staff_command_on_a_read_only_database(
    synthetic_settings: Settings, seeded: Path, tmp_path: Path
) -> None:
    """Not a start-up: an import from the command line, written at the end, says the same."""
    csv = tmp_path / "venues.csv"
    csv.write_text("external_ref,name,category,postcode\nIMP-1,Dale Chemist,pharmacy,DE4 3AG\n")
    url = f"sqlite:///file:{seeded}?mode=ro&uri=true"
    r = run(synthetic_settings, "import", str(csv), "--yes", "--quiet", SAFEPLACES_DATABASE_URL=url)
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert r.stderr.strip() == (
        f"The database ({seeded}) can't be written: it is read-only, or its disk is full or "
        "failing."
    )


def test_a_database_in_a_read_only_folder(synthetic_settings: Settings, seeded: Path) -> None:
    """A real read-only file system (EROFS), as after the disk is remounted read-only."""
    with read_only_folder(seeded.parent):
        r = run(synthetic_settings, SAFEPLACES_DATABASE_URL=f"sqlite:///{seeded}")
    assert one_line(r) == (
        f"The database ({seeded}) can't be opened: unable to open database file "
        f"(the folder {seeded.parent} is read-only)"
    )


def test_a_bad_setting_is_named_with_what_is_wrong(synthetic_settings: Settings) -> None:
    line = one_line(run(synthetic_settings, SAFEPLACES_SEARCH__DEFAULT_K="abc"))
    assert line.startswith("A setting is not valid: SAFEPLACES_SEARCH__DEFAULT_K: ")
    assert "integer" in line and "abc" not in line  # never the value: it may be a secret
    line = one_line(run(synthetic_settings, SAFEPLACES_SEARCH__DEFAULT_K="60"))
    assert "SAFEPLACES_SEARCH: default_k must not be larger than max_k" in line
    line = one_line(run(synthetic_settings, SAFEPLACES_DATABASE_URL="nonsense://x"))
    assert line.startswith("SAFEPLACES_DATABASE_URL is not a database address we can use")


def test_a_port_in_use(synthetic_settings: Settings, seeded: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        url = f"sqlite:///{seeded}"
        r = run(synthetic_settings, "serve", "--port", port, SAFEPLACES_DATABASE_URL=url)
    assert (
        one_line(r)
        == f"Could not listen on 127.0.0.1:{port}: Address already in use. Is it in use?"
    )


def test_data_the_app_cannot_read_ends_its_start_inone_line(
    synthetic_settings: Settings, seeded: Path, tmp_path: Path
) -> None:
    """The check before the server starts finds every file; the app, loading them inside
    the server, finds one unreadable: one line in the log, status 3, no traceback."""
    data = tmp_path / "data"
    shutil.copytree(synthetic_settings.data.dir, data)
    (data / "postcodes_derbyshire.csv.gz").write_bytes(b"not gzip at all")
    r = run(
        synthetic_settings,
        SAFEPLACES_DATA_DIR=str(data),
        SAFEPLACES_CACHE_DIR=str(tmp_path / "cache"),
        SAFEPLACES_DATABASE_URL=f"sqlite:///{seeded}",
    )
    line = one_line(r)
    assert " ERROR safeplaces: " in line and "Not a gzipped file" in line
