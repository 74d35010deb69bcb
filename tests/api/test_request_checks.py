"""Changes to the staff side must come from this site's own pages (Origin, or Referer), and
HTTPS (direct, or through a trusted proxy) is kept to with HSTS, and the API documentation
pages run only their own scripts."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from staff_forms import HTML, PASSWORD, csrf
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.app import create_app
from api.security import origin_of
from api.settings import ServerSettings, Settings
from geodata.users import UserStore
from locator.accounts import Role

OURS = "http://testserver"  # TestClient's own origin
FOREIGN = "https://evil.example.org"
REFUSED = "This form was sent from another website, so it was not saved."


@pytest.fixture(scope="module")
def app(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    db = tmp_path_factory.mktemp("origin") / "staff.db"
    application = create_app(
        synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    )
    with TestClient(application):
        users: UserStore = application.state.users
        users.create_user("ann@council.gov.uk", "Ann", Role.ADMIN, PASSWORD)
        yield application


@pytest.fixture(scope="module")
def token(app: FastAPI) -> dict[str, str]:
    users: UserStore = app.state.users
    user = next(u for u in users.users() if u.email == "ann@council.gov.uk")
    return {"Authorization": f"Bearer {users.create_token(user.id, 'tests')}"}


def _log_in(app: FastAPI, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    form = client.get("/staff/login", headers=HTML)
    data = {"email": "ann@council.gov.uk", "password": PASSWORD, "csrf_token": csrf(form.text)}
    return client, client.post("/staff/login", data=data, headers={**HTML, **headers})


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": FOREIGN},
        {"referer": FOREIGN + "/staff/login"},
        {},
        {"origin": "null", "referer": OURS + "/staff/login"},  # Origin wins over Referer
        {"origin": "http://testserver:8080"},  # another port is another origin
        {"origin": "https://testserver"},  # and another scheme
    ],
    ids=["foreign-origin", "foreign-referer", "neither", "null-origin", "port", "scheme"],
)
def test_a_staff_form_from_anywhere_else_is_refused_with_a_page(
    app: FastAPI, headers: dict[str, str]
) -> None:
    client, r = _log_in(app, headers)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")
    assert REFUSED in r.text
    assert "sp_staff" not in client.cookies  # not logged in


@pytest.mark.parametrize(
    "headers",
    [{"origin": OURS}, {"referer": OURS + "/staff/login"}, {"origin": "http://TestServer:80"}],
    ids=["origin", "referer", "default-port"],
)
def test_a_staff_form_from_our_own_page_is_accepted(app: FastAPI, headers: dict[str, str]) -> None:
    client, r = _log_in(app, headers)
    assert r.status_code == 303, r.text
    # Logged in: a form behind the session (log out) is checked the same way.
    page = client.get("/staff/places", headers=HTML)
    out = client.post("/staff/logout", data={"csrf_token": csrf(page.text)}, headers=HTML)
    assert out.status_code == 403 and REFUSED in out.text
    out = client.post(
        "/staff/logout", data={"csrf_token": csrf(page.text)}, headers={**HTML, "origin": OURS}
    )
    assert out.status_code == 303 and out.headers["location"] == "/staff/login"


def _status(client: TestClient, token: dict[str, str]) -> str:
    return str(client.get("/api/v1/admin/places/S1", headers=token).json()["status"])


def test_the_staff_api_refuses_a_foreign_origin_with_a_problem(
    app: FastAPI, token: dict[str, str]
) -> None:
    client = TestClient(app)
    r = client.post("/api/v1/admin/places/S1/suspend", headers={**token, "origin": FOREIGN})
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "/problems/foreign-origin" and "another website" in body["detail"]
    assert _status(client, token) == "active"  # nothing changed


@pytest.mark.parametrize(
    "headers",
    [{}, {"origin": OURS}, {"referer": FOREIGN + "/"}],
    ids=["none", "our-origin", "referer-only"],
)
def test_the_staff_api_takes_scripts_that_send_no_origin(
    app: FastAPI, token: dict[str, str], headers: dict[str, str]
) -> None:
    client = TestClient(app)
    r = client.post(
        "/api/v1/admin/places/S1/suspend",
        headers={**token, **headers},
        json={"reason": "Closed for refurbishment"},
    )
    assert r.status_code == 200, r.text
    assert client.post("/api/v1/admin/places/S1/restore", headers=token).status_code == 200


def test_public_routes_and_reads_are_not_checked(app: FastAPI) -> None:
    client = TestClient(app)
    # A partner's page may search from the browser; a staff page may be linked to from anywhere.
    assert client.get("/api/v1/places/S1", headers={"origin": FOREIGN}).status_code == 200
    login = client.get("/staff/login", headers={**HTML, "referer": FOREIGN + "/"})
    assert login.status_code == 200


def test_origins_are_compared_as_browsers_write_them() -> None:
    assert origin_of("https://Example.org:443/staff/x?y=1") == "https://example.org"
    assert origin_of("http://example.org:8000") == "http://example.org:8000"
    assert origin_of("http://[::1]:8000/") == "http://[::1]:8000"
    for nothing in ("null", "", "file:///etc", "http://example.org:99999", "example.org"):
        assert origin_of(nothing) is None


# -- HTTPS: HSTS, and what a trusted proxy says --------------------------------------------------


def test_hsts_only_over_https(app: FastAPI) -> None:
    https = TestClient(app, base_url="https://testserver")
    for path in ("/", "/api/v1/ping", "/staff/login"):
        assert https.get(path).headers["strict-transport-security"] == "max-age=31536000"
        assert "strict-transport-security" not in TestClient(app).get(path).headers


@pytest.fixture(scope="module")
def proxied(app: FastAPI) -> ProxyHeadersMiddleware:
    """The app as `safeplaces serve` runs it: behind uvicorn's proxy-header middleware, which
    believes only the trusted proxies (the default: 127.0.0.1)."""
    settings: Settings = app.state.settings
    return ProxyHeadersMiddleware(app, trusted_hosts=settings.server.trusted_proxies)  # type: ignore[arg-type]


def _from(proxied: ProxyHeadersMiddleware, address: str) -> TestClient:
    return TestClient(proxied, client=(address, 40000), headers={"x-forwarded-proto": "https"})  # type: ignore[arg-type]


def test_hsts_behind_a_trusted_proxy_only(proxied: ProxyHeadersMiddleware) -> None:
    trusted = _from(proxied, "127.0.0.1").get("/api/v1/ping")
    assert trusted.headers["strict-transport-security"] == "max-age=31536000"
    faked = _from(proxied, "203.0.113.9").get("/api/v1/ping")
    assert "strict-transport-security" not in faked.headers


def test_behind_a_trusted_https_proxy_our_origin_is_https(
    proxied: ProxyHeadersMiddleware, token: dict[str, str]
) -> None:
    client = _from(proxied, "127.0.0.1")
    path = "/api/v1/admin/places/S1/suspend"
    refused = client.post(
        path,
        headers={**token, "origin": "http://testserver"},
        json={"reason": "Closed for refurbishment"},
    )
    assert refused.status_code == 403
    assert (
        client.post(
            path,
            headers={**token, "origin": "https://testserver"},
            json={"reason": "Closed for refurbishment"},
        ).status_code
        == 200
    )
    assert client.post("/api/v1/admin/places/S1/restore", headers=token).status_code == 200


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert ServerSettings().trusted_proxies == ["127.0.0.1"]
    assert ServerSettings(trusted_proxies=["10.0.0.0/8", "::1"]).trusted_proxies == [
        "10.0.0.0/8",
        "::1",
    ]
    for bad in ("*", "proxy.example.org", "10.0.0.0/33"):
        with pytest.raises(ValidationError):
            ServerSettings(trusted_proxies=[bad])


# -- the API documentation pages' CSP -----------------------------------------------------------


def _inline_script_hashes(html: str) -> list[str]:
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    return [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts]


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect"])
def test_the_swagger_pages_allow_only_their_own_inline_script(app: FastAPI, path: str) -> None:
    r = TestClient(app).get(path, params={"x": "<script>alert(1)</script>"})
    policy = dict(d.strip().split(" ", 1) for d in r.headers["content-security-policy"].split(";"))
    (digest,) = _inline_script_hashes(r.text)
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert policy["style-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "http" not in r.headers["content-security-policy"]  # no other site's origin
    assert "alert" not in r.text  # nothing from the request is hashed along with the page
    assert r.headers["x-frame-options"] == "DENY"


def test_redoc_has_no_inline_script_and_may_style_itself(app: FastAPI) -> None:
    r = TestClient(app).get("/redoc")
    policy = r.headers["content-security-policy"]
    assert "script-src 'self';" in policy and _inline_script_hashes(r.text) == []
    assert "style-src 'self' 'unsafe-inline';" in policy and "http" not in policy


def test_other_pages_keep_their_own_csp(app: FastAPI) -> None:
    page = TestClient(app).get("/", headers=HTML).headers["content-security-policy"]
    assert "'nonce-" in page and "sha256" not in page
    assert "content-security-policy" not in TestClient(app).get("/openapi.json").headers


def test_only_staff_pages_send_a_same_origin_referrer(app: FastAPI) -> None:
    client = TestClient(app)
    for path, policy in (
        ("/", "no-referrer"),
        ("/about", "no-referrer"),
        ("/staff/login", "same-origin"),
    ):
        r = client.get(path, headers=HTML)
        assert r.headers["referrer-policy"] == policy, path
        # The page says it too, and the meta tag is what the page's own form posts follow.
        assert f'<meta name="referrer" content="{policy}">' in r.text, path
