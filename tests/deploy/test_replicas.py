"""The service as council IT runs it, on loopback: a real PostgreSQL (with PostGIS), three
replicas (`safeplaces serve`, each its own process) and a real nginx in front.

An edit through one replica shows on every replica and through the proxy within a second; a
replica killed outright is skipped by the proxy; with PostgreSQL stopped, searches go on
answering from memory, `/readyz` says 503 "Database unreachable", staff changes get a plain 503
and nothing answers 500; with PostgreSQL back, every replica catches up without a restart.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from postgres import PostgresServer, PostgresUnavailable
from staff_forms import csrf
from topology import Nginx, Replica, answers, wait_for

from api.settings import Settings
from geodata.datasets import load_datasets, open_users
from locator.accounts import Role

pytestmark = [pytest.mark.postgres, pytest.mark.replicas]

PASSWORD = "correct horse battery"
HTML = {"accept": "text/html"}
NEAR_S1 = {"postcode": "DE4 3AG", "k": 10}  # Matlock: S1, Matlock Library, is nearest
RENAMED = "Matlock Library (first floor)"
UNREACHABLE = (
    "The database can't be reached right now. Nothing was changed. Try again in a few minutes."
)


@dataclass
class Topology:
    postgres: PostgresServer
    replicas: list[Replica]
    nginx: Nginx
    staff: dict[str, str]  # an admin's Authorization header for the staff API
    # One client for the lot (a new one per request costs more than the answers).
    http: httpx.Client
    session: httpx.Cookies  # a staff page session's cookies (any replica)


@pytest.fixture(scope="module")
def topology(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Topology]:
    """Its own PostgreSQL server (the test stops and starts it), seeded, with an admin."""
    folder = tmp_path_factory.mktemp("replicas")
    try:
        postgres = PostgresServer.start()
    except PostgresUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    replicas: list[Replica] = []
    nginx = None
    try:
        _, url = postgres.create_database()
        settings = synthetic_settings.model_copy(update={"database_url": url})
        load_datasets(settings).store.engine.dispose()  # migrated and seeded, as a first start
        users = open_users(settings)
        admin = users.create_user("ann@council.gov.uk", "Ann", Role.ADMIN, PASSWORD, set())
        token = users.create_token(admin.id, "replica test")
        env = {"SAFEPLACES_DATA_DIR": str(settings.data.dir), "SAFEPLACES_DATABASE_URL": url}
        replicas = [Replica.start(f"replica{i}", folder, env) for i in (1, 2, 3)]
        for replica in replicas:
            replica.wait_ready()
        nginx = Nginx.start(folder / "nginx", replicas)
        staff = {"Authorization": f"Bearer {token}"}
        session = _logged_in(replicas[0])
        with httpx.Client(timeout=10) as http:
            yield Topology(postgres, replicas, nginx, staff, http, session)
    finally:
        if nginx is not None:
            nginx.stop()
        for replica in replicas:
            replica.kill()
        postgres.stop()


def _names_near_s1(http: httpx.Client, base: str) -> list[str]:
    found = http.get(f"{base}/api/v1/places/nearest", params=NEAR_S1)
    assert found.status_code == 200, found.text
    return [p["name"] for p in found.json()["places"]]


def _rename_s1(topology: Topology, via: Replica, name: str) -> float:
    """Rename S1 through `via`'s staff API; returns when the change was saved."""
    http, address = topology.http, f"{via.url}/api/v1/admin/places/S1"
    place = http.get(address, headers=topology.staff)
    assert place.status_code == 200, place.text
    headers = {**topology.staff, "If-Match": place.headers["etag"]}
    saved = http.patch(address, json={"name": name}, headers=headers)
    assert saved.status_code == 200, saved.text
    return time.monotonic()


def _seen_everywhere(topology: Topology, live: list[Replica], name: str, saved: float) -> float:
    """Seconds from the save until every live replica, and the proxy three times running (so
    each replica behind it), answers with the new name; fails past a second."""
    proxy, http = topology.nginx.url, topology.http
    for replica in live:
        base = replica.url
        wait_for(lambda b=base: name in _names_near_s1(http, b), 1.0, f"{replica.name} seeing it")
    wait_for(
        lambda: all(name in _names_near_s1(http, proxy) for _ in range(3)),
        1.0,
        "the proxy seeing it",
    )
    took = time.monotonic() - saved
    assert took < 1.0, took
    return took


