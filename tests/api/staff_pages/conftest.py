"""The staff pages' app (a fresh database each test, its mail going to the test SMTP server),
a viewer account, and an editor logged in for Derbyshire Dales."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from smtp import Mailbox
from staff_forms import OWN_ORIGIN, PASSWORD, as_editor

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
    return as_editor(client)


@pytest.fixture
def paged_app(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[int], FastAPI]:
    """Makes the staff pages' app with the place list this many places a page."""

    def make(size: int) -> FastAPI:
        db = tmp_path_factory.mktemp("pages") / "staff.db"
        pages = synthetic_settings.pages.model_copy(update={"staff_list_page_size": size})
        settings = synthetic_settings.model_copy(
            update={"database_url": f"sqlite:///{db}", "pages": pages}
        )
        return create_app(settings)

    return make
