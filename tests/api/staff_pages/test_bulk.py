"""Changing many places at once from the list: ask first, then "checked today", suspend with a
reason, or restore; places an editor can't change are named and left alone, never skipped
silently."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from staff_forms import HTML, OWN_ORIGIN, as_editor, csrf, login

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
    before = date.today()
    done = post(editor, "checked", ["S1", "S2"], confirm="yes")
    assert done.status_code == 200 and "2 places marked as checked today." in text(done.text)
    checked = {store.get("S1").last_checked, store.get("S2").last_checked}
    assert len(checked) == 1 and before <= checked.pop() <= date.today()
    assert store.history("S1")[-1].actor == "ed@council.gov.uk"


def test_places_outside_an_editors_area_are_named_and_left_alone(editor: TestClient) -> None:
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    asked = text(post(editor, "checked", ["S1", "S3"]).text)
    assert "Mark 1 place as checked today?" in asked
    assert "You can't change 1 of these" in asked
    assert "Alfreton Library: You can change places in Derbyshire Dales only" in asked
    before = date.today()
    done = text(post(editor, "checked", ["S1", "S3"], confirm="yes").text)
    assert "1 place marked as checked today." in done
    assert "Left alone" in done and "Alfreton Library: You can change places in" in done
    assert before <= store.get("S1").last_checked <= date.today()
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


@pytest.fixture
def paged(paged_app: Callable[[int], FastAPI]) -> Iterator[TestClient]:
    """An editor for Derbyshire Dales, with the list two places a page."""
    with TestClient(paged_app(2), follow_redirects=False, headers=OWN_ORIGIN) as client:
        yield as_editor(client)


def _hidden(page: str, name: str) -> list[str]:
    return [unescape(v) for v in re.findall(rf'type="hidden" name="{name}" value="([^"]*)"', page)]


def test_all_that_match_changes_every_page_of_the_list_after_asking(paged: TestClient) -> None:
    """A list longer than a page offers "All N that match": the change asks about every
    place the filters match, on any page, and "Yes" changes exactly those it named."""
    store = paged.app.state.datasets.store  # type: ignore[attr-defined]
    listed = paged.get("/staff/places", params={"q": "Matlock"}, headers=HTML).text
    assert "Page 1 of 2" in listed
    assert "All 3 places that match, on every page" in listed
    assert _hidden(listed, "match") == ["q=Matlock"]
    form = {"csrf_token": csrf(listed), "action": "checked", "back": BACK}
    form |= {"scope": "all", "match": "q=Matlock"}  # nothing ticked
    asked = paged.post("/staff/places/bulk", data=form, headers=HTML)
    assert asked.status_code == 200
    words = text(asked.text)
    assert "Mark 3 places as checked today?" in words
    assert "Matlock Library (S1)" in words and "Corner Café (S2)" in words
    chosen = _hidden(asked.text, "place")
    assert sorted(chosen) == ["S1", "S2", "S4"]
    assert all(store.get(i).last_checked is None for i in chosen)  # nothing yet
    # "Yes" posts the places the page named (the browser sends its hidden fields).
    yes = {"csrf_token": csrf(asked.text), "action": "checked", "back": BACK, "confirm": "yes"}
    before = date.today()
    done = paged.post("/staff/places/bulk", data=yes | {"place": chosen}, headers=HTML)
    assert "3 places marked as checked today." in text(done.text)
    assert all(before <= store.get(i).last_checked <= date.today() for i in chosen)
    assert store.get("S3").last_checked is None  # not in the list


def test_all_that_match_names_the_places_an_editor_cant_change(paged: TestClient) -> None:
    listed = paged.get("/staff/places", headers=HTML).text
    assert "6 places match" in listed and "All 6 places that match, on every page" in listed
    form = {"csrf_token": csrf(listed), "action": "suspend", "back": BACK}
    words = text(paged.post("/staff/places/bulk", data=form | {"scope": "all"}, headers=HTML).text)
    assert "You can't change" in words and "Alfreton Library: You can change places in" in words


def test_all_that_match_when_nothing_matches_now_says_so(paged: TestClient) -> None:
    token = csrf(paged.get("/staff/places", headers=HTML).text)
    form = {"csrf_token": token, "action": "checked", "back": BACK, "scope": "all"}
    r = paged.post("/staff/places/bulk", data=form | {"match": "q=nowhere+at+all"}, headers=HTML)
    assert r.status_code == 422 and "No places match the list&#39;s filters now" in r.text
    bad = paged.post("/staff/places/bulk", data=form | {"match": "status=gone"}, headers=HTML)
    assert bad.status_code == 422 and "We don&#39;t know the status chosen" in bad.text


def test_a_list_of_one_page_has_no_all_that_match(editor: TestClient) -> None:
    listed = editor.get("/staff/places", headers=HTML).text
    assert "that match, on every page" not in listed and 'name="match"' not in listed


def test_all_that_match_always_asks_first(paged: TestClient) -> None:
    """Only the page that names the places can say "Yes" to changing them."""
    store = paged.app.state.datasets.store  # type: ignore[attr-defined]
    token = csrf(paged.get("/staff/places", headers=HTML).text)
    form = {"csrf_token": token, "action": "checked", "back": BACK, "scope": "all"}
    asked = paged.post("/staff/places/bulk", data=form | {"confirm": "yes"}, headers=HTML)
    assert "Mark " in text(asked.text) and "as checked today?" in text(asked.text)
    assert store.get("S1").last_checked is None
