"""The staff pages' app (a fresh database each test, its mail going to the test SMTP server),
a viewer account, and an editor logged in for Derbyshire Dales."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from smtp import Mailbox
from staff_forms import HTML, OWN_ORIGIN, PASSWORD, csrf

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role


@pytest.fixture
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox
) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("pages") / "staff.db"
    settings = synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{db}", "mail": mailbox.settings}
    )
    app = create_app(settings)
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as c:
        users: UserStore = app.state.users
        users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
        yield c


@pytest.fixture
def editor(client: TestClient) -> TestClient:
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    users.create_user("ed@council.gov.uk", "Ed", Role.EDITOR, PASSWORD, frozenset({"E07000035"}))
    form = client.get("/staff/login", headers=HTML)
    client.post(
        "/staff/login",
        data={"email": "ed@council.gov.uk", "password": PASSWORD, "csrf_token": csrf(form.text)},
        headers=HTML,
    )
    return client
