"""Staff pages: log in with a session cookie only /staff receives, CSRF on every form; the
place list and the place form."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from staff_forms import HTML, PASSWORD, csrf, login, sent_to_login

from locator.settings import LoginSettings


def test_staff_pages_need_a_login(client: TestClient) -> None:
    r = client.get("/staff/places", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login?next=%2Fstaff%2Fplaces"
    # A form sent without a session can't be carried over: it says so, with a link.
    r = client.post("/staff/logout", data={}, headers=HTML)
    assert r.status_code == 401 and 'href="/staff/login"' in r.text


def test_login_sets_a_strict_httponly_cookie_for_staff_pages_only(client: TestClient) -> None:
    form = client.get("/staff/login", headers=HTML)
    assert form.status_code == 200
    login_cookie = form.headers["set-cookie"].lower()
    assert "httponly" in login_cookie and "samesite=strict" in login_cookie
    assert "path=/staff" in login_cookie
    r = login(client)
    assert r.status_code == 303 and r.headers["location"] == "/staff"
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
    login(client)
    assert client.post("/staff/logout", data={}, headers=HTML).status_code == 403
    assert client.get("/staff/places", headers=HTML).status_code == 200  # still logged in


def test_logout(client: TestClient) -> None:
    login(client)
    page = client.get("/staff/places", headers=HTML)
    r = client.post("/staff/logout", data={"csrf_token": csrf(page.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    assert sent_to_login(client.get("/staff/places", headers=HTML))


def test_wrong_passwords_then_a_wait(client: TestClient) -> None:
    r = login(client, "wrong password!")
    assert r.status_code == 401 and "The email address or password is not right." in r.text
    assert 'value="ann@council.gov.uk"' in r.text  # the email stays filled in
    for _ in range(LoginSettings().per_source_account - 1):
        login(client, "wrong password!")
    held = login(client)
    assert held.status_code == 429 and "Too many tries from here. Please wait" in held.text
    assert int(held.headers["retry-after"]) > 0


def test_place_list_filters(client: TestClient) -> None:
    login(client)
    html = client.get("/staff/places", params={"kind": "police_enquiry_office"}, headers=HTML).text
    assert "2 places match" in html and "Chesterfield Police Station" in html
    bad = client.get("/staff/places", params={"status": "nonsense"}, headers=HTML)
    assert bad.status_code == 422 and "We don&#39;t know the status chosen" in bad.text


def test_edit_a_place_then_see_its_history(editor: TestClient) -> None:
    page = editor.get("/staff/places/S1", headers=HTML)
    assert page.status_code == 200 and 'value="Matlock Library"' in page.text
    assert "SafePlaces.addMarkers" in page.text  # the map preview
    form = {
        "csrf_token": csrf(page.text),
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
    # By the account's name, in sentences.
    assert "Changed by Ed</h2>" in history and "ed@council.gov.uk" not in history
    assert "Phone number changed from 01629 000000 to 01629 533400." in history
    assert "Version 2." in history and "(UK time)" in history
    # In words: the first version came from the open data; values are labels, not codes.
    assert "Added by the open data, on first start" in history
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
        "csrf_token": csrf(page.text), "version": "1", "name": "Matlock Library",
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
    same = {**form, "csrf_token": csrf(again), "version": "2",
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
        "csrf_token": csrf(page), "version": "1", "name": "Matlock Library",
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
        data={**mine, "csrf_token": csrf(clash.text), "version": "2", "phone": "01629 533400"},
        headers=HTML,
    )
    assert again.status_code == 303
    saved = store.get("S1")
    assert saved.phone == "01629 533400"
    assert saved.accessibility_notes == "Step-free entrance on Steep Turnpike."


def test_errors_are_shown_by_each_field(editor: TestClient) -> None:
    page = editor.get("/staff/places/new", headers=HTML)
    form = {
        "csrf_token": csrf(page.text),
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
    token = csrf(page.text)
    form = {"csrf_token": token, "name": "Dale Pharmacy", "category": "pharmacy",
            "postcode": "DE4 3AG"}  # fmt: skip
    r = editor.post("/staff/places/new", data=form, headers=HTML)
    assert r.status_code == 303
    place = r.headers["location"].split("/")[-1].split("?")[0]
    assert editor.get(f"/api/v1/places/{place}").status_code == 200
    r = editor.post(
        f"/staff/places/{place}/status",
        data={"csrf_token": token, "action": "suspend", "reason": "Closed for a week"},
    )
    assert r.status_code == 303 and editor.get(f"/api/v1/places/{place}").status_code == 404
    history = editor.get(f"/staff/places/{place}/history", headers=HTML).text
    restore = editor.post(
        f"/staff/places/{place}/history/1/restore", data={"csrf_token": csrf(history)}
    )
    assert restore.status_code == 303 and editor.get(f"/api/v1/places/{place}").status_code == 200


def test_editor_outside_their_area_is_refused(editor: TestClient) -> None:
    page = editor.get("/staff/places/S3", headers=HTML)  # S3 is in Amber Valley
    r = editor.post(
        "/staff/places/S3",
        data={"csrf_token": csrf(page.text), "version": "1", "name": "Renamed"},
        headers=HTML,
    )
    assert r.status_code == 403


def _log_in_with_next(client: TestClient, next_path: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    form = client.get("/staff/login", params={"next": next_path}, headers=HTML)
    data = {"email": "ann@council.gov.uk", "password": password, "csrf_token": csrf(form.text)}
    return form, client.post("/staff/login", data={**data, "next": next_path}, headers=HTML)


def test_a_staff_page_sends_the_browser_to_log_in_and_back(client: TestClient) -> None:
    r = client.get("/staff/places/S1/history?from=list", headers=HTML)
    assert r.status_code == 303
    assert (
        r.headers["location"] == "/staff/login?next=%2Fstaff%2Fplaces%2FS1%2Fhistory%3Ffrom%3Dlist"
    )
    form = client.get(r.headers["location"], headers=HTML)
    wanted = "/staff/places/S1/history?from=list"
    assert f'<input type="hidden" name="next" value="{wanted}">' in form.text
    # A wrong password keeps where to go; the right one goes there.
    wrong = client.post(
        "/staff/login",
        data={"email": "ann@council.gov.uk", "password": "not it at all",
              "csrf_token": csrf(form.text), "next": wanted},
        headers=HTML,
    )  # fmt: skip
    assert wrong.status_code == 401 and f'name="next" value="{wanted}"' in wrong.text
    _, done = _log_in_with_next(client, wanted)
    assert done.status_code == 303 and done.headers["location"] == wanted
    assert client.get(wanted, headers=HTML).status_code == 200


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example.org/staff/places",
        "//evil.example.org/staff/places",
        "/\\evil.example.org/staff",
        "/staffing",
        "/places/S1",
        "javascript:alert(1)",
        "/staff/login",
        "/staff/places\r\nSet-Cookie: x=1",
    ],
)
def test_after_login_only_our_own_staff_pages(client: TestClient, next_path: str) -> None:
    _, r = _log_in_with_next(client, next_path)
    assert r.status_code == 303 and r.headers["location"] == "/staff"


def test_the_staff_api_still_answers_401_not_a_redirect(client: TestClient) -> None:
    r = client.get("/api/v1/admin/places", headers=HTML)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
