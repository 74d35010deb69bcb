"""Staff pages when a change can't be saved: the form comes back with everything typed kept
and the reason (beside the field it is about, or at the top); a database that can't take a
write is a 503 page that says so, never a server error. Nothing is written; the public
pages go on working."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient
from faults import disk_full, full_folder, read_only, small_pages
from staff_forms import HTML, OWN_ORIGIN, PASSWORD, confirm_form, csrf, upload

from api.app import create_app
from api.settings import Settings
from geodata.engine import sqlite_file
from geodata.import_worker import ImportWorker
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role

NEW = {
    "name": "Dale Pharmacy",
    "category": "pharmacy",
    "postcode": "DE4 3AG",
    "phone": "01629 580000",
}


def _error_beside(html: str, field: str) -> str:
    start = html.index(f'id="f-{field}-error">') + len(f'id="f-{field}-error">')
    return unescape(html[start : html.index("</p>", start)])


def test_a_new_place_with_a_reference_in_use_comes_back_with_the_form(
    editor: TestClient,
) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    form = {"csrf_token": csrf(page.text), **NEW, "external_ref": "S1"}
    before = len(editor.get("/api/v1/places/nearest?postcode=DE4 3AG&k=50").json()["places"])
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 409
    beside = _error_beside(r.text, "external_ref")
    assert beside.startswith("Another place already has this reference (S1): Matlock Library")
    assert 'href="#f-external_ref"' in r.text  # and in the summary at the top
    for typed in ('value="Dale Pharmacy"', 'value="01629 580000"', 'value="S1"'):
        assert typed in r.text
    after = len(editor.get("/api/v1/places/nearest?postcode=DE4 3AG&k=50").json()["places"])
    assert after == before


def test_changing_a_reference_to_one_in_use_comes_back_with_the_form(
    editor: TestClient,
) -> None:
    page = editor.get("/staff/places/S2", headers=HTML)
    assert 'id="f-external_ref"' in page.text and 'value="S2"' in page.text
    form = {"csrf_token": csrf(page.text), "version": "1", "name": "Corner Café and Deli"}
    r = editor.post("/staff/places/S2", data=form | {"external_ref": "S1"}, headers=HTML)
    assert r.status_code == 409
    assert "(S1): Matlock Library" in _error_beside(r.text, "external_ref")
    assert 'value="Corner Café and Deli"' in unescape(r.text)
    assert editor.get("/api/v1/places/S2").json()["name"] == "Corner Café"
    saved = editor.post("/staff/places/S2", data=form | {"external_ref": "CAFE-9"}, headers=HTML)
    assert saved.status_code == 303
    assert 'value="CAFE-9"' in editor.get("/staff/places/S2", headers=HTML).text


CANT_SAVE = "We couldn&#39;t save this change. Nothing was changed."


def _store(client: TestClient) -> PlaceStore:
    store: PlaceStore = client.app.state.datasets.store  # type: ignore[attr-defined]
    return store


def _log_in(client: TestClient, email: str) -> None:
    form = client.get("/staff/login", headers=HTML)
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf(form.text)}
    assert client.post("/staff/login", data=data, headers=HTML).status_code == 303


def test_logging_in_while_the_database_is_read_only_says_so(client: TestClient) -> None:
    form = client.get("/staff/login", headers=HTML)
    data = {"email": "ann@council.gov.uk", "password": PASSWORD, "csrf_token": csrf(form.text)}
    with read_only(_store(client)):
        r = client.post("/staff/login", data=data, headers=HTML)
        assert client.get("/", headers=HTML).status_code == 200
        assert client.get("/find", params={"q": "Matlock"}, headers=HTML).status_code == 200
    assert r.status_code == 503 and CANT_SAVE in r.text
    assert 'value="ann@council.gov.uk"' in r.text and "sp_staff" not in r.headers.get(
        "set-cookie", ""
    )


def test_place_forms_keep_what_was_typed_when_the_database_is_read_only(
    editor: TestClient,
) -> None:
    new = editor.get("/staff/places/new", headers=HTML)
    edit = editor.get("/staff/places/S1", headers=HTML)
    with read_only(_store(editor)):
        r = editor.post("/staff/places/new", data={"csrf_token": csrf(new.text), **NEW})
        assert r.status_code == 503 and CANT_SAVE in r.text
        assert 'value="Dale Pharmacy"' in r.text and 'value="01629 580000"' in r.text
        changed = {"csrf_token": csrf(edit.text), "version": "1", "name": "Matlock Library!"}
        r = editor.post("/staff/places/S1", data=changed, headers=HTML)
        assert r.status_code == 503 and 'value="Matlock Library!"' in r.text
        status = {"csrf_token": csrf(edit.text), "action": "suspend", "reason": "Flooded"}
        r = editor.post("/staff/places/S1/status", data=status, headers=HTML)
        assert r.status_code == 503 and CANT_SAVE in r.text and ">Flooded</textarea>" in r.text
        restore = editor.post("/staff/places/S1/history/1/restore", data=status, headers=HTML)
        assert restore.status_code == 503
    place = editor.get("/api/v1/places/S1").json()
    assert place["name"] == "Matlock Library"


def test_an_import_confirmed_while_the_database_is_read_only_imports_nothing(
    editor: TestClient,
) -> None:
    preview = upload(
        editor, "external_ref,name,category,postcode\nIMP-1,Dale Chemist,pharmacy,DE4 3AG\n"
    )
    found = re.search(r'action="(/staff/import/[^"]+/confirm)"', preview.text)
    assert preview.status_code == 200 and found is not None
    # Imports are checked and applied in a process of their own (geodata.import_worker),
    # with its own connection: that one is opened read-only, as SQLite's `mode=ro` does.
    state = editor.app.state  # type: ignore[attr-defined]
    path = sqlite_file(str(_store(editor).engine.url))
    assert path is not None
    settings: Settings = state.settings
    read_only_db = settings.model_copy(
        update={"database_url": f"sqlite:///file:{path}?mode=ro&uri=true"}
    )
    state.import_worker.close()
    state.import_worker = ImportWorker(read_only_db, state.pending_imports)
    r = editor.post(found.group(1), data=confirm_form(preview.text), headers=HTML)
    assert r.status_code == 503 and CANT_SAVE in r.text
    assert "Dale Chemist" not in editor.get("/staff/places", headers=HTML).text


def test_adding_an_account_while_the_database_is_read_only_keeps_the_form(
    client: TestClient,
) -> None:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
    _log_in(client, "boss@council.gov.uk")
    page = client.get("/staff/users", headers=HTML)
    new = {"csrf_token": csrf(page.text), "email": "cy@council.gov.uk", "name": "Cy",
           "role": "viewer", "password": PASSWORD}  # fmt: skip
    with read_only(_store(client)):
        r = client.post("/staff/users", data=new, headers=HTML)
        logout = client.post("/staff/logout", data={"csrf_token": new["csrf_token"]})
    assert r.status_code == 503 and CANT_SAVE in r.text
    assert 'value="cy@council.gov.uk"' in r.text and PASSWORD not in r.text
    assert users.find("cy@council.gov.uk") is None
    assert logout.status_code == 503
    assert client.get("/staff/users", headers=HTML).status_code == 200  # still logged in


def test_a_full_disk_keeps_the_new_place_form(synthetic_settings: Settings, tmp_path: Path) -> None:
    url = small_pages(tmp_path / "full.db")
    app = create_app(synthetic_settings.model_copy(update={"database_url": url}))
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as client:
        app.state.users.create_user("ed@council.gov.uk", "Ed", Role.ADMIN, PASSWORD)
        _log_in(client, "ed@council.gov.uk")
        page = client.get("/staff/places/new", headers=HTML)
        notes = "Step-free entrance at the side. " * 62  # more than a page of the file
        form = {"csrf_token": csrf(page.text), **NEW, "accessibility_notes": notes}
        count = _store(client).count()
        with disk_full(_store(client)):
            r = client.post("/staff/places/new", data=form, headers=HTML)
        assert r.status_code == 503 and CANT_SAVE in r.text and notes in r.text
        assert _store(client).count() == count
        assert client.post("/staff/places/new", data=form, headers=HTML).status_code == 303


def test_an_upload_to_a_full_disk_says_so(editor: TestClient, synthetic_settings: Settings) -> None:
    """Not the database: the upload's own file, on a disk with no space (ENOSPC)."""
    uploads = synthetic_settings.data.cache_dir.parent / "uploads"
    with full_folder(uploads):
        r = upload(editor, "external_ref,name,category,postcode\nIMP-1,Chemist,pharmacy,DE4 3AG\n")
    assert r.status_code == 503 and CANT_SAVE in r.text
    assert int(r.headers["retry-after"]) > 0
