"""Real-browser fixtures: the app served by uvicorn, a local tile stub, and Chromium.

Everything runs on 127.0.0.1: the app (on the synthetic data and on the real shared data), a
tiny HTTP server standing in for the map tile server (and for the neutral "exit" site), and
Debian's Chromium driven by Playwright. Playwright can't download its own browsers here, so
Chromium is always launched from its path; a browser that can't be launched fails the tests.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import uvicorn
from browser.helpers import DESKTOP, Browsing, BrowsingFactory, LiveServer, TileStub
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Request,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from smtp import SmtpServer
from synthetic import write_national_postcodes, write_synthetic_data

from api.app import create_app
from api.deps import get_now
from api.settings import PagesSettings, PartnerSettings, Settings
from locator.hours import LONDON
from locator.settings import DataSettings

# A Tuesday morning: Matlock Library (Mon-Fri 09:00-17:00) is open, so pages are stable.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# --- The tile stub -------------------------------------------------------------------------


def tiny_png(size: int = 256, rgb: tuple[int, int, int] = (242, 239, 233)) -> bytes:
    """A valid size x size PNG of one colour, built by hand (no image files in the repo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * size  # filter byte 0, then RGB pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(row * size, 9)),
            chunk(b"IEND", b""),
        ]
    )


TILE_PNG = tiny_png()
TILE_PATH = re.compile(r"^/tiles/\d+/\d+/\d+\.png$")
NEUTRAL_PAGE = (
    b'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    b"<title>Weather</title></head><body><h1>Weather</h1><p>Sunny.</p></body></html>"
)


def _stub_handler(stub: TileStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            path = self.path.split("?", 1)[0]
            stub.paths.append(path)
            if TILE_PATH.match(path):
                self._send(200, "image/png", TILE_PNG)
            elif path == "/neutral":
                self._send(200, "text/html; charset=utf-8", NEUTRAL_PAGE)
            else:
                self._send(404, "text/plain", b"not found")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser moved on (a new page) before the tile arrived

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the tests look at `stub.paths`

    return Handler


@pytest.fixture(scope="session")
def tile_stub() -> Iterator[TileStub]:
    stub = TileStub(port=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _stub_handler(stub))
    server.daemon_threads = True
    stub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="tile-stub", daemon=True)
    thread.start()
    yield stub
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# --- The app, live ---------------------------------------------------------------------------


def _serve(app: FastAPI) -> Iterator[LiveServer]:
    """Serve `app` with uvicorn in a thread on a free 127.0.0.1 port until the generator ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound here, so there is no race for the port
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    # uvicorn only installs signal handlers on the main thread; this one never is.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-app", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start (see the log above)")
        time.sleep(0.02)
    try:
        yield LiveServer(base_url=f"http://127.0.0.1:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _app(settings: Settings, stub: TileStub, contacts: Path | None = None) -> FastAPI:
    pages = PagesSettings(tile_url=stub.tile_url, exit_url=stub.neutral_url, contacts_file=contacts)
    app = create_app(settings.model_copy(update={"pages": pages}))
    app.dependency_overrides[get_now] = lambda: NOW
    return app


@pytest.fixture(scope="session")
def synthetic_server(
    tmp_path_factory: pytest.TempPathFactory, tile_stub: TileStub, smtp_server: SmtpServer
) -> Iterator[LiveServer]:
    """The app on the tiny synthetic data (tests/synthetic.py), its mail going to the test
    SMTP server (read it with the `mailbox` fixture)."""
    root = tmp_path_factory.mktemp("browser-synthetic")
    # With the tiny national table: a postcode beyond the area is known too.
    data = write_national_postcodes(write_synthetic_data(root / "data"))
    settings = Settings(
        data=DataSettings(dir=data, cache_dir=root / "cache"), mail=smtp_server.mailbox.settings
    )
    yield from _serve(_app(settings, tile_stub))


@pytest.fixture
def changing_server(
    tmp_path_factory: pytest.TempPathFactory, tile_stub: TileStub, smtp_server: SmtpServer
) -> Iterator[LiveServer]:
    """The app on its own synthetic data and database, for a test that changes places (the
    shared `synthetic_server` stays as the other tests expect it); mail to the test server."""
    root = tmp_path_factory.mktemp("browser-changing")
    data = write_synthetic_data(root / "data")
    settings = Settings(
        data=DataSettings(dir=data, cache_dir=root / "cache"),
        database_url=f"sqlite:///{root / 'places.db'}",
        mail=smtp_server.mailbox.settings,
    )
    yield from _serve(_app(settings, tile_stub))


@pytest.fixture
def numbers_server(
    tmp_path_factory: pytest.TempPathFactory, tile_stub: TileStub
) -> Iterator[tuple[LiveServer, Path]]:
    """The app with a help numbers file of its own, which a test may change as a new
    deployment would; the file is read at each page, so the change shows at once."""
    root = tmp_path_factory.mktemp("browser-numbers")
    data = write_synthetic_data(root / "data")
    settings = Settings(
        data=DataSettings(dir=data, cache_dir=root / "cache"),
        database_url=f"sqlite:///{root / 'places.db'}",
    )
    contacts = root / "contacts.toml"
    contacts.write_text('[[contacts]]\nname = "Emergency"\nnumber = "999"\n')
    for server in _serve(_app(settings, tile_stub, contacts)):
        yield server, contacts


@dataclass
class PartnerSite:
    """A stand-in partner website on its own origin: `/?src=…&width=…` frames that URL."""

    port: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_url(self, src: str, width: int = 600, height: int = 650) -> str:
        query = urlencode({"src": src, "width": width, "height": height})
        return f"{self.origin}/?{query}"


def _partner_handler() -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            query = parse_qs(urlsplit(self.path).query)
            src = html.escape(query.get("src", [""])[0])
            width = int(query.get("width", ["600"])[0])
            height = int(query.get("height", ["650"])[0])
            body = (
                '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                "<title>A partner's page</title></head><body><main><h1>Our charity</h1>"
                '<p><a href="#before">A link before the map</a></p>'
                f'<iframe src="{src}" title="Map and list of Safe Places" width="{width}" '
                f'height="{height}" style="border:0;max-width:100%"></iframe>'
                "</main></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


@pytest.fixture(scope="session")
def partner_sites() -> Iterator[tuple[PartnerSite, PartnerSite]]:
    """Two partner sites on other local origins: the first allowed to frame the map, the
    second not (see `embed_server`)."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _partner_handler()) for _ in range(2)]
    threads = []
    for server in servers:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="partner", daemon=True)
        thread.start()
        threads.append(thread)
    allowed, refused = (PartnerSite(s.server_address[1]) for s in servers)
    yield allowed, refused
    for server, thread in zip(servers, threads, strict=True):
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def embed_server(
    tmp_path_factory: pytest.TempPathFactory,
    tile_stub: TileStub,
    partner_sites: tuple[PartnerSite, PartnerSite],
) -> Iterator[LiveServer]:
    """The app on the synthetic data, letting only the first partner site frame `/embed`."""
    root = tmp_path_factory.mktemp("browser-embed")
    data = write_synthetic_data(root / "data")
    partners = PartnerSettings(frame_origins=[partner_sites[0].origin], cors_origins=[])
    settings = Settings(data=DataSettings(dir=data, cache_dir=root / "cache"), partners=partners)
    yield from _serve(_app(settings, tile_stub))


