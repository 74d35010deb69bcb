"""Logging in by email and with two-factor login, over HTTP with a real SMTP server:
"Forgot your password?", its link, the code step, and admins made to turn it on."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html import unescape

import pyotp
import pytest
from fastapi.testclient import TestClient
from smtp import Mailbox, link_in
from staff_forms import HTML, OWN_ORIGIN, PASSWORD, csrf

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role
from locator.settings import StaffSettings

NEW = "a brand new passphrase"
ANN = "ann@council.gov.uk"


def _app(settings: Settings, mailbox: Mailbox, db: str, **staff: object) -> object:
    return create_app(
        settings.model_copy(
            update={
                "database_url": f"sqlite:///{db}",
                "mail": mailbox.settings,
                "staff": StaffSettings(**staff),  # type: ignore[arg-type]
            }
        )
    )


@pytest.fixture
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> Iterator[TestClient]:
    app = _app(synthetic_settings, mailbox, str(tmp_path_factory.mktemp("email") / "s.db"))
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as c:  # type: ignore[arg-type]
        users: UserStore = c.app.state.users  # type: ignore[attr-defined]
        users.create_user(ANN, "Ann", Role.VIEWER, PASSWORD)
        users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
        yield c


def _forgot(client: TestClient, email: str):  # type: ignore[no-untyped-def]
    page = client.get("/staff/forgot", headers=HTML)
    return client.post(
        "/staff/forgot", data={"email": email, "csrf_token": csrf(page.text)}, headers=HTML
    )


def _words(html: str) -> str:
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return text.replace(" .", ".")


def _log_in(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    form = client.get("/staff/login", headers=HTML)
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": csrf(form.text)},
        headers=HTML,
    )


def test_forgot_password_answers_the_same_and_emails_a_link_that_works_once(
    client: TestClient, mailbox: Mailbox
) -> None:
    assert 'href="/staff/forgot"' in client.get("/staff/login", headers=HTML).text
    known, unknown = _forgot(client, ANN), _forgot(client, "nobody@council.gov.uk")
    assert known.status_code == unknown.status_code == 200
    assert _words(known.text).replace(ANN, "X") == _words(unknown.text).replace(
        "nobody@council.gov.uk", "X"
    )
    assert "we've sent a link to it" in _words(known.text) and "for 1 hour" in known.text
    message = mailbox.wait_for(ANN)
    assert message["Subject"] == "Set a new password for Safe Places Locator"
    time.sleep(0.2)
    assert len(mailbox.messages) == 1  # nothing to the address without an account

    old_session = TestClient(client.app, follow_redirects=False, headers=OWN_ORIGIN)
    assert _log_in(old_session, ANN).status_code == 303
    path = link_in(message).removeprefix("http://testserver")
    assert path.startswith("/staff/reset/")
    form = client.get(path, headers=HTML)
    assert form.status_code == 200 and "Choose a new password" in form.text
    typed = {"csrf_token": csrf(form.text), "new_password": NEW, "new_password_again": "other"}
    differ = client.post(path, data=typed, headers=HTML)
    assert differ.status_code == 422 and "The two passwords are not the same" in differ.text
    typed = {"csrf_token": csrf(differ.text), "new_password": NEW, "new_password_again": NEW}
    done = client.post(path, data=typed, headers=HTML)
    assert done.status_code == 303 and done.headers["location"] == "/staff"
    assert "Logged in as Ann" in client.get("/staff/places", headers=HTML).text
    # The other session has ended, the link is spent, the new password is the one.
    assert old_session.get("/staff/places", headers=HTML).status_code == 303
    assert client.get(path, headers=HTML).status_code == 410
    assert _log_in(TestClient(client.app, headers=OWN_ORIGIN), ANN).status_code == 401
    assert _log_in(old_session, ANN, NEW).status_code == 303


def test_only_the_newest_link_works(client: TestClient, mailbox: Mailbox) -> None:
    _forgot(client, ANN)
    first = link_in(mailbox.wait_for(ANN)).removeprefix("http://testserver")
    _forgot(client, ANN)
    second = link_in(mailbox.wait_for(ANN)).removeprefix("http://testserver")
    gone = client.get(first, headers=HTML)
    assert gone.status_code == 410 and "Ask for a new link" in gone.text
    assert client.get(second, headers=HTML).status_code == 200
    assert client.get("/staff/reset/made-up", headers=HTML).status_code == 410


def test_forgot_password_is_throttled_and_needs_its_form_token(
    client: TestClient, mailbox: Mailbox
) -> None:
    no_token = client.post("/staff/forgot", data={"email": ANN}, headers=HTML)
    assert no_token.status_code == 403
    for _ in range(5):
        assert _forgot(client, ANN).status_code == 200
    held = _forgot(client, ANN)
    assert held.status_code == 429 and "Too many tries" in held.text
    assert int(held.headers["Retry-After"]) > 0
    assert 'value="ann@council.gov.uk"' in held.text  # what was typed stays
    assert _forgot(client, "not an address").status_code == 422


def test_a_public_url_is_used_for_the_link(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> None:
    settings = synthetic_settings.model_copy(
        update={
            "server": synthetic_settings.server.model_copy(
                update={"public_url": "https://safeplaces.example.org"}
            )
        }  # fmt: skip
    )
    app = _app(settings, mailbox, str(tmp_path_factory.mktemp("public") / "s.db"))
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as c:  # type: ignore[arg-type]
        c.app.state.users.create_user(ANN, "Ann", Role.VIEWER, PASSWORD)  # type: ignore[attr-defined]
        _forgot(c, ANN)
    assert link_in(mailbox.wait_for(ANN)).startswith("https://safeplaces.example.org/staff/reset/")


def _turn_on(client: TestClient) -> str:
    page = client.get("/staff/two-factor", headers=HTML)
    assert page.status_code == 200 and "<svg" in page.text and "QR code" in page.text
    key = re.search(r'id="t-key">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    form = {"csrf_token": csrf(page.text), "key": key, "code": "123"}
    wrong = client.post("/staff/two-factor", data=form, headers=HTML)
    assert wrong.status_code == 422 and "That code is not right" in wrong.text
    assert key in wrong.text.replace(" ", "")  # the same key: the app already has it
    done = client.post(
        "/staff/two-factor", data={**form, "code": pyotp.TOTP(key).now()}, headers=HTML
    )
    assert done.status_code == 200 and "Your recovery codes" in done.text
    assert len(re.findall(r"<code>[A-Z0-9]{4}-", done.text)) == 10
    return key


def test_two_factor_login(client: TestClient) -> None:
    assert _log_in(client, ANN).status_code == 303
    key = _turn_on(client)
    assert "is <strong>on</strong>" in client.get("/staff/two-factor", headers=HTML).text
    client.cookies.clear()
    r = _log_in(client, ANN)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login/code"
    assert client.get("/staff/places", headers=HTML).status_code == 303  # not in yet
    page = client.get("/staff/login/code", headers=HTML)
    assert "Type your code" in page.text
    wrong = client.post(
        "/staff/login/code", data={"csrf_token": csrf(page.text), "code": "000000"}, headers=HTML
    )
    assert wrong.status_code == 401 and "That code is not right" in wrong.text
    # The code just used to turn it on can't be used again: wait for the next one.
    totp = pyotp.TOTP(key)
    code = totp.at(time.time() + 30)
    right = client.post(
        "/staff/login/code", data={"csrf_token": csrf(wrong.text), "code": code}, headers=HTML
    )
    assert right.status_code == 303 and right.headers["location"] == "/staff"
    assert client.get("/staff/places", headers=HTML).status_code == 200
    # Without the password first, the code page sends back to log in.
    fresh = TestClient(client.app, follow_redirects=False, headers=OWN_ORIGIN)
    assert (
        fresh.get("/staff/login/code", headers=HTML)
        .headers["location"]
        .startswith("/staff/login?done=expired")
    )


def test_admins_can_be_made_to_turn_on_two_factor_first(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> None:
    db = str(tmp_path_factory.mktemp("required") / "s.db")
    app = _app(synthetic_settings, mailbox, db, admins_need_two_factor=True)
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as c:  # type: ignore[arg-type]
        users: UserStore = c.app.state.users  # type: ignore[attr-defined]
        users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
        users.create_user(ANN, "Ann", Role.VIEWER, PASSWORD)
        assert _log_in(c, "boss@council.gov.uk").status_code == 303
        sent = c.get("/staff/users", headers=HTML)
        assert sent.status_code == 303 and sent.headers["location"] == "/staff/two-factor"
        page = c.get("/staff/two-factor", headers=HTML)
        assert "Admins must use two-factor login" in page.text
        assert c.post("/staff/users", data={"csrf_token": csrf(page.text)}).status_code == 403
        _turn_on(c)
        assert c.get("/staff/users", headers=HTML).status_code == 200
        off = c.post(
            "/staff/two-factor/off",
            data={"csrf_token": csrf(page.text), "password": PASSWORD},
            headers=HTML,
        )
        assert off.status_code == 403 and "Admins must keep two-factor login on" in off.text
        # A viewer is not asked to.
        viewer = TestClient(c.app, follow_redirects=False, headers=OWN_ORIGIN)
        assert _log_in(viewer, ANN).status_code == 303
        assert viewer.get("/staff/places", headers=HTML).status_code == 200
