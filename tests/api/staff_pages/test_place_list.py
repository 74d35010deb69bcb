"""The staff place list page: "Any" in every filter, the one search box, counts that link to
their lists, and a long list in pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from staff_forms import HTML, OWN_ORIGIN, PASSWORD, login

from locator.accounts import Role
from locator.venues import Status

ALL = sorted(["Alfreton Library", "Chesterfield Police Station", "Corner Café", "Matlock Library",
              "Pear Tree Police Station", "<script>alert(1)</script> Shop"])  # fmt: skip
ANY = {"q": "", "status": "", "area": "", "kind": "", "check": "", "missing": "", "changed": ""}


def listed(client: TestClient, **params: str) -> list[str]:
    page = client.get("/staff/places", params=params, headers=HTML)
    assert page.status_code == 200, page.text
    return sorted(
        unescape(n) for n in re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page.text)
    )


def count(client: TestClient, **params: str) -> int:
    page = client.get("/staff/places", params=params, headers=HTML).text
    found = re.search(r'<h2 class="sp-count" id="count">(\d+) places? match', page)
    assert found is not None
    return int(found.group(1))


@pytest.fixture
def viewer(client: TestClient) -> TestClient:
    login(client)
    return client


def test_any_in_every_filter_is_every_place(viewer: TestClient) -> None:
    """The form as the browser sends it with nothing chosen: every box empty."""
    assert listed(viewer, **ANY) == ALL == listed(viewer)
    assert count(viewer, **ANY) == len(ALL)


@pytest.mark.parametrize(
    ("chosen", "found"),
    [
        ({"q": "Matlock"}, ["Corner Café", "Matlock Library", "<script>alert(1)</script> Shop"]),
        ({"status": "active"}, ALL),
        ({"status": "current"}, ALL),
        ({"status": "suspended"}, []),
        ({"area": "E07000032"}, ["Alfreton Library"]),
        ({"area": "Derbyshire Dales"}, ["Corner Café", "Matlock Library",
                                        "<script>alert(1)</script> Shop"]),
        ({"kind": "police_enquiry_office"}, ["Chesterfield Police Station",
                                              "Pear Tree Police Station"]),
        ({"check": "overdue"}, ALL),
        ({"overdue": "true"}, ALL),
        ({"check": "due"}, []),
        ({"missing": "phone"}, ["Alfreton Library", "Corner Café",
                                "<script>alert(1)</script> Shop"]),
        ({"changed": "7"}, ALL),
        ({"q": "Matlock", "check": "overdue", "kind": "safe_place"},
         ["Corner Café", "Matlock Library", "<script>alert(1)</script> Shop"]),
    ],
)  # fmt: skip
def test_each_filter_with_any_in_the_others(
    viewer: TestClient, chosen: dict[str, str], found: list[str]
) -> None:
    assert listed(viewer, **(ANY | chosen)) == sorted(found) == listed(viewer, **chosen)


@pytest.mark.parametrize("q", ["de4 3ah", "DE43AH", "01629 000 000", "01629000000", "s1"])
def test_one_search_box_finds_postcodes_phones_and_references(viewer: TestClient, q: str) -> None:
    assert listed(viewer, **(ANY | {"q": q})) == ["Matlock Library"]


def test_counts_by_status_link_to_their_lists(viewer: TestClient) -> None:
    store = viewer.app.state.datasets.store  # type: ignore[attr-defined]
    store.set_status("S2", Status.SUSPENDED, "test")
    page = viewer.get("/staff/places", params=ANY | {"q": "matlock"}, headers=HTML).text
    assert "3 places match" in page
    links = dict(re.findall(r'<a href="([^"]+)">(\d+ (?:active|suspended))</a>', page))
    assert set(links.values()) == {"2 active", "1 suspended"}
    for url, words in links.items():
        number = int(words.split()[0])
        assert len(listed(viewer, **_params(unescape(url)))) == number


def test_a_filter_we_dont_know_is_said_and_the_search_kept(viewer: TestClient) -> None:
    page = viewer.get("/staff/places", params={"q": "Matlock", "kind": "zoo"}, headers=HTML)
    assert page.status_code == 422
    assert "We don&#39;t know the kind of place chosen" in page.text
    assert 'name="q" type="search" value="Matlock"' in page.text
    assert "3 places match" in page.text  # the search still applies


def test_a_long_list_in_pages(paged_app: Callable[[int], FastAPI]) -> None:
    app = paged_app(5)
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as client:
        app.state.users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
        login(client)
        _two_pages(client)


def _two_pages(client: TestClient) -> None:
    first = client.get("/staff/places", headers=HTML).text
    assert "Showing 1 to 5 of 6. Page 1 of 2." in first and "Previous page" not in first
    later = re.search(r'<a class="sp-action" href="([^"]+)">Next page</a>', first)
    assert later is not None
    second = client.get(unescape(later.group(1)), headers=HTML).text
    assert "Showing 6 to 6 of 6. Page 2 of 2." in second and "Next page" not in second


def _params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def in_order(client: TestClient, **params: str) -> list[str]:
    page = client.get("/staff/places", params=params, headers=HTML).text
    return [unescape(n) for n in re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)]


@pytest.mark.parametrize(
    "filters", [ANY, ANY | {"q": "Matlock"}, {"kind": "police_enquiry_office"}]
)
def test_the_export_has_the_places_of_the_list(viewer: TestClient, filters: dict[str, str]) -> None:
    shown = in_order(viewer, **filters)
    xlsx = viewer.get("/staff/places/export.xlsx", params=filters, headers=HTML)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"].startswith('attachment; filename="safe-places-')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == shown
    assert rows[0][7] == "Area"
    assert {"Contact name", "Contact email", "Contact phone"} <= set(rows[0])
    areas = {r[1]: r[7] for r in rows[1:]}
    assert areas.get("Matlock Library", "Derbyshire Dales") == "Derbyshire Dales"  # by name
    assert areas.get("Chesterfield Police Station") is None  # no area known: left empty
    csv_file = viewer.get("/staff/places/export.csv", params=filters, headers=HTML)
    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
    names = [r["Name"] for r in csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig")))]
    assert names == shown


def test_the_list_links_to_its_export_and_print_view_with_its_filters(viewer: TestClient) -> None:
    page = viewer.get("/staff/places", params=ANY | {"q": "de4"}, headers=HTML).text
    assert 'href="/staff/places/export.xlsx?q=de4"' in page
    assert 'href="/staff/places/export.csv?q=de4"' in page
    assert 'href="/staff/places/print?q=de4"' in page


def test_the_print_view_has_every_place_and_no_navigation(viewer: TestClient) -> None:
    page = viewer.get("/staff/places/print", params=ANY | {"q": "Matlock"}, headers=HTML)
    assert page.status_code == 200
    assert "Safe Places: 3 places" in page.text and "Search: Matlock." in page.text
    assert "sp-staff-bar" not in page.text and "Exit this page" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in page.text  # escaped
    assert "Derbyshire Dales" in page.text and "E07000035" not in page.text


def test_an_export_with_a_filter_we_dont_know_says_so(viewer: TestClient) -> None:
    r = viewer.get("/staff/places/export.xlsx", params={"status": "closed"}, headers=HTML)
    assert r.status_code == 422 and "We don&#39;t know the status chosen" in r.text
