"""/api/v1/places a page at a time, and parameters the JSON API doesn't take refused."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(synthetic_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(synthetic_settings)) as c:
        yield c


def _rel(body: dict[str, object], rel: str) -> str | None:
    links = body["links"]
    assert isinstance(links, list)
    return next((lk["href"] for lk in links if lk["rel"] == rel), None)


def test_without_limit_every_place_comes_as_before(client: TestClient) -> None:
    body = client.get("/api/v1/places").json()
    ids = [f["id"] for f in body["features"]]
    assert ids == sorted(ids) and len(ids) >= 5
    assert body["numberMatched"] == body["numberReturned"] == len(ids)
    assert _rel(body, "self") == "http://testserver/api/v1/places"
    assert _rel(body, "next") is None and _rel(body, "prev") is None


def test_pages_follow_next_links_to_the_same_places(client: TestClient) -> None:
    everything = [f["id"] for f in client.get("/api/v1/places").json()["features"]]
    seen: list[str] = []
    url: str | None = "/api/v1/places?limit=2"
    pages = 0
    while url is not None:
        body = client.get(url).json()
        assert body["numberMatched"] == len(everything)
        assert body["numberReturned"] == len(body["features"]) <= 2
        seen += [f["id"] for f in body["features"]]
        url, pages = _rel(body, "next"), pages + 1
        if url is not None:
            assert url.startswith("http://testserver/api/v1/places?")
    assert seen == everything and pages == -(-len(everything) // 2)


def test_offset_links_back_and_keeps_the_filters(client: TestClient) -> None:
    body = client.get("/api/v1/places?kind=safe_place&limit=1&offset=2").json()
    assert body["numberReturned"] == 1
    prev = urlsplit(_rel(body, "prev") or "")
    assert parse_qs(prev.query) == {"kind": ["safe_place"], "limit": ["1"], "offset": ["1"]}
    assert parse_qs(urlsplit(_rel(body, "next") or "").query)["offset"] == ["3"]
    beyond = client.get("/api/v1/places?limit=5&offset=1000").json()
    assert beyond["features"] == [] and beyond["numberReturned"] == 0


def test_links_carry_the_path_prefix(synthetic_settings: Settings) -> None:
    settings = synthetic_settings.model_copy(deep=True)
    settings.server.root_path = "/safeplaces"
    with TestClient(create_app(settings)) as c:
        body = c.get("/api/v1/places?limit=1").json()
    assert (_rel(body, "next") or "").startswith("http://testserver/safeplaces/api/v1/places?")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("limit=0", "at least 1"),
        ("limit=10001", "at most 10000"),
        ("limit=ten", "whole number"),
        ("offset=-1", "at least 0"),
    ],
)
def test_bad_paging_is_a_plain_problem(client: TestClient, query: str, words: str) -> None:
    r = client.get(f"/api/v1/places?{query}")
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert words in r.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/places?limt=5",
        "/api/v1/places/S1?colour=red",
        "/api/v1/places/nearest?postcode=DE4 3AG&limt=5",
        "/api/v1/postcodes/DE4 3AG?limt=5",
        "/api/v1/search?q=Matlock&limt=5",
        "/api/v1/placenames?prefix=Mat&limt=5",
        "/api/v1/downloads?limt=5",
        "/api/v1/downloads/places.csv?limt=5",
        "/api/v1/about?limt=5",
        "/api/v1/ping?limt=5",
    ],
)
def test_unknown_parameters_are_refused_by_name(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["type"] == "/problems/bad-query-parameter"
    assert 'does not take the parameter "limt"' in body["detail"] or '"colour"' in body["detail"]


def test_every_unknown_parameter_is_named(client: TestClient) -> None:
    detail = client.get("/api/v1/places?foo=1&bar=2&kind=safe_place").json()["detail"]
    assert 'parameters "bar", "foo"' in detail
    assert "It takes: bbox, category, kind, limit, offset." in detail


def test_list_parameters_may_repeat_and_others_may_not(client: TestClient) -> None:
    both = client.get("/api/v1/places?kind=safe_place&kind=police_enquiry_office").json()
    assert both["numberMatched"] == client.get("/api/v1/places").json()["numberMatched"]
    twice = client.get("/api/v1/places?limit=1&limit=2")
    assert twice.status_code == 422 and "only once" in twice.json()["detail"]
