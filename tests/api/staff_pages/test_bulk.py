"""Changing many places at once from the list: ask first, then "checked today", suspend with a
reason, or restore; places an editor can't change are named and left alone, never skipped
silently."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, csrf, login

from locator.venues import Status

BACK = "/staff/places?q=matlock"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def post(client: TestClient, action: str, places: list[str], **more: str):  # type: ignore[no-untyped-def]
    token = csrf(client.get("/staff/places", headers=HTML).text)
    form = {"csrf_token": token, "action": action, "back": BACK, "place": places} | more
    return client.post("/staff/places/bulk", data=form, headers=HTML)


def test_checked_today_asks_first_then_changes_them_all(editor: TestClient) -> None:
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    asked = post(editor, "checked", ["S1", "S2"])
    assert asked.status_code == 200
    words = text(asked.text)
    assert "Mark 2 places as checked today?" in words
    assert "Matlock Library (S1)" in words and "Corner Café (S2)" in words
    assert store.get("S1").last_checked is None  # nothing yet
    assert f'href="{BACK}"' in asked.text  # back to the same list
    done = post(editor, "checked", ["S1", "S2"], confirm="yes")
    assert done.status_code == 200 and "2 places marked as checked today." in text(done.text)
    assert store.get("S1").last_checked == store.get("S2").last_checked == date.today()
    assert store.history("S1")[-1].actor == "ed@council.gov.uk"


def test_places_outside_an_editors_area_are_named_and_left_alone(editor: TestClient) -> None:
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    asked = text(post(editor, "checked", ["S1", "S3"]).text)
    assert "Mark 1 place as checked today?" in asked
    assert "You can't change 1 of these" in asked
    assert "Alfreton Library: You can change places in Derbyshire Dales only" in asked
    done = text(post(editor, "checked", ["S1", "S3"], confirm="yes").text)
    assert "1 place marked as checked today." in done
    assert "Left alone" in done and "Alfreton Library: You can change places in" in done
    assert store.get("S1").last_checked == date.today()
    assert store.get("S3").last_checked is None and store.get("S3").version == 1


def test_suspending_needs_a_reason_and_keeps_it(editor: TestClient) -> None:
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    asked = post(editor, "suspend", ["S1", "S2"])
    assert "Why are they suspended?" in asked.text
    refused = post(editor, "suspend", ["S1", "S2"], confirm="yes", reason="  ")
    assert refused.status_code == 422 and "There is a problem" in refused.text
    assert 'href="#b-reason"' in refused.text and 'aria-invalid="true"' in refused.text
    assert store.get("S1").status == Status.ACTIVE.value  # nothing changed
    reason = "Closed for refurbishment until March"
    done = post(editor, "suspend", ["S1", "S2"], confirm="yes", reason=reason)
    assert "2 places suspended" in text(done.text)
    assert {store.get(i).status for i in ("S1", "S2")} == {Status.SUSPENDED.value}
    assert store.history("S1")[-1].note == reason == store.history("S2")[-1].note
    restored = post(editor, "restore", ["S1", "S2"], confirm="yes")
    assert "2 places restored" in text(restored.text)
    assert {store.get(i).status for i in ("S1", "S2")} == {Status.ACTIVE.value}


def test_nothing_ticked_says_so(editor: TestClient) -> None:
    r = post(editor, "checked", [])
    assert r.status_code == 422 and "You didn&#39;t choose any places" in r.text


def test_the_list_has_boxes_to_tick_for_an_editor_not_a_viewer(client: TestClient) -> None:
    login(client)  # Ann, a viewer
    page = client.get("/staff/places", headers=HTML).text
    assert 'name="place"' not in page and "Checked today" not in page
    # A viewer's post changes nothing, and says why.
    r = post(client, "checked", ["S1"], confirm="yes")
    assert "Your account can look at places but not change them." in text(r.text)
    assert client.app.state.datasets.store.get("S1").last_checked is None  # type: ignore[attr-defined]


def test_each_box_is_labelled_with_its_place(editor: TestClient) -> None:
    page = editor.get("/staff/places", params={"q": "Matlock Library"}, headers=HTML).text
    assert re.search(
        r'<input class="sp-pick" type="checkbox" name="place" value="S1">'
        r'<span class="sp-visually-hidden">Choose Matlock Library</span>',
        page,
    )
    assert 'name="back" value="/staff/places?q=Matlock+Library"' in page


def test_a_change_needs_the_forms_token(editor: TestClient) -> None:
    r = editor.post("/staff/places/bulk", data={"action": "checked", "place": ["S1"]}, headers=HTML)
    assert r.status_code == 403


def test_back_goes_only_to_our_own_list(editor: TestClient) -> None:
    r = post(editor, "checked", ["S1"], back="https://evil.example/staff/places")
    assert 'href="https://evil.example' not in r.text and 'href="/staff/places"' in r.text
