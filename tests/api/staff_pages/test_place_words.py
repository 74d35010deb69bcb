"""The place page in an officer's words: the venue's contact, "checked today", reasons for
hiding a place, the history by name, the link to the public page, areas by name."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, csrf


def _edit(editor: TestClient, place: str, **changes: str):  # type: ignore[no-untyped-def]
    page = editor.get(f"/staff/places/{place}", headers=HTML)
    version = page.text.split('name="version" value="')[1].split('"')[0]
    form = {"csrf_token": csrf(page.text), "version": version, **changes}
    return editor.post(f"/staff/places/{place}", data=form, headers=HTML)


def test_the_venue_contact_is_on_the_form_checked_and_kept(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML).text
    assert "Contact person at the venue" in page and "the public never do" in unescape(page)
    bad = _edit(editor, "S1", contact_name="Jo Bloggs", contact_email="jo at library")
    assert bad.status_code == 422
    assert "Type an email address, like library@derbyshire.gov.uk." in bad.text
    # Nothing typed is lost.
    assert 'value="Jo Bloggs"' in bad.text and 'value="jo at library"' in bad.text
    good = _edit(editor, "S1", contact_name="Jo Bloggs", contact_phone="01629 533400")
    assert good.status_code == 303
    shown = editor.get("/staff/places/S1", headers=HTML).text
    assert 'value="Jo Bloggs"' in shown and 'value="01629 533400"' in shown
