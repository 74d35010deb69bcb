"""Staff pages: the import preview and confirm, accounts, previews and status changes."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from smtp import Mailbox, link_in
from staff_forms import HTML, PASSWORD, confirm_form, csrf, login, upload

from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role

IMPORT_OK = (
    "external_ref,name,category,postcode\n"
    "IMP-1,Dale Road Chemist,pharmacy,DE4 3AG\n"
    "S1,Matlock Library,library,DE4 3AH\n"
)
IMPORT_BAD = IMPORT_OK + "IMP-2,Far Away Shop,shop,ZZ9 9ZZ\nIMP-3,Alfreton Shop,shop,DE55 7BQ\n"


def test_import_preview_errors_then_fix_and_confirm(editor: TestClient) -> None:
    bad = upload(editor, IMPORT_BAD)
    assert bad.status_code == 422
    assert "Row 4 (IMP-2): postcode" in bad.text
    assert "Row 5 (IMP-3): this place is outside your areas" in bad.text
    assert "Import these changes" not in bad.text
    good = upload(editor, IMPORT_OK)
    assert good.status_code == 200 and "1 place to add" in good.text
    upload_id = re.search(r'action="/staff/import/([^"]+)/confirm"', good.text)
    assert upload_id is not None
    done = editor.post(
        f"/staff/import/{upload_id.group(1)}/confirm",
        data=confirm_form(good.text),
        headers=HTML,
    )
    assert done.status_code == 200 and "Imported: 1 place added or updated." in done.text
    again = upload(editor, IMPORT_OK)
    assert "0 places to add" in again.text and "2 places unchanged" in again.text


def test_import_preview_names_each_place_and_field_that_would_change(editor: TestClient) -> None:
    changed = (
        "external_ref,name,category,postcode,phone\n"
        "IMP-9,New Chemist,pharmacy,DE4 3AG,\n"
        "S1,Matlock Library,library,DE4 3AH,01629 533400\n"
    )
    page = upload(editor, changed)
    assert page.status_code == 200, re.findall(r"<li>Row[^<]*", page.text)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert (
        "Row Reference Name Type Postcode Phone number Opening hours "
        "2 IMP-9 New Chemist Pharmacy DE4 3AG — —"
    ) in text
    assert "Row 3: Matlock Library (S1)" in text
    assert "Phone number 01629 000000 01629 533400" in text  # the field, now, after the import
    # Fields the file gives but doesn't change are not listed.
    assert "Name Matlock Library Matlock Library" not in text


def test_import_needs_a_usable_file(editor: TestClient) -> None:
    assert upload(editor, "hello", "notes.txt").status_code == 422
    r = editor.post(
        "/staff/import/../../etc/passwd/confirm", data={"csrf_token": "x"}, headers=HTML
    )
    assert r.status_code in (403, 404)


def test_viewers_cannot_import_and_only_admins_manage_accounts(client: TestClient) -> None:
    login(client)  # Ann is a viewer
    assert client.get("/staff/import", headers=HTML).status_code == 403
    assert client.get("/staff/users", headers=HTML).status_code == 403


def test_admin_invites_a_colleague_who_sets_their_own_password(
    client: TestClient, mailbox: Mailbox
) -> None:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
    form = client.get("/staff/login", headers=HTML)
    client.post(
        "/staff/login",
        data={"email": "boss@council.gov.uk", "password": PASSWORD, "csrf_token": csrf(form.text)},
        headers=HTML,
    )
    page = client.get("/staff/users", headers=HTML)
    assert page.status_code == 200 and "ann@council.gov.uk" in page.text
    assert 'name="password"' not in page.text  # no admin sets a colleague's password
    new = {"csrf_token": csrf(page.text), "email": "cy@council.gov.uk", "name": "Cy",
           "role": "editor", "areas": "e07000035"}  # fmt: skip
    r = client.post("/staff/users", data=new, headers=HTML)
    assert r.status_code == 200 and "Invited cy@council.gov.uk as editor." in r.text
    assert "Invited, not yet accepted" in r.text
    cy = next(u for u in users.users() if u.email == "cy@council.gov.uk")
    assert cy.areas == {"E07000035"} and cy.invited
    message = mailbox.wait_for("cy@council.gov.uk")
    assert "Boss has made you a staff account" in message.get_content()
    link = link_in(message)
    assert link.startswith("http://testserver/staff/welcome/")
    no_area = client.post("/staff/users", data={**new, "email": "dy@x.uk", "role": "editor",
                                                "areas": ""})  # fmt: skip
    assert no_area.status_code == 422 and "needs at least one area" in no_area.text
    assert 'value="dy@x.uk"' in no_area.text  # what was typed stays

    client.cookies.clear()  # Cy, in their own browser
    welcome = client.get(link.removeprefix("http://testserver"), headers=HTML)
    assert welcome.status_code == 200 and "Choose your password" in welcome.text
    chosen = {"csrf_token": csrf(welcome.text), "new_password": "cy's own long passphrase",
              "new_password_again": "cy's own long passphrase"}  # fmt: skip
    done = client.post(link.removeprefix("http://testserver"), data=chosen, headers=HTML)
    assert done.status_code == 303 and done.headers["location"] == "/staff"
    assert "Cy (editor)" in client.get("/staff/places", headers=HTML).text
    assert not users.find("cy@council.gov.uk").invited  # type: ignore[union-attr]
    again = client.get(link.removeprefix("http://testserver"), headers=HTML)
    assert again.status_code == 410 and "This link has stopped working" in again.text


def test_preview_puts_the_pin_at_the_postcode_without_saving(editor: TestClient) -> None:
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    before = store.count()
    page = editor.get("/staff/places/new", headers=HTML)
    form = {"csrf_token": csrf(page.text), "name": "Dale Pharmacy", "category": "pharmacy",
            "postcode": "de4 3ag", "preview": "1"}  # fmt: skip
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 200 and "Nothing is saved yet." in r.text
    assert '"latlng":[53.142342,-1.551396]' in r.text  # the centre of DE4 3AG
    assert 'value="de4 3ag"' in r.text and store.count() == before


def test_an_editor_outside_the_area_sees_no_forms(editor: TestClient) -> None:
    html = editor.get("/staff/places/S3", headers=HTML).text  # Amber Valley
    assert "You can look at this place but not change it" in html
    assert "Save changes" not in html and "Suspend" not in html


def test_status_changes_say_what_happened(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    r = editor.post(
        "/staff/places/S1/status",
        data={"csrf_token": csrf(page.text), "action": "suspend", "reason": "Closed today"},
    )
    shown = editor.get(r.headers["location"], headers=HTML).text
    assert "Suspended: the public can&#39;t see this place now." in shown
    assert "Suspend (hide" not in shown  # no button for the state it is already in


def test_remove_asks_first(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    token = csrf(page.text)
    reason = "Library has moved to the town hall"
    ask = editor.post(
        "/staff/places/S1/status", data={"csrf_token": token, "action": "remove", "reason": reason}
    )
    assert ask.status_code == 200 and "Remove Matlock Library?" in ask.text
    assert f">{reason}</textarea>" in ask.text  # carried to the question
    assert editor.get("/api/v1/places/S1").status_code == 200  # not removed yet
    done = editor.post(
        "/staff/places/S1/status",
        data={"csrf_token": token, "action": "remove", "confirm": "yes", "reason": reason},
    )
    assert done.status_code == 303 and editor.get("/api/v1/places/S1").status_code == 404


def test_new_place_needs_a_chosen_kind(editor: TestClient) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    assert '<option value="" selected>Choose one</option>' in page.text or (
        '<option value="">Choose one</option>' in page.text
    )
    r = editor.post(
        "/staff/places/new",
        data={"csrf_token": csrf(page.text), "name": "X", "category": "", "postcode": "DE4 3AG"},
        headers=HTML,
    )
    assert r.status_code == 422 and "Choose what kind of place it is." in r.text


def _edited_after_preview(
    editor: TestClient, changes: dict[str, str]
) -> tuple[PlaceStore, str, dict[str, str]]:
    """IMPORT_OK previewed (S1 unchanged), then S1 edited by another officer: the store, the
    confirm's address and the form the person would send from the old preview."""
    preview = upload(editor, IMPORT_OK)
    assert preview.status_code == 200 and "1 place unchanged" in preview.text
    store: PlaceStore = editor.app.state.datasets.store  # type: ignore[attr-defined]
    store.update("S1", changes, "eve@council.gov.uk", store.get("S1").version)
    action = re.search(r'action="(/staff/import/[^"]+/confirm)"', preview.text)
    assert action is not None
    return store, action.group(1), confirm_form(preview.text)


