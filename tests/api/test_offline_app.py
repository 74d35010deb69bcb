"""The installable app over HTTP: the manifest, its icons, the service worker (its headers,
what it keeps and what it never keeps, its cache named for the deployment) and the pages it
keeps for when there is no signal."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_app import HTML, pages_client

from api.offline import app_version, served_files, service_worker
from api.pictures import PICTURES, PICTURES_PATH
from api.settings import Settings


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    yield from pages_client(synthetic_settings, tmp_path_factory)


def test_manifest_makes_the_site_an_app(client: TestClient) -> None:
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    m = r.json()
    assert m["name"] == "Safe Places Locator" and m["short_name"] == "Safe Places"
    assert m["start_url"] == "/" and m["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", m["theme_color"])
    assert {i["sizes"] for i in m["icons"]} == {"192x192", "512x512"}
    for icon in m["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png.content[16:24])
        assert f"{width}x{height}" == icon["sizes"] == icon["sizes"]
    assert client.get("/icons/app-64.png").status_code in (404, 422)


def test_public_pages_link_the_manifest_and_allow_it(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in r.text
    policy = r.headers["content-security-policy"]
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy
    staff = client.get("/staff/login", headers=HTML)
    assert "manifest" not in staff.text


def _worker(client: TestClient) -> tuple[str, dict[str, object]]:
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["service-worker-allowed"] == "/"
    found = dict(re.findall(r"^var (\w+) = (.+);$", r.text, re.MULTILINE))
    return r.text, {name: json.loads(value) for name, value in found.items()}


def test_worker_keeps_the_help_and_nothing_personal(client: TestClient) -> None:
    script, names = _worker(client)
    assert "__" not in script  # every part filled in
    kept = names["KEPT"]
    assert isinstance(kept, list)
    for path in ("/", "/hate-crime", "/card", "/offline", "/static/css/site.css"):
        assert path in kept
    for path in kept:
        assert "?" not in path and not path.startswith(("/find", "/places", "/api", "/staff"))
        assert client.get(path).status_code == 200, path
    assert names["PAGES"] == ["/", "/hate-crime", "/card", "/offline"]


def test_no_signal_page_has_the_help_numbers(client: TestClient) -> None:
    r = client.get("/offline", headers=HTML)
    assert r.status_code == 200
    assert "There is no signal. Here is how to get help." in r.text
    assert 'href="tel:999"' in r.text and 'href="tel:08000001234"' in r.text
    assert 'href="/card"' in r.text


def test_card_page_holds_the_card_with_no_place(client: TestClient) -> None:
    r = client.get("/card", headers=HTML)
    assert r.status_code == 200
    assert 'id="keep-safe-card"' in r.text and "data-place-name" not in r.text
    assert '<script src="/static/js/card.js"' in r.text
    # Every public page leads to it, so with no signal it can be found from the home page.
    footer = client.get("/", headers=HTML).text.split('class="sp-footer"')[1]
    assert '<a href="/card">My Keep Safe Card</a>' in footer


def test_a_new_deployment_gets_a_new_cache(tmp_path: Path) -> None:
    """New help numbers, a new page or a new release: a new cache name, so the old one is
    deleted when the new worker takes over."""
    pages = tmp_path / "templates"
    pages.mkdir()
    (pages / "home.html").write_text("Call 101")
    files = served_files([pages], tmp_path / "no-pictures")
    first = app_version("0.1.0", "101", files)
    assert app_version("0.1.0", "101", files) == first
    assert app_version("0.1.0", "102", files) != first
    assert app_version("0.2.0", "101", files) != first
    (pages / "home.html").write_text("Call 102")
    assert app_version("0.1.0", "101", files) != first
    old, new = service_worker(first, None), service_worker("another", None)
    assert '"safeplaces-help-' + first + '"' in old and '"safeplaces-help-another"' in new


def test_the_worker_keeps_only_the_pictures_the_pages_use(client: TestClient) -> None:
    """Browsers ask for it at every visit: it covers the pictures the pages use, not the
    whole picture library (thousands of files). How quickly it is served is for `make bench`
    to measure, not a test."""
    _, names = _worker(client)
    kept = names["KEPT"]
    assert isinstance(kept, list)
    pictures = {p.rsplit("/", 1)[1] for p in kept if p.startswith(PICTURES_PATH + "/")}
    assert pictures and pictures <= {f"{code}.svg" for code in PICTURES.values()}
