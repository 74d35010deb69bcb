"""Under a path prefix, in Chromium, through a real nginx that strips it (as council IT would
serve the site at https://www.example.gov.uk/safeplaces/): the pages load their styles,
scripts, pictures and map from under the prefix, a search and a place open, the service worker
takes the prefix as its scope, and with no signal the help still opens."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser.helpers import PHONE, BrowsingFactory, LiveServer, TileStub
from live import serve
from synthetic import write_synthetic_data

from api.app import create_app
from api.settings import PagesSettings, ServerSettings, Settings
from locator.settings import DataSettings

pytestmark = pytest.mark.browser

PREFIX = "/safeplaces"
NGINX_CONF = """
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        location {prefix}/ {{
            proxy_pass {app}/;
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prefixed_server(
    tmp_path_factory: pytest.TempPathFactory, tile_stub: TileStub
) -> Iterator[LiveServer]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is needed for this test: apt-get install -y nginx-light")
    root = tmp_path_factory.mktemp("prefixed")
    settings = Settings(
        data=DataSettings(dir=write_synthetic_data(root / "data"), cache_dir=root / "cache"),
        pages=PagesSettings(tile_url=tile_stub.tile_url, exit_url=tile_stub.neutral_url),
        server=ServerSettings(root_path=PREFIX),
    )
    app = create_app(settings)
    port = _free_port()
    with serve(app) as app_url:
        (root / "nginx.conf").write_text(NGINX_CONF.format(port=port, prefix=PREFIX, app=app_url))
        proc = subprocess.Popen([nginx, "-p", str(root), "-c", "nginx.conf", "-g", "daemon off;"])
        try:
            base = f"http://127.0.0.1:{port}{PREFIX}"
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, (root / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
            yield LiveServer(base_url=base, app=app)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_the_site_works_under_a_prefix(
    open_browsing: BrowsingFactory, prefixed_server: LiveServer
) -> None:
    web = open_browsing(PHONE, workers=True)
    web.goto(prefixed_server, "/")
    web.page.locator("#q").fill("DE4 3AG")
    web.page.get_by_role("button", name="Find a Safe Place").click()
    web.page.wait_for_load_state("load")
    assert web.page.url.startswith(prefixed_server.url("/find?"))
    assert web.page.locator(".leaflet-marker-icon").count() >= 2  # the map drew
    # A map popup's link and the list's both open the place, under the prefix.
    web.page.locator(".leaflet-marker-icon").nth(1).click()
    link = web.page.locator(".sp-popup-link").first
    assert link.get_attribute("href", timeout=5000).startswith(f"{PREFIX}/places/")
    link.click()
    web.page.wait_for_load_state("load")
    assert web.page.url.startswith(prefixed_server.url("/places/"))
    # The installable app's worker: its scope is the prefix, and it keeps the help.
    web.goto(prefixed_server, "/")
    scope = web.page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == prefixed_server.url("/")
    web.page.wait_for_function("navigator.serviceWorker.controller !== null")
    web.context.set_offline(True)
    for path, heading in (("/", "I need help now"), ("/hate-crime", "Report a hate crime")):
        web.goto(prefixed_server, path)
        assert web.page.get_by_role("heading", name=heading).first.is_visible()
    # Every request to the site went under the prefix (Chromium's own /favicon.ico aside).
    origin = prefixed_server.base_url.removesuffix(PREFIX)
    outside = [
        r.url
        for r in web.requests
        if r.url.startswith(origin + "/")
        and not r.url.startswith(prefixed_server.url("/"))
        and not r.url.endswith("/favicon.ico")
    ]
    assert not outside, outside
    assert not web.errors, "\n".join(web.errors)
