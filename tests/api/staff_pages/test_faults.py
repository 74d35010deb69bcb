"""The place form when a change can't be saved: the form comes back with everything typed
kept and the reason beside the field it is about; nothing is written."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, csrf

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
