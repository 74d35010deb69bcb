"""Served under a path prefix behind a proxy (SAFEPLACES_SERVER__ROOT_PATH=/safeplaces; the
proxy strips it): every link a page writes, its styles, scripts and pictures, the map's
popups, the installable app (manifest, service worker and its scope), redirects and the staff
cookies all carry the prefix, and each link leads somewhere that answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.settings import ServerSettings, Settings

ROOT = "/safeplaces"
HTML = {"accept": "text/html"}
PAGES = [
    "/",
    "/find?postcode=DE4%203AG",
    "/places/S1",
    "/hate-crime",
    "/card",
    "/offline",
    "/about",
    "/privacy",
    "/partners/embed",
    "/embed?postcode=DE4%203AG",
    "/staff/login",
    "/no/such/page",
    "/ogc?f=html",
]
_LINK = re.compile(r'(href|src|action)="([^"]*)"')


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings) -> Iterator[TestClient]:
    server = synthetic_settings.server.model_copy(update={"root_path": ROOT})
    settings = synthetic_settings.model_copy(update={"server": server})
    # As nginx passes a request on: the prefix already taken off the path.
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def _own_links(html: str) -> list[tuple[str, str]]:
    """(attribute, link) for each link of this site a page writes (a path, or a full URL on
    the test host)."""
    found = [
        (a, v.replace("&amp;", "&").removeprefix("http://testserver"))
        for a, v in _LINK.findall(html)
    ]
    return [(a, v) for a, v in found if v.startswith("/") and not v.startswith("//")]


def test_every_link_on_every_page_has_the_prefix_and_answers(client: TestClient) -> None:
    followed: set[str] = set()
    for page in PAGES:
        r = client.get(page, headers=HTML)
        assert r.status_code in (200, 404), page
        assert f'data-root="{ROOT}"' in r.text or page.startswith("/ogc"), page
        links = _own_links(r.text)
        assert links, page
        for attribute, link in links:
            assert link == f"{ROOT}/" or link.startswith(f"{ROOT}/"), (page, link)
            if attribute != "action":  # a form's address needs its fields
                followed.add(link.removeprefix(ROOT) or "/")
    for link in sorted(followed):
        # Through the proxy: the prefix off again. Staff pages send a visitor to log in.
        assert client.get(link, headers=HTML).status_code in (200, 303), link


def test_the_map_popups_link_under_the_prefix(client: TestClient) -> None:
    text = client.get("/find?postcode=DE4%203AG", headers=HTML).text
    assert f'href=\\"{ROOT}/places/' in text
    assert 'href=\\"/places/' not in text


def test_the_installable_app_lives_under_the_prefix(client: TestClient) -> None:
    app = client.get("/manifest.webmanifest").json()
    assert app["start_url"] == app["scope"] == f"{ROOT}/"
    assert all(icon["src"].startswith(f"{ROOT}/icons/") for icon in app["icons"])
    worker = client.get("/sw.js")
    assert worker.headers["service-worker-allowed"] == f"{ROOT}/"
    values = dict(re.findall(r"^var (\w+) = (.+);$", worker.text, re.MULTILINE))
    assert json.loads(values["ROOT"]) == ROOT
    assert json.loads(values["OFFLINE"]) == f"{ROOT}/offline"
    assert f"{ROOT}/" in json.loads(values["PAGES"])
    kept = json.loads(values["KEPT"])
    assert kept and all(path.startswith(f"{ROOT}/") for path in kept)
    for path in kept:  # the worker can fetch every file it keeps
        assert client.get(path.removeprefix(ROOT) or "/").status_code == 200, path
    script = client.get("/static/js/site.js").text
    assert 'register(root + "/sw.js", { scope: root + "/" })' in script


def test_redirects_and_staff_cookies_carry_the_prefix(client: TestClient) -> None:
    r = client.get("/staff/places", headers=HTML)
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"{ROOT}/staff/login?next=")
    # The page to come back to is the app's own path: the prefix goes on when it redirects.
    assert "next=%2Fstaff%2Fplaces" in r.headers["location"]
    cookies = client.get("/staff/login", headers=HTML).headers.get_list("set-cookie")
    assert cookies and all(f"Path={ROOT}/staff" in c for c in cookies), cookies


def test_api_links_and_the_documentation_use_the_prefix(client: TestClient) -> None:
    landing = client.get("/ogc", params={"f": "json"}).json()
    own = [link["href"] for link in landing["links"] if "//testserver" in link["href"]]
    assert own and all(href.startswith(f"http://testserver{ROOT}/ogc") for href in own)
    docs = client.get("/docs", headers=HTML).text
    assert f"{ROOT}/openapi.json" in docs and f"{ROOT}/static/docs/" in docs
    # "Try it out" sends each request through the proxy, under the prefix.
    servers = client.get("/openapi.json").json()["servers"]
    assert [s["url"] for s in servers] == [ROOT]


def test_a_root_path_is_a_plain_path() -> None:
    assert ServerSettings(root_path="/safeplaces/").root_path == "/safeplaces"
    assert ServerSettings(root_path="/council/safe-places").root_path == "/council/safe-places"
    assert ServerSettings().root_path == ""
    for bad in ("safeplaces", "/safe places", "/a?b", "https://x.org/a"):
        with pytest.raises(ValidationError):
            ServerSettings(root_path=bad)
