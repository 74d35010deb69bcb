"""Every staff page: the login form (a page) or 401 (a form) for anyone not logged in, 403 for
a role or area it doesn't allow."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from smtp import SmtpServer
from staff_forms import OWN_ORIGIN, sent_to_login

from api.app import create_app
from api.settings import Settings
from geodata.users import UserStore
from locator.accounts import Role

PASSWORD = "correct horse battery"
HTML = {"accept": "text/html"}
WHO = {
    "viewer": (Role.VIEWER, frozenset()),
    "editor_in": (Role.EDITOR, frozenset({"E07000035"})),  # S1's area
    "editor_out": (Role.EDITOR, frozenset({"E07000032"})),
    "admin": (Role.ADMIN, frozenset()),
}


@pytest.fixture(scope="module")
def app_settings(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer
) -> Settings:
    db = tmp_path_factory.mktemp("matrix") / "staff.db"
    mail = smtp_server.mailbox.settings
    return synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}", "mail": mail})


@pytest.fixture(scope="module")
def app(app_settings: Settings) -> Iterator[object]:
    application = create_app(app_settings)
    with TestClient(application):
        users: UserStore = application.state.users
        for who, (role, areas) in WHO.items():
            users.create_user(f"{who}@council.gov.uk", who, role, PASSWORD, areas)
        users.create_user("target@council.gov.uk", "Target", Role.VIEWER, PASSWORD)
        yield application


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _client(app: object, who: str) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers=OWN_ORIGIN)  # type: ignore[arg-type]
    if who != "anonymous":
        form = client.get("/staff/login", headers=HTML)
        r = client.post(
            "/staff/login",
            data={"email": f"{who}@council.gov.uk", "password": PASSWORD,
                  "csrf_token": _csrf(form.text)},
            headers=HTML,
        )  # fmt: skip
        assert r.status_code == 303, r.text
    return client


def _token(client: TestClient) -> str:
    # A CSRF token from a page this caller may see (anonymous gets none: 401 comes first).
    return _csrf(client.get("/staff/places", headers=HTML).text)


def _post(path: str, data: dict[str, str]) -> Callable[[TestClient], Response]:
    def call(c: TestClient) -> Response:
        return c.post(path, data={"csrf_token": _token(c), **data}, headers=HTML)

    return call


def _get(path: str) -> Callable[[TestClient], Response]:
    return lambda c: c.get(path, headers=HTML)


def _target(client: TestClient) -> str:
    """The path of the account the account routes act on."""
    users: UserStore = client.app.state.users  # type: ignore[attr-defined]
    target = users.find("target@council.gov.uk")
    assert target is not None
    return f"/staff/users/{target.id}"


def _on_target(suffix: str, data: dict[str, str]) -> Callable[[TestClient], Response]:
    return lambda c: _post(_target(c) + suffix, data)(c)


CSV = b"external_ref,name,category,postcode\nM1,Shop,shop,DE4 3AG\n"
GONE = "A" * 22 + ".csv"

# route: (call, who may: "all" staff, "edit" (admin and editor in S1's area),
#         "import" (admin and editors), "admin")
ROUTES: dict[str, tuple[Callable[[TestClient], Response], str]] = {
    "list": (_get("/staff/places"), "all"),
    "new form": (_get("/staff/places/new"), "all"),
    "edit form": (_get("/staff/places/S1"), "all"),
    "history": (_get("/staff/places/S1/history"), "all"),
    "create": (
        _post("/staff/places/new", {"name": "N", "category": "shop", "postcode": "DE4 3AG"}),
        "edit",
    ),  # fmt: skip
    "edit": (
        _post(
            "/staff/places/S1", {"version": "1", "name": "Matlock Library", "phone": "01629 533400"}
        ),
        "edit",
    ),  # fmt: skip
    "status": (_post("/staff/places/S1/status", {"action": "restore"}), "edit"),
    "restore version": (_post("/staff/places/S1/history/1/restore", {}), "edit"),
    "import form": (_get("/staff/import"), "import"),
    "import upload": (
        lambda c: c.post(
            "/staff/import",
            data={"csrf_token": _token(c)},
            files={"file": ("m.csv", CSV, "text/csv")},
            headers=HTML,
        ),
        "import",
    ),
    # An upload that has gone: for those who may import, "That upload has gone" (a 404).
    "import columns": (_post(f"/staff/import/{GONE}/columns", {}), "import"),
    "import preview": (_post(f"/staff/import/{GONE}/preview", {"column-0": "name"}), "import"),
    "import confirm": (_post(f"/staff/import/{GONE}/confirm", {"plan_digest": "x"}), "import"),
    "import cancel": (_post(f"/staff/import/{GONE}/cancel", {}), "import"),
    "accounts": (_get("/staff/users"), "admin"),
    "invite": (_post("/staff/users", {"email": "z@x.uk", "role": "editor"}), "admin"),
    "invitation": (_on_target("/invitation", {"action": "resend"}), "admin"),
    "account": (lambda c: c.get(_target(c), headers=HTML), "admin"),
    "change role": (_on_target("", {"role": "viewer", "areas": ""}), "admin"),
    "send reset link": (_on_target("/password", {}), "admin"),
    "enable account": (_on_target("/active", {"action": "enable"}), "admin"),
    "delete account": (_on_target("/delete", {}), "admin"),  # asks first, deletes nothing
    "own password form": (_get("/staff/password"), "all"),
    "two-factor": (_get("/staff/two-factor"), "all"),
    "two-factor on": (_post("/staff/two-factor", {"key": "x", "code": "1"}), "all"),
    "two-factor off": (_post("/staff/two-factor/off", {"password": "wrong"}), "all"),
    "own password": (_post("/staff/password", {"current_password": "wrong"}), "all"),
    "logout": (_post("/staff/logout", {}), "all"),
}
ALLOWED = {
    "all": {"viewer", "editor_in", "editor_out", "admin"},
    "edit": {"editor_in", "admin"},
    "import": {"editor_in", "editor_out", "admin"},
    "admin": {"admin"},
}


@pytest.mark.parametrize("who", ["anonymous", *WHO])
@pytest.mark.parametrize("route", list(ROUTES))
def test_staff_page_access(app: object, route: str, who: str) -> None:
    call, rule = ROUTES[route]
    with _client(app, who) as client:
        r = call(client)
    if who == "anonymous" and r.request.method == "GET":
        assert sent_to_login(r), (route, r.status_code)
    elif who == "anonymous":
        assert r.status_code == 401, (route, r.status_code)
        assert r.headers["content-type"].startswith("text/html")
    elif who in ALLOWED[rule]:
        # Allowed: the page, a redirect after a change, or a form error (a 422 is not a 403).
        gone = 404 if GONE in str(r.request.url) else 200
        assert r.status_code in (200, 303, 412, 422, gone), (route, who, r.status_code)
    else:
        assert r.status_code == 403, (route, who, r.status_code)
