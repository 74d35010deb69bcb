"""Account pages: admins reset passwords, change roles, disable and delete; anyone changes
their own password."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from smtp import Mailbox, link_in
from staff_forms import OWN_ORIGIN, sent_to_login

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role, StaffUser

PASSWORD = "correct horse battery"
NEW = "a brand new passphrase"
HTML = {"accept": "text/html"}


@pytest.fixture
def app(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> Iterator[object]:
    db = tmp_path_factory.mktemp("accounts") / "staff.db"
    application = create_app(
        synthetic_settings.model_copy(
            update={"database_url": f"sqlite:///{db}", "mail": mailbox.settings}
        )
    )
    with TestClient(application):
        users: UserStore = application.state.users
        users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
        users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
        yield application


def _users(app: object) -> UserStore:
    users: UserStore = app.state.users  # type: ignore[attr-defined]
    return users


def _ann(app: object) -> StaffUser:
    ann = _users(app).find("ann@council.gov.uk")
    assert ann is not None
    return ann


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _login(app: object, email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers=OWN_ORIGIN)  # type: ignore[arg-type]
    form = client.get("/staff/login", headers=HTML)
    r = client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": _csrf(form.text)},
        headers=HTML,
    )
    assert r.status_code == 303, r.text
    return client


def _post(client: TestClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    token = _csrf(client.get("/staff/places", headers=HTML).text)
    return client.post(path, data={"csrf_token": token, **data}, headers=HTML)


def test_the_account_list_links_to_each_account(app: object) -> None:
    boss = _login(app, "boss@council.gov.uk")
    page = boss.get("/staff/users", headers=HTML)
    ann = _ann(app)
    assert f'href="/staff/users/{ann.id}"' in page.text
    detail = boss.get(f"/staff/users/{ann.id}", headers=HTML)
    assert detail.status_code == 200 and "Account ann@council.gov.uk" in detail.text
    assert boss.get("/staff/users/999", headers=HTML).status_code == 404


def test_an_admin_sends_a_link_to_set_a_forgotten_password(app: object, mailbox: Mailbox) -> None:
    ann_before = _login(app, "ann@council.gov.uk")
    boss = _login(app, "boss@council.gov.uk")
    ann = _ann(app)
    r = _post(boss, f"/staff/users/{ann.id}/password")
    assert r.status_code == 303
    done = boss.get(r.headers["location"], headers=HTML)
    assert "Sent a link to set a new password" in done.text
    assert 'type="password"' not in done.text  # the admin never types or sees it
    path = link_in(mailbox.wait_for("ann@council.gov.uk")).removeprefix("http://testserver")
    # Until Ann uses the link nothing changes: her session and her password still work.
    assert ann_before.get("/staff/places", headers=HTML).status_code == 200
    browser = TestClient(app, follow_redirects=False, headers=OWN_ORIGIN)  # type: ignore[arg-type]
    form = browser.get(path, headers=HTML)
    assert "Choose a new password" in form.text and "ann@council.gov.uk" in form.text
    chosen = {
        "csrf_token": _csrf(form.text),
        "new_password": "short",
        "new_password_again": "short",
    }
    short = browser.post(path, data=chosen, headers=HTML)
    assert short.status_code == 422 and "at least 12 characters" in short.text
    chosen = {"csrf_token": _csrf(short.text), "new_password": NEW, "new_password_again": NEW}
    assert browser.post(path, data=chosen, headers=HTML).status_code == 303
    # Ann's old session has ended; the new password works, the old one doesn't.
    assert sent_to_login(ann_before.get("/staff/places", headers=HTML))
    _login(app, "ann@council.gov.uk", NEW)


def test_an_admin_changes_a_role(app: object) -> None:
    boss = _login(app, "boss@council.gov.uk")
    ann = _ann(app)
    bad = _post(boss, f"/staff/users/{ann.id}", role="editor", areas="")
    assert bad.status_code == 422 and "needs at least one area" in bad.text
    unknown = _post(boss, f"/staff/users/{ann.id}", role="editor", areas="X99")
    assert (
        unknown.status_code == 422
        and "We don&#39;t know the area &#34;X99&#34;. Choose from: " in unknown.text
    )
    r = _post(boss, f"/staff/users/{ann.id}", role="editor", areas="e07000035")
    assert r.status_code == 303
    assert _ann(app).role is Role.EDITOR and _ann(app).areas == {"E07000035"}


def test_disable_then_enable(app: object) -> None:
    ann_session = _login(app, "ann@council.gov.uk")
    boss = _login(app, "boss@council.gov.uk")
    ann = _ann(app)
    assert _post(boss, f"/staff/users/{ann.id}/active", action="disable").status_code == 303
    assert sent_to_login(ann_session.get("/staff/places", headers=HTML))
    listed = boss.get("/staff/users", headers=HTML).text
    assert "no (disabled)" in listed
    assert "Enable this account" in boss.get(f"/staff/users/{ann.id}", headers=HTML).text
    assert _post(boss, f"/staff/users/{ann.id}/active", action="enable").status_code == 303
    _login(app, "ann@council.gov.uk")


def test_delete_asks_first_and_admins_cannot_remove_themselves(app: object) -> None:
    boss = _login(app, "boss@council.gov.uk")
    ann = _ann(app)
    asked = _post(boss, f"/staff/users/{ann.id}/delete")
    assert asked.status_code == 200 and "Delete the account ann@council.gov.uk?" in asked.text
    assert _users(app).find(ann.email) is not None
    done = _post(boss, f"/staff/users/{ann.id}/delete", confirm="yes")
    assert done.status_code == 303 and done.headers["location"] == "/staff/users?done=deleted"
    assert _users(app).find(ann.email) is None
    me = _users(app).find("boss@council.gov.uk")
    assert me is not None
    assert _post(boss, f"/staff/users/{me.id}/active", action="disable").status_code == 403
    assert _post(boss, f"/staff/users/{me.id}/delete", confirm="yes").status_code == 403
    # Nor can the only admin be made a viewer.
    demoted = _post(boss, f"/staff/users/{me.id}", role="viewer", areas="")
    assert demoted.status_code == 422 and "only active admin" in demoted.text


def test_anyone_changes_their_own_password(app: object) -> None:
    elsewhere = _login(app, "ann@council.gov.uk")
    ann = _login(app, "ann@council.gov.uk")
    form = ann.get("/staff/password", headers=HTML)
    assert form.status_code == 200 and 'autocomplete="current-password"' in form.text
    wrong = _post(ann, "/staff/password", current_password="nope nope nope",
                  new_password=NEW, new_password_again=NEW)  # fmt: skip
    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    differ = _post(ann, "/staff/password", current_password=PASSWORD,
                   new_password=NEW, new_password_again=NEW + "!")  # fmt: skip
    assert differ.status_code == 422 and "not the same" in differ.text
    ok = _post(ann, "/staff/password", current_password=PASSWORD,
               new_password=NEW, new_password_again=NEW)  # fmt: skip
    assert ok.status_code == 200 and "Your password is changed" in ok.text
    assert ann.get("/staff/places", headers=HTML).status_code == 200
    assert sent_to_login(elsewhere.get("/staff/places", headers=HTML))
    _login(app, "ann@council.gov.uk", NEW)


def test_areas_are_chosen_and_shown_by_name(app: object) -> None:
    boss = _login(app, "boss@council.gov.uk")
    ann = _ann(app)
    page = boss.get(f"/staff/users/{ann.id}", headers=HTML).text
    # Every area staff can be given is a tick box named in words, with its code.
    assert 'name="areas" value="E07000035"' in page
    assert "Derbyshire Dales (E07000035)" in page
    ticked = boss.post(
        f"/staff/users/{ann.id}",
        data={"csrf_token": _csrf(page), "role": "editor", "areas": ["E07000035", "E07000032"]},
        headers=HTML,
    )
    assert ticked.status_code == 303
    assert _ann(app).areas == {"E07000035", "E07000032"}
    # Typed names work too (as a script or an old form might send them).
    by_name = _post(boss, f"/staff/users/{ann.id}", role="editor", areas="derbyshire dales")
    assert by_name.status_code == 303 and _ann(app).areas == {"E07000035"}
    listed = boss.get("/staff/users", headers=HTML).text
    assert "Derbyshire Dales (E07000035)" in listed


def test_the_place_list_filters_by_area_name(app: object) -> None:
    boss = _login(app, "boss@council.gov.uk")
    by_name = boss.get("/staff/places", params={"area": "Derbyshire Dales"}, headers=HTML).text
    by_code = boss.get("/staff/places", params={"area": "e07000035"}, headers=HTML).text
    assert "Matlock Library" in by_name and "Alfreton Library" not in by_name
    assert by_name.count("<tr>") == by_code.count("<tr>")
    unknown = boss.get("/staff/places", params={"area": "Atlantis"}, headers=HTML).text
    assert "We don&#39;t know the area &#34;Atlantis&#34;" in unknown
    assert '<option value="E07000035">Derbyshire Dales (E07000035)</option>' in unknown
