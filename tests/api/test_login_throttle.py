"""The login page's throttle over HTTP: a stranger's wrong tries get 429 and Retry-After at
their own address without stopping the officer, and a flood of logins leaves public searches
fast (a real uvicorn server)."""

from __future__ import annotations

import asyncio
import csv
import gzip
import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from live import serve_in_process
from staff_forms import HTML, OWN_ORIGIN, PASSWORD, csrf

import api.routes
from api.app import create_app
from api.settings import Settings
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role
from locator.settings import LoginSettings

ANN = "ann@council.gov.uk"
STRANGER = ("203.0.113.9", 40000)
OFFICE = ("198.51.100.20", 40000)
LIMITS = LoginSettings(per_source=4, per_source_account=2, per_account=3)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app(synthetic_settings: Settings, tmp_path: Path) -> Iterator[FastAPI]:
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'staff.db'}", "login": LIMITS}
    )
    application = create_app(settings)
    with TestClient(application):
        users: UserStore = application.state.users
        users.clock = Clock()
        users.create_user(ANN, "Ann", Role.VIEWER, PASSWORD)
        yield application


def _browser(app: FastAPI, client: tuple[str, int], device: str = "") -> TestClient:
    """A browser at the address `client`, with a device cookie if it has one."""
    cookies = {"sp_device": device} if device else None
    return TestClient(
        app, client=client, cookies=cookies, headers=OWN_ORIGIN, follow_redirects=False
    )


def _login(browser: TestClient, email: str = ANN, password: str = PASSWORD) -> httpx.Response:
    form = browser.get("/staff/login", headers=HTML)
    data = {"email": email, "password": password, "csrf_token": csrf(form.text)}
    return browser.post("/staff/login", data=data, headers=HTML)


def test_a_strangers_tries_hold_their_address_not_the_officer(app: FastAPI) -> None:
    stranger = _browser(app, STRANGER)
    for n in range(LIMITS.per_source):
        assert _login(stranger, f"guess{n}@council.gov.uk", "not the password").status_code == 401
    held = _login(stranger)  # Ann's own password, but from the stranger's address
    assert held.status_code == 429 and held.headers["content-type"].startswith("text/html")
    assert held.headers["retry-after"] == str(15 * 60)
    assert "Too many tries from here. Please wait 15 minutes and try again." in held.text
    assert 'name="csrf_token"' in held.text  # the form is there to try again later
    office = _login(_browser(app, OFFICE))
    assert office.status_code == 303 and office.headers["location"] == "/staff"


def test_the_right_password_from_a_held_address_waits_until_the_time_is_up(app: FastAPI) -> None:
    clock: Clock = app.state.users.clock
    browser = _browser(app, STRANGER)
    for _ in range(LIMITS.per_source_account):
        assert _login(browser, password="not the password").status_code == 401
    clock.now += timedelta(minutes=14)
    held = _login(browser)
    assert held.status_code == 429 and held.headers["retry-after"] == "60"
    assert "Please wait 1 minute and try again." in held.text
    clock.now += timedelta(minutes=1)
    assert _login(browser).status_code == 303


def test_a_browser_that_has_logged_in_before_is_not_held_by_strangers(app: FastAPI) -> None:
    ok = _login(_browser(app, OFFICE))
    device_cookie = next(
        c for c in ok.headers.get_list("set-cookie") if c.startswith("sp_device=")
    ).lower()
    assert "httponly" in device_cookie and "samesite=strict" in device_cookie
    assert "path=/staff" in device_cookie
    device = ok.cookies["sp_device"]
    # Strangers from many addresses try Ann's account until it is held for new browsers.
    for n in range(LIMITS.per_account):
        stranger = _browser(app, (f"203.0.113.{n}", 40000))
        assert _login(stranger, password="not the password").status_code == 401
    new_browser = _login(_browser(app, ("192.0.2.50", 40000)))
    assert new_browser.status_code == 429 and "Too many tries for this account" in new_browser.text
    # Ann's own browser gets in, even from a new address (she is working from home).
    assert _login(_browser(app, ("192.0.2.51", 40000), device)).status_code == 303
    # A cookie that was never ours is just a new browser: held, not an error.
    forged = _login(_browser(app, ("192.0.2.52", 40000), "x" * 500))
    assert forged.status_code == 429 and "Too many tries for this account" in forged.text