@pytest.fixture(scope="session")
def real_server(real_settings: Settings, tile_stub: TileStub) -> Iterator[LiveServer]:
    """The app on the real shared open data (`default_data_dir()`), tiles still local."""
    yield from _serve(_app(real_settings, tile_stub))


# --- Chromium --------------------------------------------------------------------------------


def chromium_executable() -> str:
    """Debian's Chromium, or CHROMIUM_PATH: Playwright can't download a browser here."""
    wanted = os.environ.get("CHROMIUM_PATH")
    candidates = [wanted] if wanted else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    # A failure, never a skip: in CI a missing browser must not pass quietly.
    pytest.fail(
        f"Chromium is needed for the browser tests and was not found ({wanted or 'chromium'}): "
        "run `make browser` (apt-get install -y chromium) or set CHROMIUM_PATH.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000
            )
        except PlaywrightError as exc:
            # In CI a browser that can't start is a failure, never a skip.
            pytest.fail(f"Chromium ({executable}) could not be launched: {exc}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def open_browsing(browser: Browser) -> Iterator[BrowsingFactory]:
    """Make a fresh context and page (any viewport, scripts on or off); all are closed after
    the test."""
    made: list[Browsing] = []

    def make(
        viewport: ViewportSize = DESKTOP, scripts: bool = True, workers: bool = False
    ) -> Browsing:
        context = browser.new_context(
            viewport=viewport,
            locale="en-GB",
            timezone_id="Europe/London",
            # The service worker only where a test is about it (working with no signal).
            service_workers="allow" if workers else "block",
            java_script_enabled=scripts,
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        browsing = Browsing(context=context, page=page)

        # The context sees every request: the page's, its workers' and any pop-up's.
        def record(request: Request) -> None:
            browsing.requests.append(request)

        context.on("request", record)

        def console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            source = message.location.get("url", "")
            # Chromium asks for /favicon.ico by itself; the app has none (a 404, harmless).
            # An error page's own status (404, 422) is logged too: that is the page, not a fault.
            if source.endswith("/favicon.ico") or (
                source == page.url and message.text.startswith("Failed to load resource")
            ):
                return
            browsing.errors.append(f"console: {message.text} ({source})")

        page.on("console", console)
        page.on("pageerror", lambda exc: browsing.errors.append(f"pageerror: {exc}"))
        made.append(browsing)
        return browsing

    yield make
    for browsing in made:
        browsing.context.close()


@pytest.fixture
def web(open_browsing: BrowsingFactory) -> Browsing:
    """A fresh desktop-sized context and page for one test."""
    return open_browsing()
