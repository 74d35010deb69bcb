"""The staff dashboard at /staff: where a login lands, and every number links to a list of
exactly that many places."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, login

from locator.venues import Status


def numbers(page: str) -> list[tuple[str, int, str]]:
    found = re.findall(
        r'<a class="sp-tile" href="([^"]+)"><span class="sp-tile-number">(\d+)</span> '
        r'<span class="sp-tile-words">([^<]+)',
        page,
    )
    return [(unescape(url), int(n), unescape(words)) for url, n, words in found]


def list_count(client: TestClient, url: str) -> int:
    page = client.get(url, headers=HTML)
    assert page.status_code == 200, url
    found = re.search(r'id="count">(\d+) places? match', page.text)
    assert found is not None, url
    return int(found.group(1))


def test_a_login_lands_on_the_dashboard(client: TestClient) -> None:
    r = login(client)
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    page = client.get("/staff", headers=HTML)
    assert page.status_code == 200 and "Safe Places: what needs doing" in page.text


def test_every_number_is_the_length_of_its_list(client: TestClient) -> None:
    store = client.app.state.datasets.store  # type: ignore[attr-defined]
    # Some variety: a suspended place, a removed one, one checked recently, one due soon.
    store.set_status("S2", Status.SUSPENDED, "test")
    store.set_status("S4", Status.REMOVED, "test")
    store.update("S1", {"last_checked": date.today() - timedelta(days=20)}, "test", 1)
    store.update("S3", {"last_checked": date.today() - timedelta(days=350)}, "test", 1)
    login(client)
    page = client.get("/staff", headers=HTML).text
    shown = {words: n for _, n, words in numbers(page)}
    assert shown["Active (the public can see it)"] == 4
    assert shown["Suspended (hidden for now)"] == 1
    assert shown["Removed (can be restored)"] == 1
    assert shown["Overdue (or never checked)"] == 3  # S2 and the two police desks
    assert shown["Due in the next 30 days"] == 1  # S3
    assert shown["No phone number"] == 2  # S2 and S3 (S4 is removed)
    assert shown["Places changed in the last 7 days"] == 6
    for url, n, words in numbers(page):
        assert list_count(client, url) == n, words
    # The latest changes, newest first, each linking to the place's history.
    assert re.search(r'href="/staff/places/S3/history">Alfreton Library</a>: changed by test', page)


def test_a_viewer_sees_the_dashboard_too(client: TestClient) -> None:
    login(client)
    page = client.get("/staff", headers=HTML)
    assert page.status_code == 200 and "Logged in as Ann (viewer)." in page.text


def test_the_dashboard_needs_a_login(client: TestClient) -> None:
    r = client.get("/staff", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login?next=%2Fstaff"


def test_an_editor_sees_their_own_areas_checks(editor: TestClient) -> None:
    page = editor.get("/staff", headers=HTML).text  # Ed, for Derbyshire Dales
    assert "Yearly checks in Derbyshire Dales" in page
    assert "Yearly checks in every area" in page
    ours = page.split("Yearly checks in Derbyshire Dales")[1].split("</section>")[0]
    [(url, n, words), *_] = numbers(ours)
    assert "area=E07000035" in url and words == "Overdue (or never checked)"
    assert n == 3 == list_count(editor, url)  # S1, S2 and S4
