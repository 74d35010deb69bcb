"""Staff pages: log in with a session cookie only /staff receives, CSRF on every form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from geodata.users import LOCK_AFTER, UserStore
from locator.accounts import Role

PASSWORD = "correct horse battery"
HTML = {"accept": "text/html"}


@pytest.fixture
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("pages") / "staff.db"
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as c:
        users: UserStore = app.state.users
        users.sleep = lambda s: None  # no real waiting between wrong passwords in tests
        users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
        yield c


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _login(client: TestClient, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    form = client.get("/staff/login", headers=HTML)
    return client.post(
        "/staff/login",
        data={"email": "ann@council.gov.uk", "password": password, "csrf_token": _csrf(form.text)},
        headers=HTML,
    )


def test_staff_pages_need_a_login(client: TestClient) -> None:
    r = client.get("/staff/places", headers=HTML)
    assert r.status_code == 401 and 'href="/staff/login"' in r.text


def test_login_sets_a_strict_httponly_cookie_for_staff_pages_only(client: TestClient) -> None:
    form = client.get("/staff/login", headers=HTML)
    assert form.status_code == 200
    login_cookie = form.headers["set-cookie"].lower()
    assert "httponly" in login_cookie and "samesite=strict" in login_cookie
    assert "path=/staff" in login_cookie
    r = _login(client)
    assert r.status_code == 303 and r.headers["location"] == "/staff/places"
    cookies = [c.lower() for c in r.headers.get_list("set-cookie")]
    session = next(c for c in cookies if c.startswith("sp_staff="))
    assert "httponly" in session and "samesite=strict" in session and "path=/staff" in session
    page = client.get("/staff/places", headers=HTML)
    assert page.status_code == 200 and "Logged in as Ann (viewer)." in page.text
    assert "Matlock Library" in page.text
    # The public pages still set no cookie.
    assert "set-cookie" not in client.get("/", headers=HTML).headers


def test_forms_need_their_csrf_token(client: TestClient) -> None:
    client.get("/staff/login", headers=HTML)
    r = client.post(
        "/staff/login",
        data={"email": "ann@council.gov.uk", "password": PASSWORD, "csrf_token": "forged"},
        headers=HTML,
    )
    assert r.status_code == 403 and "This form has expired" in r.text
    _login(client)
    assert client.post("/staff/logout", data={}, headers=HTML).status_code == 403
    assert client.get("/staff/places", headers=HTML).status_code == 200  # still logged in


def test_logout(client: TestClient) -> None:
    _login(client)
    page = client.get("/staff/places", headers=HTML)
    r = client.post("/staff/logout", data={"csrf_token": _csrf(page.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    assert client.get("/staff/places", headers=HTML).status_code == 401


def test_wrong_password_then_lockout(client: TestClient) -> None:
    r = _login(client, "wrong password!")
    assert r.status_code == 401 and "The email address or password is not right." in r.text
    assert 'value="ann@council.gov.uk"' in r.text  # the email stays filled in
    for _ in range(LOCK_AFTER - 1):
        _login(client, "wrong password!")
    locked = _login(client)
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.text


def test_place_list_filters(client: TestClient) -> None:
    _login(client)
    html = client.get("/staff/places", params={"kind": "police_enquiry_office"}, headers=HTML).text
    assert "2 places." in html and "Chesterfield Police Station" in html
    bad = client.get("/staff/places", params={"status": "nonsense"}, headers=HTML)
    assert bad.status_code == 422


@pytest.fixture
def editor(client: TestClient) -> TestClient:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    users.create_user("ed@council.gov.uk", "Ed", Role.EDITOR, PASSWORD, frozenset({"E07000035"}))
    form = client.get("/staff/login", headers=HTML)
    client.post(
        "/staff/login",
        data={"email": "ed@council.gov.uk", "password": PASSWORD, "csrf_token": _csrf(form.text)},
        headers=HTML,
    )
    return client


def test_edit_a_place_then_see_its_history(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    assert page.status_code == 200 and 'value="Matlock Library"' in page.text
    assert "SafePlaces.addMarkers" in page.text  # the map preview
    form = {
        "csrf_token": _csrf(page.text),
        "version": "1",
        "name": "Matlock Library",
        "category": "library",
        "address": "Steep Turnpike, Matlock",
        "postcode": "DE4 3AH",
        "phone": "01629 533400",
        "opening_hours": "Mon-Fri 09:00-17:00",
        "last_checked": "2026-11-01",
    }
    r = editor.post("/staff/places/S1", data=form, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/staff/places/S1?saved=1"
    saved = editor.get("/staff/places/S1?saved=1", headers=HTML).text
    assert "Saved." in saved and 'value="01629 533400"' in saved
    assert editor.get("/api/v1/places/S1").json()["phone"] == "01629 533400"
    history = editor.get("/staff/places/S1/history", headers=HTML).text
    assert "Version 2: changed" in history and "By ed@council.gov.uk" in history
    assert '<th scope="row">Phone number</th>' in history and "(UK time)" in history
    # In words: the first version came from the open data; values are labels, not codes.
    assert "By the open data, on first start" in history
    assert "<td>Library</td>" in history and "<td>Safe Place</td>" in history
    assert ">library<" not in history and ">safe_place<" not in history
    # The same form again is stale now: it says so and shows the place as it is.
    stale = editor.post("/staff/places/S1", data={**form, "phone": "01629 999999"}, headers=HTML)
    assert stale.status_code == 412 and "Someone else changed this place" in stale.text


def test_opening_hours_are_edited_as_grouped_lines(editor: TestClient) -> None:
    """Stored hours list every day; the form shows days with the same times together, one
    line each, and saving them unchanged changes nothing."""
    page = editor.get("/staff/places/S1", headers=HTML)
    box = re.search(r'<textarea[^>]*name="opening_hours"[^>]*>([^<]*)</textarea>', page.text)
    assert box is not None and box.group(1) == "Mon-Fri 09:00-17:00\nSat 09:00-12:00"
    form = {
        "csrf_token": _csrf(page.text), "version": "1", "name": "Matlock Library",
        "category": "library", "postcode": "DE4 3AH",
        "opening_hours": "Mon-Fri 09:00-17:00\r\nSat 09:00-12:30\r\n",
    }  # fmt: skip
    assert editor.post("/staff/places/S1", data=form, headers=HTML).status_code == 303
    again = editor.get("/staff/places/S1", headers=HTML).text
    box = re.search(r'<textarea[^>]*name="opening_hours"[^>]*>([^<]*)</textarea>', again)
    assert box is not None and box.group(1) == "Mon-Fri 09:00-17:00\nSat 09:00-12:30"
    history = editor.get("/staff/places/S1/history", headers=HTML).text
    assert "Mon-Fri 09:00-17:00; Sat 09:00-12:00" in history  # before
    assert "Mon-Fri 09:00-17:00; Sat 09:00-12:30" in history  # after
    # The same lines again: nothing to save, no new version.
    same = {**form, "csrf_token": _csrf(again), "version": "2",
            "opening_hours": "Mon-Fri 09:00-17:00\nSat 09:00-12:30"}  # fmt: skip
    assert editor.post("/staff/places/S1", data=same, headers=HTML).status_code == 303
    history = editor.get("/staff/places/S1/history", headers=HTML).text
    assert re.findall(r'<h2 id="v(\d+)">', history) == ["2", "1"]


def test_a_clash_keeps_both_peoples_changes(editor: TestClient) -> None:
    """Two people edit the same place: the second to save loses nothing. The form comes back
    with the place as it is now and their change on top, to check and save again."""
    page = editor.get("/staff/places/S1", headers=HTML).text
    form = {name: unescape(value) for name, value in re.findall(
        r'<(?:input|textarea)[^>]*name="(\w+)"[^>]*?(?:value="([^"]*)")?[^>]*>', page)}  # fmt: skip
    hours = re.search(r'name="opening_hours"[^>]*>([^<]*)</textarea>', page)
    notes = re.search(r'name="accessibility_notes"[^>]*>([^<]*)</textarea>', page)
    assert hours is not None and notes is not None
    mine = {
        "csrf_token": _csrf(page), "version": "1", "name": "Matlock Library",
        "category": "library", "address": form.get("address", ""), "postcode": "DE4 3AH",
        "phone": "01629 000000", "opening_hours": unescape(hours.group(1)),
        "accessibility_notes": "Step-free entrance on Steep Turnpike.",
        "last_checked": form.get("last_checked", ""),
    }  # fmt: skip
    # Someone else saves a new phone number first (through the API, as version 2).
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    store.update("S1", {"phone": "01629 533400"}, "bob@council.gov.uk", 1)
    clash = editor.post("/staff/places/S1", data=mine, headers=HTML)
    assert clash.status_code == 412
    text = re.sub(r"\s+", " ", unescape(clash.text))
    assert "Someone else changed this place while you were editing it (phone number)" in text
    assert 'value="01629 533400"' in clash.text  # theirs
    assert "Step-free entrance on Steep Turnpike." in text  # mine, still in the form
    assert 'name="version" value="2"' in clash.text
    again = editor.post(
        "/staff/places/S1",
        data={**mine, "csrf_token": _csrf(clash.text), "version": "2", "phone": "01629 533400"},
        headers=HTML,
    )
    assert again.status_code == 303
    saved = store.get("S1")
    assert saved.phone == "01629 533400"
    assert saved.accessibility_notes == "Step-free entrance on Steep Turnpike."


def test_errors_are_shown_by_each_field(editor: TestClient) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    form = {
        "csrf_token": _csrf(page.text),
        "name": "",
        "category": "shop",
        "postcode": "NOT A PC",
        "phone": "12",
    }
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 422
    assert 'href="#f-postcode"' in r.text and 'id="f-phone-error"' in r.text
    assert 'value="NOT A PC"' in r.text  # what was typed is kept


def test_add_suspend_and_restore_through_pages(editor: TestClient) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    token = _csrf(page.text)
    form = {"csrf_token": token, "name": "Dale Pharmacy", "category": "pharmacy",
            "postcode": "DE4 3AG"}  # fmt: skip
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 303
    place = r.headers["location"].split("/")[-1].split("?")[0]
    assert editor.get(f"/api/v1/places/{place}").status_code == 200
    r = editor.post(
        f"/staff/places/{place}/status", data={"csrf_token": token, "action": "suspend"}
    )
    assert r.status_code == 303 and editor.get(f"/api/v1/places/{place}").status_code == 404
    history = editor.get(f"/staff/places/{place}/history", headers=HTML).text
    restore = editor.post(
        f"/staff/places/{place}/history/1/restore", data={"csrf_token": _csrf(history)}
    )
    assert restore.status_code == 303 and editor.get(f"/api/v1/places/{place}").status_code == 200


def test_editor_outside_their_area_is_refused(editor: TestClient) -> None:
    page = editor.get("/staff/places/S3", headers=HTML)  # S3 is in Amber Valley
    r = editor.post(
        "/staff/places/S3",
        data={"csrf_token": _csrf(page.text), "version": "1", "name": "Renamed"},
        headers=HTML,
    )
    assert r.status_code == 403


IMPORT_OK = (
    "external_ref,name,category,postcode\n"
    "IMP-1,Dale Road Chemist,pharmacy,DE4 3AG\n"
    "S1,Matlock Library,library,DE4 3AH\n"
)
IMPORT_BAD = IMPORT_OK + "IMP-2,Far Away Shop,shop,ZZ9 9ZZ\nIMP-3,Alfreton Shop,shop,DE55 7BQ\n"


def _upload(client: TestClient, text: str, name: str = "venues.csv"):  # type: ignore[no-untyped-def]
    page = client.get("/staff/import", headers=HTML)
    return client.post(
        "/staff/import",
        data={"csrf_token": _csrf(page.text)},
        files={"file": (name, text.encode(), "text/csv")},
        headers=HTML,
    )


def test_import_preview_errors_then_fix_and_confirm(editor: TestClient) -> None:
    bad = _upload(editor, IMPORT_BAD)
    assert bad.status_code == 422
    assert "Row 3 (line 4 of the file, IMP-2): postcode" in bad.text
    assert "Row 4 (line 5 of the file, IMP-3): this place is outside your areas" in bad.text
    assert "Import these changes" not in bad.text
    good = _upload(editor, IMPORT_OK)
    assert good.status_code == 200 and "1 place to add" in good.text
    upload_id = re.search(r'action="/staff/import/([^"]+)/confirm"', good.text)
    assert upload_id is not None
    done = editor.post(
        f"/staff/import/{upload_id.group(1)}/confirm",
        data={"csrf_token": _csrf(good.text)},
        headers=HTML,
    )
    assert done.status_code == 200 and "Imported: 1 place added or updated." in done.text
    again = _upload(editor, IMPORT_OK)
    assert "0 places to add" in again.text and "2 places unchanged" in again.text


def test_import_preview_names_each_place_and_field_that_would_change(editor: TestClient) -> None:
    changed = (
        "external_ref,name,category,postcode,phone\n"
        "IMP-9,New Chemist,pharmacy,DE4 3AG,\n"
        "S1,Matlock Library,library,DE4 3AH,01629 533400\n"
    )
    page = _upload(editor, changed)
    assert page.status_code == 200, re.findall(r"<li>Row[^<]*", page.text)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Row Reference Name Type Postcode 1 IMP-9 New Chemist Pharmacy DE4 3AG" in text
    assert "Row 2: Matlock Library (S1)" in text
    assert "Phone number 01629 000000 01629 533400" in text  # the field, now, after the import
    # Fields the file gives but doesn't change are not listed.
    assert "Name Matlock Library Matlock Library" not in text


def test_import_needs_a_usable_file(editor: TestClient) -> None:
    assert _upload(editor, "hello", "notes.txt").status_code == 422
    r = editor.post(
        "/staff/import/../../etc/passwd/confirm", data={"csrf_token": "x"}, headers=HTML
    )
    assert r.status_code in (403, 404)


def test_viewers_cannot_import_and_only_admins_manage_accounts(client: TestClient) -> None:
    _login(client)  # Ann is a viewer
    assert client.get("/staff/import", headers=HTML).status_code == 403
    assert client.get("/staff/users", headers=HTML).status_code == 403


def test_admin_adds_an_account(client: TestClient) -> None:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
    form = client.get("/staff/login", headers=HTML)
    client.post(
        "/staff/login",
        data={"email": "boss@council.gov.uk", "password": PASSWORD, "csrf_token": _csrf(form.text)},
        headers=HTML,
    )
    page = client.get("/staff/users", headers=HTML)
    assert page.status_code == 200 and "ann@council.gov.uk" in page.text
    new = {"csrf_token": _csrf(page.text), "email": "cy@council.gov.uk", "name": "Cy",
           "role": "editor", "areas": "e07000035", "password": PASSWORD}  # fmt: skip
    r = client.post("/staff/users", data=new, headers=HTML)
    assert r.status_code == 200 and "Added editor account cy@council.gov.uk." in r.text
    assert next(u for u in users.users() if u.email == "cy@council.gov.uk").areas == {"E07000035"}
    short = client.post("/staff/users", data={**new, "email": "dy@x.uk", "password": "x"})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    assert 'value="dy@x.uk"' in short.text and PASSWORD not in short.text


def test_preview_puts_the_pin_at_the_postcode_without_saving(editor: TestClient) -> None:
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    before = store.count()
    page = editor.get("/staff/places/new", headers=HTML)
    form = {"csrf_token": _csrf(page.text), "name": "Dale Pharmacy", "category": "pharmacy",
            "postcode": "de4 3ag", "preview": "1"}  # fmt: skip
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 200 and "Nothing is saved yet." in r.text
    assert '"latlng": [53.142342, -1.551396]' in r.text  # the centre of DE4 3AG
    assert 'value="de4 3ag"' in r.text and store.count() == before


def test_an_editor_outside_the_area_sees_no_forms(editor: TestClient) -> None:
    html = editor.get("/staff/places/S3", headers=HTML).text  # Amber Valley
    assert "You can look at this place but not change it" in html
    assert "Save changes" not in html and "Suspend" not in html


def test_status_changes_say_what_happened(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    r = editor.post(
        "/staff/places/S1/status", data={"csrf_token": _csrf(page.text), "action": "suspend"}
    )
    shown = editor.get(r.headers["location"], headers=HTML).text
    assert "Suspended: the public can&#39;t see this place now." in shown
    assert "Suspend (hide" not in shown  # no button for the state it is already in


def test_remove_asks_first(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    token = _csrf(page.text)
    ask = editor.post("/staff/places/S1/status", data={"csrf_token": token, "action": "remove"})
    assert ask.status_code == 200 and "Remove Matlock Library?" in ask.text
    assert editor.get("/api/v1/places/S1").status_code == 200  # not removed yet
    done = editor.post(
        "/staff/places/S1/status",
        data={"csrf_token": token, "action": "remove", "confirm": "yes"},
    )
    assert done.status_code == 303 and editor.get("/api/v1/places/S1").status_code == 404


def test_new_place_needs_a_chosen_kind(editor: TestClient) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    assert '<option value="" selected>Choose one</option>' in page.text or (
        '<option value="">Choose one</option>' in page.text
    )
    r = editor.post(
        "/staff/places/new",
        data={"csrf_token": _csrf(page.text), "name": "X", "category": "", "postcode": "DE4 3AG"},
        headers=HTML,
    )
    assert r.status_code == 422 and "Choose what kind of place it is." in r.text