def _through_the_proxy(topology: Topology, requests: int = 30) -> list[int]:
    url = f"{topology.nginx.url}/api/v1/places/nearest"
    return [topology.http.get(url, params=NEAR_S1).status_code for _ in range(requests)]


PUBLIC = (
    ("/api/v1/places/nearest", NEAR_S1),
    ("/find", {"q": "DE4 3AG"}),
    ("/ogc/collections/safe-places/items", {}),
    ("/api/v1/places/S1", {}),
    ("/api/v1/downloads/places.geojson", {}),
)


def _logged_in(replica: Replica) -> httpx.Cookies:
    """A browser's session on `replica`'s staff pages (the session is kept in the database,
    so it holds on every replica)."""
    headers = {"origin": replica.url, **HTML}
    with httpx.Client(base_url=replica.url, headers=headers, timeout=10) as browser:
        form = browser.get("/staff/login")
        fields = {"email": "ann@council.gov.uk", "password": PASSWORD}
        done = browser.post("/staff/login", data={**fields, "csrf_token": csrf(form.text)})
        assert done.status_code == 303 and browser.get("/staff").status_code == 200, done.text
        return browser.cookies


def _during_the_outage(topology: Topology, live: list[Replica]) -> list[int]:
    """Every public answer still 200 from memory; readiness and staff changes a plain 503.
    Returns every status seen."""
    seen, http = [], topology.http
    for replica in live:
        url = f"{replica.url}/readyz"
        wait_for(lambda u=url: answers(u, 503), 5.0, f"{replica.name}'s /readyz saying 503")
        ready = http.get(url)
        assert ready.headers["content-type"].startswith("application/problem+json")
        assert ready.json()["title"].lower() == "database unreachable"
        for path, params in PUBLIC:
            answer = http.get(f"{replica.url}{path}", params=params)
            assert answer.status_code == 200, (replica.name, path, answer.text)
            assert RENAMED in answer.text, (replica.name, path)  # as edited, from memory
            seen.append(answer.status_code)
        change = http.patch(
            f"{replica.url}/api/v1/admin/places/S1",
            json={"name": "Lost"},
            headers={**topology.staff, "If-Match": '"1"'},
        )
        assert change.status_code == 503 and change.json()["detail"] == UNREACHABLE, change.text
        listed = http.get(f"{replica.url}/api/v1/admin/places", headers=topology.staff)
        assert listed.status_code == 503 and listed.json()["detail"] == UNREACHABLE
        watched = http.get(f"{replica.url}/metrics").text
        assert "\nsafeplaces_database_reachable 0.0\n" in watched
        page = httpx.get(f"{replica.url}/staff/places", headers=HTML, cookies=topology.session)
        assert page.status_code == 503 and UNREACHABLE.replace("'", "&#39;") in page.text
        seen += [ready.status_code, change.status_code, listed.status_code, page.status_code]
    return seen + _through_the_proxy(topology, 10)


def test_replicas_share_edits_and_ride_out_a_database_outage(topology: Topology) -> None:
    one, two, three = topology.replicas
    saved = _rename_s1(topology, one, RENAMED)
    first = _seen_everywhere(topology, [one, two, three], RENAMED, saved)

    three.kill()
    assert set(_through_the_proxy(topology)) == {200}

    topology.postgres.pause()
    statuses = _during_the_outage(topology, [one, two])
    assert 500 not in statuses and set(statuses) <= {200, 503}, statuses

    topology.postgres.resume()
    back = time.monotonic()
    for replica in (one, two):
        url = f"{replica.url}/readyz"
        wait_for(lambda u=url: answers(u), 15.0, f"{replica.name} ready again")
        watched = topology.http.get(f"{replica.url}/metrics").text
        assert "\nsafeplaces_database_reachable 1.0\n" in watched
    caught_up = time.monotonic() - back
    saved = _rename_s1(topology, two, "Matlock Library")
    again = _seen_everywhere(topology, [one, two], "Matlock Library", saved)
    assert one.process.poll() is None and two.process.poll() is None  # never restarted
    assert [r.answered_500() for r in topology.replicas] == [[], [], []]
    print(  # noqa: T201 (shown with -s)
        f"edit seen everywhere in {first * 1000:.0f} ms; after the outage, ready again in "
        f"{caught_up:.1f} s and the next edit seen in {again * 1000:.0f} ms"
    )
