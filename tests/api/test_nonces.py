"""A page's CSP nonce: new for every page, unguessable, and of the characters CSP allows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from pages_app import HTML, pages_client

from api.nonces import Nonces
from api.settings import Settings

# CSP's base64-value (nonce-source), 144 bits of it.
NONCE = re.compile(r"[A-Za-z0-9_-]{24}")


def test_every_nonce_is_new_and_a_csp_nonce_across_many_draws() -> None:
    nonces = Nonces(batch=8)
    given = [nonces() for _ in range(1_000)]
    assert len(set(given)) == len(given)
    assert all(NONCE.fullmatch(n) for n in given)


def test_threads_taking_nonces_at_once_never_share_one() -> None:
    nonces = Nonces(batch=4)
    with ThreadPoolExecutor(8) as pool:
        given = list(pool.map(lambda _: nonces(), range(4_000)))
    assert len(set(given)) == len(given) == 4_000


def test_two_apps_draw_their_own() -> None:
    a, b = Nonces(), Nonces()
    assert {a() for _ in range(300)}.isdisjoint({b() for _ in range(300)})


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    yield from pages_client(synthetic_settings, tmp_path_factory)


def test_each_page_has_its_own_nonce_on_its_scripts_and_in_its_policy(client: TestClient) -> None:
    seen = set()
    for path in ["/", "/find?postcode=DE4+3AG", "/find?postcode=DE4+3AG", "/hate-crime"] * 3:
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        policy = re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"])
        assert policy is not None and NONCE.fullmatch(policy.group(1))
        used = set(re.findall(r'<script[^>]* nonce="([^"]+)"', r.text))
        assert used == {policy.group(1)} if path.startswith("/find") else used <= {policy.group(1)}
        seen.add(policy.group(1))
    assert len(seen) == 12
