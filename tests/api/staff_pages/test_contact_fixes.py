"""Phone numbers and emails on the staff pages: a bad one in an import is said by its row and
nothing of the row is lost (fix the cell, import again); a place whose number or email was
kept as typed is counted on the dashboard and listed, and its edit form says what to fix."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, csrf, form_action, form_fields, upload

from geodata.store import PlaceStore

# As the page writes it (the apostrophe escaped).
FIX_WORDS = re.escape("A phone number or email that isn&#39;t right")
HEADINGS = "external_ref,name,category,postcode,phone,email\n"
GOOD = "N1,Dale Road Chemist,Chemist,DE4 3AG,0044 1629 111111,Chemist@Example.ORG\n"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _store(client: TestClient) -> PlaceStore:
    return client.app.state.datasets.store  # type: ignore[attr-defined,no-any-return]


def test_a_bad_number_in_an_import_is_said_and_the_fixed_row_imports(editor: TestClient) -> None:
    bad = HEADINGS + GOOD + "N2,Hall Leys Surgery,GP surgery,DE4 3AG,0999999999,surgery at nhs\n"
    page = upload(editor, bad)
    assert page.status_code == 422
    text = _text(page.text)
    assert "1 row can't be imported as it is Row 3 (N2): email:" in text
    assert (
        'phone: "0999999999" is not a real UK phone number: no UK phone numbers like it are in '
        "use. Type a UK phone number, like 01629 533400. Fix it in your file"
    ) in text
    assert 'email: "surgery at nhs" is not an email address' in text
    done = editor.post(
        form_action(page.text, "/confirm"), data=form_fields(page.text, "/confirm"), headers=HTML
    )
    assert "Imported: 1 place added or updated." in done.text
    store = _store(editor)
    chemist = next(r for r in store.rows() if r.external_ref == "N1")
    assert (chemist.phone, chemist.email) == ("+441629111111", "Chemist@example.org")
    # The officer fixes the cell and imports the same file again: the row is all there.
    fixed = bad.replace("0999999999", "01629 583000 ext 4").replace(" at nhs", "@nhs.net")
    again = upload(editor, fixed)
    assert again.status_code == 200 and "1 place to add" in _text(again.text)
    editor.post(
        form_action(again.text, "/confirm"), data=form_fields(again.text, "/confirm"), headers=HTML
    )
    surgery = next(r for r in store.rows() if r.external_ref == "N2")
    assert (surgery.phone, surgery.email) == ("+441629583000;ext=4", "surgery@nhs.net")
    assert "01629 583000 ext. 4" in editor.get(f"/staff/places/{surgery.id}", headers=HTML).text


def test_numbers_kept_as_typed_are_counted_listed_and_fixed(editor: TestClient) -> None:
    store = _store(editor)
    # As the upgrade keeps them: not real, so never rewritten, never dropped.
    store.update("S1", {"phone": "0999999999"}, "upgrade", store.get("S1").version)
    store.update("S3", {"contact_email": "jo at library"}, "upgrade", store.get("S3").version)
    dashboard = editor.get("/staff", headers=HTML).text
    tile = re.search(
        r'<a class="sp-tile" href="([^"]+)"><span class="sp-tile-number">(\d+)</span> '
        rf'<span class="sp-tile-words">{FIX_WORDS}',
        dashboard,
    )
    assert tile is not None and tile.group(2) == "2"
    listed = editor.get(unescape(tile.group(1)), headers=HTML)
    assert listed.status_code == 200 and "2 places match" in _text(listed.text)
    assert 'value="contact" selected' in listed.text
    assert "Matlock Library" in listed.text and "Alfreton Library" in listed.text
    # The list shows the number as it was kept; the place's form says what to fix, by its box.
    assert "0999999999" in listed.text
    form = editor.get("/staff/places/S1", headers=HTML)
    said = re.search(r'<p class="sp-error" id="f-phone-error">([^<]+)</p>', form.text)
    assert said is not None and unescape(said.group(1)).startswith(
        '"0999999999" is not a real UK phone number'
    )
    assert 'value="0999999999"' in form.text  # kept as it is until the officer changes it
    fields = form_fields(form.text, "/staff/places/S1") | {"csrf_token": csrf(form.text)}
    fixed = editor.post("/staff/places/S1", data=fields | {"phone": "01629 533400"}, headers=HTML)
    assert fixed.status_code in (200, 303) and store.get("S1").phone == "+441629533400"
    after = editor.get("/staff", headers=HTML).text
    one = rf'<span class="sp-tile-number">1</span> <span class="sp-tile-words">{FIX_WORDS}'
    assert re.search(one, after)
