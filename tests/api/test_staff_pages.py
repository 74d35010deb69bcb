"""Staff pages: log in with a session cookie only /staff receives, CSRF on every form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from geodata.users import LOCK_AFTER, UserStore
from locator.accounts import Role
from locator.settings import Settings

PASSWORD = "correct horse battery"
HTML = {"accept": "text/html"}


@pytest.fixture
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("pages") / "staff.db"
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as c:
        users: UserStore = app.state.users
        users.sleep = lambda s: None  # no real waiting between wrong passwords in tests
        users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
        yield c


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _login(client: TestClient, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    form = client.get("/staff/login", headers=HTML)
    return client.post(
        "/staff/login",
        data={"email": "ann@council.gov.uk", "password": password, "csrf_token": _csrf(form.text)},
        headers=HTML,
    )


def test_staff_pages_need_a_login(client: TestClient) -> None:
    r = client.get("/staff/places", headers=HTML)
    assert r.status_code == 401 and 'href="/staff/login"' in r.text


def test_login_sets_a_strict_httponly_cookie_for_staff_pages_only(client: TestClient) -> None:
    form = client.get("/staff/login", headers=HTML)
    assert form.status_code == 200
    login_cookie = form.headers["set-cookie"].lower()
    assert "httponly" in login_cookie and "samesite=strict" in login_cookie
    assert "path=/staff" in login_cookie
    r = _login(client)
    assert r.status_code == 303 and r.headers["location"] == "/staff/places"
    cookies = [c.lower() for c in r.headers.get_list("set-cookie")]
    session = next(c for c in cookies if c.startswith("sp_staff="))
    assert "httponly" in session and "samesite=strict" in session and "path=/staff" in session
    page = client.get("/staff/places", headers=HTML)
    assert page.status_code == 200 and "Logged in as Ann (viewer)." in page.text
    assert "Matlock Library" in page.text
    # The public pages still set no cookie.
    assert "set-cookie" not in client.get("/", headers=HTML).headers


def test_forms_need_their_csrf_token(client: TestClient) -> None:
    client.get("/staff/login", headers=HTML)
    r = client.post(
        "/staff/login",
        data={"email": "ann@council.gov.uk", "password": PASSWORD, "csrf_token": "forged"},
        headers=HTML,
    )
    assert r.status_code == 403 and "This form has expired" in r.text
    _login(client)
    assert client.post("/staff/logout", data={}, headers=HTML).status_code == 403
    assert client.get("/staff/places", headers=HTML).status_code == 200  # still logged in


def test_logout(client: TestClient) -> None:
    _login(client)
    page = client.get("/staff/places", headers=HTML)
    r = client.post("/staff/logout", data={"csrf_token": _csrf(page.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    assert client.get("/staff/places", headers=HTML).status_code == 401


def test_wrong_password_then_lockout(client: TestClient) -> None:
    r = _login(client, "wrong password!")
    assert r.status_code == 401 and "The email address or password is not right." in r.text
    assert 'value="ann@council.gov.uk"' in r.text  # the email stays filled in
    for _ in range(LOCK_AFTER - 1):
        _login(client, "wrong password!")
    locked = _login(client)
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.text


def test_place_list_filters(client: TestClient) -> None:
    _login(client)
    html = client.get("/staff/places", params={"kind": "police_enquiry_office"}, headers=HTML).text
    assert "2 places." in html and "Chesterfield Police Station" in html
    bad = client.get("/staff/places", params={"status": "nonsense"}, headers=HTML)
    assert bad.status_code == 422
