"""The import's matching step: each column of the file with a few of its cells and what it
fills in; a column is left out only when the officer says so; the choices carry through the
preview to the confirm."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, form_action, form_fields, upload

from geodata.store import PlaceStore

NATURAL = (
    "Venue name,Post code,Telephone,Opening times,Type,Manager's notes\n"
    "Dale Road Chemist,DE4 3AG,01629 111111,Mon-Fri 9am-6pm,Chemist,ask for Jo\n"
    "Hall Leys Surgery,DE4 3AG,01629 222222,9-5,GP surgery,\n"
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _store(client: TestClient) -> PlaceStore:
    return client.app.state.datasets.store  # type: ignore[attr-defined,no-any-return]


def test_natural_headings_are_suggested_and_an_unknown_column_must_be_chosen(
    editor: TestClient,
) -> None:
    page = upload(editor, NATURAL)
    assert page.status_code == 200 and "What is in each column?" in page.text
    fields = form_fields(page.text, "/preview")
    assert [fields[f"column-{i}"] for i in range(6)] == [
        "name", "postcode", "phone", "opening_hours", "category", "",
    ]  # fmt: skip
    text = _text(page.text)
    assert "Venue name Dale Road Chemist, Hall Leys Surgery" in text
    assert "Telephone 01629 111111, 01629 222222" in text
    assert 'What the column "Telephone" fills in' in text  # each select has its label
    # Sent as suggested: the notes column has no choice, so no preview yet.
    again = editor.post(form_action(page.text, "/preview"), data=fields, headers=HTML)
    assert again.status_code == 422
    assert 'Choose what the column "Manager\'s notes" fills, or leave it out.' in unescape(
        again.text
    )
    assert 'href="#column-5"' in again.text
    # What was chosen is kept.
    assert form_fields(again.text, "/preview")["column-2"] == "phone"
    assert _store(editor).count() == 6


def test_the_columns_as_chosen_go_through_the_preview_to_the_confirm(editor: TestClient) -> None:
    page = upload(editor, NATURAL)
    fields = form_fields(page.text, "/preview") | {"column-5": "leave_out"}
    preview = editor.post(form_action(page.text, "/preview"), data=fields, headers=HTML)
    assert preview.status_code == 200, _text(preview.text)
    text = _text(preview.text)
    assert "2 places to add" in text
    assert "Dale Road Chemist Pharmacy DE4 3AG 01629 111111 Mon-Fri 09:00-18:00" in text
    assert "Telephone: Phone number" in text and "Manager's notes: left out" in text
    done = editor.post(
        form_action(preview.text, "/confirm"),
        data=form_fields(preview.text, "/confirm"),
        headers=HTML,
    )
    assert done.status_code == 200 and "Imported: 2 places added or updated." in done.text
    added = {r.name: r for r in _store(editor).rows()}
    assert added["Dale Road Chemist"].phone == "+441629111111"
    assert added["Dale Road Chemist"].opening_hours is not None
    assert added["Dale Road Chemist"].opening_hours.startswith("Mon 09:00-18:00")
    assert added["Hall Leys Surgery"].category == "gp_surgery"
    assert added["Hall Leys Surgery"].opening_hours.endswith("Sun 09:00-17:00")


def test_a_confirm_with_other_columns_than_the_preview_imports_nothing(
    editor: TestClient,
) -> None:
    page = upload(editor, NATURAL)
    fields = form_fields(page.text, "/preview") | {"column-5": "leave_out"}
    preview = editor.post(form_action(page.text, "/preview"), data=fields, headers=HTML)
    sent = form_fields(preview.text, "/confirm") | {"column-2": "leave_out"}  # no phones
    refused = editor.post(form_action(preview.text, "/confirm"), data=sent, headers=HTML)
    assert refused.status_code == 409 and "nothing was imported" in refused.text
    assert _store(editor).count() == 6


def test_two_columns_cannot_fill_one_detail(editor: TestClient) -> None:
    page = upload(editor, NATURAL)
    fields = form_fields(page.text, "/preview") | {"column-5": "phone"}
    again = editor.post(form_action(page.text, "/preview"), data=fields, headers=HTML)
    assert again.status_code == 422
    words = 'The columns "Telephone" and "Manager\'s notes" both fill Phone number'
    assert unescape(again.text).count(words) == 3  # the summary, and by each of the two


def test_the_preview_goes_back_to_the_matching_step_as_chosen(editor: TestClient) -> None:
    page = upload(editor, NATURAL)
    fields = form_fields(page.text, "/preview") | {"column-5": "accessibility_notes"}
    preview = editor.post(form_action(page.text, "/preview"), data=fields, headers=HTML)
    assert "Manager's notes: Accessibility notes" in _text(preview.text)
    back = editor.post(
        form_action(preview.text, "/columns"),
        data=form_fields(preview.text, "/columns"),
        headers=HTML,
    )
    assert back.status_code == 200
    assert form_fields(back.text, "/preview")["column-5"] == "accessibility_notes"


def test_a_file_in_our_own_names_goes_straight_to_the_preview(editor: TestClient) -> None:
    page = upload(
        editor, "external_ref,name,category,postcode\nIMP-1,Dale Chemist,pharmacy,DE4 3AG\n"
    )
    assert page.status_code == 200 and "1 place to add" in page.text
    assert "external_ref: Your reference for the place" in _text(page.text)