def test_the_staff_api_has_no_way_to_log_in_with_a_password() -> None:
    """Scripts use API tokens made on the command line: no route but the login pages' could
    take a password (or its two-factor code) and hand back a way in, so nothing goes round
    the throttle."""
    routes = [
        route
        for info in pkgutil.iter_modules(api.routes.__path__)
        for route in importlib.import_module(f"api.routes.{info.name}").router.routes
    ]
    ways_in = {
        (route.path, method)
        for route in routes
        if isinstance(route, APIRoute) and re.search(r"log-?in|token|auth|session", route.path)
        for method in route.methods
    }
    # The emailed links' pages log in only with the link's token (256 random bits, single use).
    links = ("/staff/reset/{token}", "/staff/welcome/{token}")
    assert ways_in == {
        (path, method)
        for path in ("/staff/login", "/staff/login/code", *links)
        for method in ("GET", "POST")
    }


# -- a flood of logins against a real server ----------------------------------------------------

LOGINS = 60
# Each searcher's pause between lookups: steady public traffic (some 60 lookups a second from
# the two), not a second flood of its own.
PACE_S = 0.02
QUIET_S = 3.0  # lookups with no logins at all first


def _postcodes(settings: Settings) -> list[str]:
    path = settings.data.path(settings.data.postcodes_file)
    with gzip.open(path, "rt", newline="") as f:
        return [row["postcode"] for row in csv.DictReader(f) if row["is_live"] == "True"]


class _Flood:
    """60 wrong logins at once while two clients look up postcodes, each a new one."""

    def __init__(self, base: str, postcodes: list[str]) -> None:
        self.base, self.postcodes = base, iter(postcodes)
        self.timings: list[tuple[float, float]] = []  # (when sent, how long it took)
        self.statuses: list[int] = []
        self.begun = self.ended = 0.0

    async def _search(self, public: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            start = time.perf_counter()
            r = await public.get(f"/api/v1/postcodes/{next(self.postcodes)}")
            self.timings.append((start, time.perf_counter() - start))
            assert r.status_code == 200
            await asyncio.sleep(PACE_S)

    async def _logins(self, staff: httpx.AsyncClient) -> None:
        form = await staff.get("/staff/login", headers=HTML)
        token = csrf(form.text)  # the form's token is also its cookie's value
        data = {"email": ANN, "password": "not the password", "csrf_token": token}
        # As a browser sends them: the login cookie, and this site as the form's origin.
        headers = {**HTML, "cookie": f"sp_login={token}", "origin": self.base}
        self.begun = time.perf_counter()
        answers = await asyncio.gather(
            *(staff.post("/staff/login", data=data, headers=headers) for _ in range(LOGINS))
        )
        self.ended = time.perf_counter()
        self.statuses = [a.status_code for a in answers]

    async def run(self) -> None:
        timeout = httpx.Timeout(300)
        async with (
            httpx.AsyncClient(base_url=self.base, timeout=timeout) as staff,
            httpx.AsyncClient(base_url=self.base, timeout=timeout) as public,
        ):
            for _ in range(20):  # warm up: the first answers build caches
                (await public.get(f"/api/v1/postcodes/{next(self.postcodes)}")).raise_for_status()
            stop = asyncio.Event()
            searchers = [asyncio.create_task(self._search(public, stop)) for _ in range(2)]
            await asyncio.sleep(QUIET_S)
            await self._logins(staff)
            stop.set()
            await asyncio.gather(*searchers)

    def answered(self, since: float, until: float) -> list[float]:
        """The lookups both asked and answered between `since` and `until`."""
        return [took for sent, took in self.timings if since <= sent and sent + took <= until]


def test_a_flood_of_logins_leaves_public_searches_answered(
    real_settings: Settings, tmp_path: Path
) -> None:
    """The audit's attack: 60 wrong logins at once. Before, each slept in the shared thread
    pool and public lookups stalled until the logins were done. Here the limits are set high
    so that every one of the 60 is really checked with argon2 (the worst case: as from 60
    addresses), in the two login threads, while public postcode lookups (a different postcode
    each, so no cache helps) go on for as long as the logins last.

    What is checked is the order of events, not milliseconds: hundreds of lookups were asked
    and answered while the logins were still being checked (queued behind them, they would
    all be answered after the last login). How long the lookups take meanwhile is measured
    by `python -m bench --only stall` (docs/benchmarks.md).
    """
    db = tmp_path / "flood.db"
    high = LoginSettings(per_source=1000, per_source_account=1000, per_account=1000)
    settings = real_settings.model_copy(update={"database_url": f"sqlite:///{db}", "login": high})
    store = PlaceStore.open(settings.database)
    UserStore(store.engine, store.writer).create_user(ANN, "Ann", Role.VIEWER, PASSWORD)
    store.engine.dispose()
    with serve_in_process(settings) as base:
        flood = _Flood(base, _postcodes(settings))
        aio.run(flood.run())
    assert flood.statuses == [401] * LOGINS  # every try was checked, none refused unread
    answered = flood.answered(flood.begun, flood.ended)
    assert len(answered) >= 200, (len(answered), flood.ended - flood.begun)
