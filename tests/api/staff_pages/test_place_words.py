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


def test_checked_today_then_suspend_with_a_reason_reads_in_the_history(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML).text
    assert "Last yearly check: never." in page and "The yearly check is overdue." in page
    assert "Area: Derbyshire Dales." in page and "E07000035" not in page
    assert '<a href="/places/S1">See this place as the public does</a>' in page
    done = editor.post("/staff/places/S1/checked", data={"csrf_token": csrf(page)})
    assert done.status_code == 303 and done.headers["location"].endswith("?saved=checked")
    page = editor.get(done.headers["location"], headers=HTML).text
    assert "Checked today: the yearly check is recorded" in page and "overdue" not in page
    # Suspending asks why; an empty reason is refused in words, keeping what was typed.
    ask = editor.get("/staff/places/S1/status?action=suspend", headers=HTML)
    assert "Suspend Matlock Library?" in ask.text and "Why are you suspending it?" in ask.text
    form = {"csrf_token": csrf(ask.text), "action": "suspend", "confirm": "yes", "reason": " "}
    empty = editor.post("/staff/places/S1/status", data=form, headers=HTML)
    assert empty.status_code == 422 and "Say why, in a few words" in empty.text
    form["reason"] = "Venue closed for refurbishment"
    assert editor.post("/staff/places/S1/status", data=form).status_code == 303
    page = editor.get("/staff/places/S1", headers=HTML).text
    assert "The public can't see this place now." in unescape(page)
    assert 'href="/places/S1"' not in page
    history = editor.get("/staff/places/S1/history", headers=HTML).text
    assert "Suspended by Ed</h2>" in history and "Checked by Ed</h2>" in history
    assert "Suspended: Venue closed for refurbishment." in history
    assert "Yearly check done." in history


def test_an_editors_refused_add_keeps_what_was_typed_and_names_the_areas(
    editor: TestClient,
) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    form = {"csrf_token": csrf(page.text), "name": "Chesterfield Corner Shop",
            "category": "shop", "postcode": "S40 1AA", "phone": "01246 345345"}  # fmt: skip
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 403
    assert (
        "You can add places in Derbyshire Dales only; this postcode is in Chesterfield."
        in unescape(r.text)
    )
    for typed in ("Chesterfield Corner Shop", "S40 1AA", "01246 345345"):
        assert f'value="{typed}"' in r.text
    assert '<option value="shop" selected>' in r.text


def test_staff_pages_leave_out_the_quick_exit_and_the_help_panel(editor: TestClient) -> None:
    for path in ("/staff", "/staff/login", "/staff/places", "/staff/places/S1",
                 "/staff/places/S1/history", "/staff/places/S1/status?action=remove"):  # fmt: skip
        page = editor.get(path, headers=HTML)
        assert page.status_code == 200, path
        assert "Exit this page" not in page.text and "I need help now" not in page.text, path
    # The public pages keep both.
    public = editor.get("/places/S1", headers=HTML).text
    assert "Exit this page" in public and "I need help now" in public


def test_the_form_shows_the_places_own_kind_chosen(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML).text
    assert '<option value="library" selected>Library</option>' in page


def test_the_dashboards_latest_changes_say_who_by_name(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    editor.post("/staff/places/S1/checked", data={"csrf_token": csrf(page.text)})
    board = editor.get("/staff", headers=HTML).text
    assert ">Matlock Library</a>: checked by Ed," in board and "ed@council.gov.uk" not in board
