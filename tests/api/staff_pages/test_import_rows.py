"""The import preview's choices by row: a row that looks like a place we have is left out
until the officer says to update that place or add it as new; rows with errors can be left
out, importing the good ones."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, form_action, form_fields, upload

from geodata.store import PlaceStore

# No reference column: row 2 is Matlock Library again (S1: DE4 3AH, 01629 000000).
FILE = (
    "name,category,postcode,phone\n"
    "Dale Road Chemist,Chemist,DE4 3AG,01629 111111\n"
    "Matlock Library,Library,DE4 3AH,01629 533400\n"
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _store(client: TestClient) -> PlaceStore:
    return client.app.state.datasets.store  # type: ignore[attr-defined,no-any-return]


def _post(client: TestClient, html: str, ending: str, **changes: str):  # type: ignore[no-untyped-def]
    data = form_fields(html, ending) | changes
    return client.post(form_action(html, ending), data=data, headers=HTML)


def test_a_lookalike_is_left_out_until_chosen_and_says_so(editor: TestClient) -> None:
    page = upload(editor, FILE)
    assert page.status_code == 200
    text = _text(page.text)
    assert (
        "Row 3, Matlock Library (DE4 3AH): this looks like Matlock Library (DE4 3AH), with the "
        "same name and postcode. Update it, or add it as new?"
    ) in text
    assert "Until you choose, these rows are left out" in text
    assert "1 place to add" in text and "(1 still to choose)" in text
    # Importing now adds the chemist only: the library is neither updated nor added again.
    done = _post(editor, page.text, "/confirm")
    assert "Imported: 1 place added or updated." in done.text
    store = _store(editor)
    assert store.count() == 7 and store.get("S1").phone == "+441629000000"
    assert [r.name for r in store.rows()].count("Matlock Library") == 1


def test_update_it_shows_the_change_then_makes_it(editor: TestClient) -> None:
    page = upload(editor, FILE)
    chosen = _post(editor, page.text, "/preview", **{"row-2": "update"})
    assert chosen.status_code == 200
    text = _text(chosen.text)
    assert "1 place to add" in text and "1 place to update" in text
    assert "Row 3: Matlock Library Field Now After the import" in text
    assert "Phone number 01629 000000 01629 533400" in text
    assert 'value="update" checked' in chosen.text
    done = _post(editor, chosen.text, "/confirm")
    assert "Imported: 2 places added or updated." in done.text
    store = _store(editor)
    assert store.get("S1").phone == "+441629533400" and store.count() == 7


def test_a_confirm_with_another_choice_than_the_preview_imports_nothing(
    editor: TestClient,
) -> None:
    page = upload(editor, FILE)
    refused = _post(editor, page.text, "/confirm", **{"row-2": "add"})
    assert refused.status_code == 409 and _store(editor).count() == 6


BAD = (
    FILE
    + "Far Away Shop,Shop,ZZ9 9ZZ,\nHall Leys Surgery,Doctors,DE4 3AG,\nNo Kind,Castle,DE4 3AG,\n"
)


def test_the_good_rows_can_be_imported_leaving_out_the_bad_ones(editor: TestClient) -> None:
    page = upload(editor, BAD)
    assert page.status_code == 422
    text = _text(page.text)
    assert "2 rows can't be imported as they are" in text
    assert 'Row 4: postcode: "ZZ9 9ZZ" is not a postcode.' in text
    assert 'Row 6: category: "Castle" is not a kind of place we know.' in text
    assert "Import the good rows, leave out rows 4 and 6" in text
    done = _post(editor, page.text, "/confirm")
    assert done.status_code == 200 and "Imported: 2 places added or updated." in done.text
    names = {r.name for r in _store(editor).rows()}
    assert {"Dale Road Chemist", "Hall Leys Surgery"} <= names
    assert not {"Far Away Shop", "No Kind"} & names


def test_leaving_out_other_rows_than_the_page_showed_imports_nothing(
    editor: TestClient,
) -> None:
    page = upload(editor, BAD)
    refused = _post(editor, page.text, "/confirm", leave_out_errors="something else")
    assert refused.status_code == 422 and _store(editor).count() == 6
    # Without the choice at all, rows with errors stop the import, as before.
    fields = form_fields(page.text, "/confirm")
    del fields["leave_out_errors"]
    stopped = editor.post(form_action(page.text, "/confirm"), data=fields, headers=HTML)
    assert stopped.status_code == 422 and _store(editor).count() == 6


# Matlock Library twice more, with no reference: rows 3 and 4 both look like S1.
TWICE = FILE + "Matlock Library,Library,DE4 3AH,01629 533401\n"
CLASH = (
    "Rows 3 and 4 would both update Matlock Library: choose one of them, or add one as a new place."
)


def test_two_rows_chosen_to_update_one_place_are_named_and_no_import_is_offered(
    editor: TestClient,
) -> None:
    page = upload(editor, TWICE)
    both = _post(editor, page.text, "/preview", **{"row-2": "update", "row-3": "update"})
    assert both.status_code == 422
    text = _text(both.text)
    assert "Nothing can be imported until you choose which row is the place" in text
    assert CLASH in text
    assert "/confirm" not in both.text and "Import these changes" not in text
    assert both.text.count('value="update" checked') == 2  # the choices as they were made
    # A confirm sent anyway (an old page) imports nothing and says the same, not "changed".
    digest = re.search(r'name="plan_digest" value="([^"]+)"', page.text)
    assert digest is not None
    fields = {"row-2": "update", "row-3": "update", "plan_digest": digest[1]}
    forced = _post(editor, page.text, "/confirm", **fields)
    assert forced.status_code == 422 and CLASH in _text(forced.text)
    assert "changed since you looked" not in forced.text
    assert _store(editor).get("S1").phone == "+441629000000" and _store(editor).count() == 6


def test_a_lookalike_chosen_to_update_a_place_updated_by_reference_is_named(
    editor: TestClient,
) -> None:
    text = (
        "external_ref,name,category,postcode,phone\n"
        ",Matlock Library,Library,DE4 3AH,01629 533400\n"
        "S1,Matlock Library,Library,DE4 3AH,01629 533401\n"
    )
    page = upload(editor, text)
    chosen = _post(editor, page.text, "/preview", **{"row-1": "update"})
    assert chosen.status_code == 422
    assert (
        "Rows 2 and 3 would both update Matlock Library: choose one of them, or add one as a "
        "new place."
    ) in _text(chosen.text)
    assert "/confirm" not in chosen.text


def test_choosing_differently_after_a_clash_imports(editor: TestClient) -> None:
    page = upload(editor, TWICE)
    both = _post(editor, page.text, "/preview", **{"row-2": "update", "row-3": "update"})
    fixed = _post(editor, both.text, "/preview", **{"row-3": "add"})
    assert fixed.status_code == 200 and CLASH not in _text(fixed.text)
    assert 'name="row-2" value="update" checked' in fixed.text
    done = _post(editor, fixed.text, "/confirm")
    assert "Imported: 3 places added or updated." in done.text
    store = _store(editor)
    assert store.get("S1").phone == "+441629533400" and store.count() == 8