def test_a_place_edited_after_the_preview_stops_the_confirm_until_the_new_preview_is_seen(
    editor: TestClient,
) -> None:
    # The file leaves S1 as it is; meanwhile another officer changes S1's name. Confirming
    # the old preview would put the old name back, unseen: nothing is imported, and the
    # new preview (which now changes S1) is shown to confirm instead.
    store, confirm, seen = _edited_after_preview(editor, {"name": "Matlock Library and Archives"})
    stale = editor.post(confirm, data=seen, headers=HTML)
    assert stale.status_code == 409
    assert "Some places have changed since you looked at this file" in unescape(stale.text)
    assert "Dale Road Chemist" not in editor.get("/staff/places", headers=HTML).text
    assert store.get("S1").name == "Matlock Library and Archives"
    again = editor.post(confirm, data=confirm_form(stale.text), headers=HTML)
    assert again.status_code == 200 and "Imported: 2 places added or updated." in again.text
    assert store.get("S1").name == "Matlock Library"


def test_an_edit_the_file_does_not_touch_leaves_the_preview_good_to_confirm(
    editor: TestClient,
) -> None:
    # The file has no phone column: a phone saved meanwhile changes nothing the preview
    # showed, so the confirm goes ahead and the phone stays.
    store, confirm, seen = _edited_after_preview(editor, {"phone": "01629 533400"})
    done = editor.post(confirm, data=seen, headers=HTML)
    assert done.status_code == 200 and "Imported: 1 place added or updated." in done.text
    assert store.get("S1").phone == "01629 533400"
